import { describe, expect, it } from 'vitest';
import { measureTranscriptImport } from './bench.ts';

describe(measureTranscriptImport.name, () => {
	it('imports a generated TextGrid through the service and reports its times', async () => {
		const result = await measureTranscriptImport(500);
		expect(result.created).toBe(500);
		expect(result.bytes).toBeGreaterThan(500 * 50);
		for (const s of [result.seconds, result.previewSeconds, result.unchangedSeconds]) expect(s).toBeGreaterThan(0);
	});
});
