import { describe, expect, it } from 'vitest';
import { encodePeaksHeader } from '$server/media/peaks-format';
import { parsePeaks, peakWindow, peaksPerSecond, toWaveSurferPeaks } from './peaks.ts';

/** An FYPK file with the given levels (finest first), data laid out as the encoder says: coarsest first. */
function encode(sampleRate: number, durationMs: number, levels: { samplesPerPeak: number; pairs: [number, number][] }[]) {
	const header = encodePeaksHeader({
		sampleRate,
		durationMs,
		levels: levels.map((l) => ({ samplesPerPeak: l.samplesPerPeak, peakCount: l.pairs.length }))
	});
	const data = [...levels].reverse().flatMap((l) => l.pairs.flat());
	const bytes = new Uint8Array(header.length + data.length);
	bytes.set(header);
	new Int8Array(bytes.buffer, header.length).set(data);
	return bytes;
}

const peaks = parsePeaks(
	encode(48000, 40, [
		{ samplesPerPeak: 480, pairs: [[-10, 20], [-128, 127], [0, 0], [-64, 64]] },
		{ samplesPerPeak: 1920, pairs: [[-128, 127]] }
	])
);

describe(toWaveSurferPeaks.name, () => {
	it('splits pairs into maxima and minima scaled to −1…1, clamping −128', () => {
		const [max, min] = toWaveSurferPeaks(peaks.levels[0]);
		expect([...max]).toEqual([20 / 127, 1, 0, 64 / 127].map(Math.fround));
		expect([...min]).toEqual([-10 / 127, -1, 0, -64 / 127].map(Math.fround));
	});
});

describe(peaksPerSecond.name, () => {
	it('is the sample rate over samples per peak', () => {
		expect(peaks.levels.map((l) => peaksPerSecond(peaks, l))).toEqual([100, 25]);
	});
});

describe(peakWindow.name, () => {
	const level = { samplesPerPeak: 480, peakCount: 360_000 }; // 1 h at 100 peaks/s

	it('covers the window with one peak to spare on each side', () => {
		expect(peakWindow(peaks, level, 1_005, 2_000)).toEqual({ first: 99, end: 201, startMs: 990, endMs: 2_010 });
	});

	it('stays inside the level at both ends of the recording', () => {
		expect(peakWindow(peaks, level, 0, 500)).toMatchObject({ first: 0, end: 51 });
		expect(peakWindow(peaks, level, 3_599_000, 3_600_000)).toMatchObject({ first: 359_899, end: 360_000 });
	});

	it('is empty past the end', () => {
		const w = peakWindow(peaks, level, 4_000_000, 4_001_000);
		expect(w.end - w.first).toBe(0);
	});
});
