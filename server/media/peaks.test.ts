import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPeaksBuilder } from './peaks.ts';
import {
	PeaksFormatError,
	encodePeaksHeader,
	fineSamplesPerPeak,
	levelPeakCounts,
	parsePeaks,
	peaksToFloat32,
	pickPeaksLevel,
	quantizeSample,
	readPeaksProgressively
} from './peaks-format.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-peaks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** s16le PCM of a sine at `amplitude` (fraction of full scale). */
function sinePcm(seconds: number, sampleRate: number, frequency: number, amplitude: number): Buffer {
	const n = Math.round(seconds * sampleRate);
	const buf = Buffer.alloc(n * 2);
	for (let i = 0; i < n; i++) {
		buf.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), i * 2);
	}
	return buf;
}

describe('peaks format helpers', () => {
	it.each([
		[44100, 441],
		[48000, 480],
		[16000, 160],
		[22050, 221],
		[8000, 80],
		[50, 1]
	])('fine samplesPerPeak at %i Hz is %i', (rate, spp) => {
		expect(fineSamplesPerPeak(rate)).toBe(spp);
	});

	it.each([
		[200, [200]],
		[1999, [1999]],
		[2000, [2000, 500]],
		[360_000, [360_000, 90_000, 22_500, 5625, 1407]],
		[3_600_000, [3_600_000, 900_000, 225_000, 56_250, 14_063, 3516, 879]]
	])('levels for %i fine peaks', (fine, expected) => {
		expect(levelPeakCounts(fine)).toEqual(expected);
	});

	it('quantizes 16-bit samples to int8 at full scale 127', () => {
		expect([32767, -32767, -32768, 0, 16384, 128].map(quantizeSample)).toEqual([127, -127, -127, 0, 64, 0]);
	});

	it('rejects data that is not FYPK', () => {
		expect(() => parsePeaks(new Uint8Array(4))).toThrow(PeaksFormatError);
		expect(() => parsePeaks(new TextEncoder().encode('RIFF0000WAVEfmt '))).toThrow(/magic/);
		const header = encodePeaksHeader({ sampleRate: 8000, durationMs: 10, levels: [{ samplesPerPeak: 80, peakCount: 5 }] });
		expect(() => parsePeaks(header)).toThrow(/outside/);
	});
});

describe(createPeaksBuilder.name, () => {
	it('round-trips a 1 kHz sine at half scale through the binary format', async () => {
		const sampleRate = 44100;
		const builder = createPeaksBuilder({ sampleRate, tmpDir: dir });
		const pcm = sinePcm(3, sampleRate, 1000, 0.5);
		// Odd, uneven chunk sizes: samples split across chunk boundaries must still count once.
		for (let at = 0, step = 1; at < pcm.length; at += step, step = (step * 7 + 3) % 9001) {
			builder.push(pcm.subarray(at, Math.min(pcm.length, at + step)));
		}
		const out = path.join(dir, 'sine.peaks');
		const summary = await builder.finish(out);
		expect(summary.samples).toBe(3 * sampleRate);
		expect(summary.durationMs).toBe(3000);

		const peaks = parsePeaks(readFileSync(out));
		expect(peaks).toMatchObject({ version: 1, sampleRate, durationMs: 3000 });
		expect(peaks.levels).toHaveLength(1);
		const fine = peaks.levels[0]!;
		expect(fine.samplesPerPeak).toBe(441);
		expect(fine.peakCount).toBe(300);
		for (let i = 0; i < fine.peakCount; i++) {
			// 10 ms windows hold 10 periods of the sine: every window reaches ±0.5 × 127 ≈ ±63.5.
			expect(fine.data[2 * i]).toBeGreaterThanOrEqual(-64);
			expect(fine.data[2 * i]).toBeLessThanOrEqual(-63);
			expect(fine.data[2 * i + 1]).toBeGreaterThanOrEqual(63);
			expect(fine.data[2 * i + 1]).toBeLessThanOrEqual(64);
		}
		expect(readFileSync(out).byteLength).toBe(16 + 12 + 600);
		const floats = peaksToFloat32(fine);
		expect(floats).toHaveLength(600);
		expect(Math.max(...floats)).toBeCloseTo(0.5, 1);
		expect(Math.min(...floats)).toBeCloseTo(-0.5, 1);
		expect(readdirSync(dir).filter((f) => f.startsWith('peaks-fine-'))).toEqual([]);
	});

	it('builds coarser levels as exact min/max merges of the finer ones', async () => {
		const sampleRate = 8000;
		const builder = createPeaksBuilder({ sampleRate, tmpDir: dir });
		// 25.01 s at 8 kHz: 2501 fine peaks (the last one partial) → levels 2501, 626.
		const n = 25.01 * sampleRate;
		const pcm = Buffer.alloc(n * 2);
		for (let i = 0; i < n; i++) pcm.writeInt16LE(((i * 7919) % 65536) - 32768, i * 2);
		builder.push(pcm);
		const out = path.join(dir, 'ramp.peaks');
		const summary = await builder.finish(out);
		expect(summary.levels).toEqual([
			{ samplesPerPeak: 80, peakCount: 2501 },
			{ samplesPerPeak: 320, peakCount: 626 }
		]);
		const [fine, coarse] = parsePeaks(readFileSync(out)).levels as [
			ReturnType<typeof parsePeaks>['levels'][0],
			ReturnType<typeof parsePeaks>['levels'][0]
		];
		for (let j = 0; j < coarse.peakCount; j++) {
			let min = 127;
			let max = -128;
			for (let i = j * 4; i < Math.min(fine.peakCount, j * 4 + 4); i++) {
				min = Math.min(min, fine.data[2 * i]!);
				max = Math.max(max, fine.data[2 * i + 1]!);
			}
			expect([coarse.data[2 * j], coarse.data[2 * j + 1]]).toEqual([min, max]);
		}
		expect(pickPeaksLevel(parsePeaks(readFileSync(out)), 20).samplesPerPeak).toBe(320);
		expect(pickPeaksLevel(parsePeaks(readFileSync(out)), 500).samplesPerPeak).toBe(80);
	});

	it('abort removes its scratch file', () => {
		const builder = createPeaksBuilder({ sampleRate: 16000, tmpDir: dir });
		builder.push(Buffer.alloc(1000));
		builder.abort();
		expect(readdirSync(dir).filter((f) => f.startsWith('peaks-fine-'))).toEqual([]);
	});
});

describe(readPeaksProgressively.name, () => {
	/** A FYPK file for `seconds` of a ramp, built by the real builder. */
	async function buildFile(seconds: number) {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-peaks-stream-'));
		const builder = createPeaksBuilder({ sampleRate: 8000, tmpDir: dir });
		const chunk = new Int16Array(8000);
		for (let i = 0; i < chunk.length; i++) chunk[i] = ((i % 400) - 200) * 100;
		for (let s = 0; s < seconds; s++) builder.push(Buffer.from(chunk.buffer));
		const out = path.join(dir, 'peaks.bin');
		await builder.finish(out);
		const bytes = readFileSync(out);
		rmSync(dir, { recursive: true, force: true });
		return new Uint8Array(bytes);
	}

	/** A stream of `bytes` in small chunks that counts how much has been pulled. */
	function trickle(bytes: Uint8Array, chunkSize = 1024) {
		const state = { pulled: 0 };
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (state.pulled >= bytes.byteLength) return controller.close();
				const end = Math.min(bytes.byteLength, state.pulled + chunkSize);
				controller.enqueue(bytes.slice(state.pulled, end));
				state.pulled = end;
			}
		});
		return { stream, state };
	}

	it('stores the levels coarsest first, so the coarse view needs a small, length-independent prefix', async () => {
		const short = await buildFile(600);
		const long = await buildFile(6000);
		const prefix = async (bytes: Uint8Array) => {
			const { stream, state } = trickle(bytes);
			const { first, complete } = await readPeaksProgressively(stream, { minPeaks: 4096 });
			const pulledAtFirst = state.pulled;
			const whole = await complete;
			return { first, whole, pulledAtFirst, total: bytes.byteLength };
		};
		const a = await prefix(short);
		const b = await prefix(long);
		for (const r of [a, b]) {
			expect(r.pulledAtFirst).toBeLessThan(r.total / 3);
			expect(r.first.levels.length).toBeLessThan(r.whole.levels.length);
			expect(r.first.levels.at(-1)!.peakCount).toBe(r.whole.levels.at(-1)!.peakCount);
			expect(Array.from(r.first.levels[0]!.data)).toEqual(
				Array.from(r.whole.levels[r.whole.levels.length - r.first.levels.length]!.data)
			);
			expect(r.first.levels[0]!.peakCount).toBeGreaterThanOrEqual(4096);
		}
		// Ten times the audio, about the same bytes before the first drawing.
		expect(b.pulledAtFirst / a.pulledAtFirst).toBeLessThan(3);
		expect(b.total / a.total).toBeGreaterThan(9);
	});

	it('still reads a file whose levels are all smaller than minPeaks', async () => {
		const tiny = await buildFile(3);
		const { first, complete } = await readPeaksProgressively(trickle(tiny, 7).stream, { minPeaks: 4096 });
		const whole = await complete;
		expect(first.levels[0]!.peakCount).toBe(whole.levels[0]!.peakCount);
		expect(parsePeaks(tiny).levels.map((l) => l.peakCount)).toEqual(whole.levels.map((l) => l.peakCount));
	});
});
