import { describe, expect, it } from 'vitest';
import { measureMetadataExport, measureTextGridImport } from './bench.ts';

describe(measureTextGridImport.name, () => {
	it('parses a 10,000-interval TextGrid well under the 2 s budget', () => {
		const result = measureTextGridImport(10_000);
		console.info(`import_textgrid_s_10k: ${result.seconds.toFixed(3)} s (${result.bytes} bytes)`);
		expect(result.segments).toBe(10_000);
		expect(result.seconds).toBeLessThan(1);
	});
});

describe(measureMetadataExport.name, () => {
	it('streams every metadata format for 50,000 segments in bounded memory', async () => {
		const result = await measureMetadataExport(50_000);
		console.info(`metadata export 50k: ${result.seconds.toFixed(2)} s, +${result.rssMb.toFixed(0)} MB RSS, ${result.bytes} chars`);
		expect(result.bytes).toBeGreaterThan(50_000 * 6 * 50);
		expect(result.seconds).toBeLessThan(10);
		expect(result.rssMb).toBeLessThan(150);
	});
});
