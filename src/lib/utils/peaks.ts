/**
 * Browser side of the FYPK waveform peaks. Parsing is the media layer's pure reader
 * (server/media/peaks-format.ts, written to be imported from src/); this adds what drawing needs.
 */
import type { Peaks, PeaksLevel } from '$server/media/peaks-format';

export {
	parsePeaks,
	pickPeaksLevel,
	readPeaksProgressively,
	PeaksFormatError,
	type Peaks,
	type PeaksLevel
} from '$server/media/peaks-format';

/** Peaks per second of audio in `level`. */
export function peaksPerSecond(peaks: Pick<Peaks, 'sampleRate'>, level: Pick<PeaksLevel, 'samplesPerPeak'>): number {
	return peaks.sampleRate / level.samplesPerPeak;
}

/**
 * One level as wavesurfer's `peaks` option: two channels, maxima then minima, scaled to −1…1.
 * wavesurfer draws channel 0 above the axis and channel 1 below it, so the min/max envelope is
 * drawn exactly. −128 is clamped so wavesurfer never renormalises (and copies) the arrays.
 */
export function toWaveSurferPeaks(level: Pick<PeaksLevel, 'peakCount' | 'data'>): [Float32Array, Float32Array] {
	const n = level.peakCount;
	const max = new Float32Array(n);
	const min = new Float32Array(n);
	const d = level.data;
	for (let i = 0; i < n; i++) {
		min[i] = Math.max(d[2 * i], -127) / 127;
		max[i] = Math.max(d[2 * i + 1], -127) / 127;
	}
	return [max, min];
}

/** The peaks of `level` that cover [startMs, endMs), one extra on each side, as index bounds. */
export function peakWindow(
	peaks: Pick<Peaks, 'sampleRate'>,
	level: Pick<PeaksLevel, 'samplesPerPeak' | 'peakCount'>,
	startMs: number,
	endMs: number
): { first: number; end: number; startMs: number; endMs: number } {
	const perSecond = peaksPerSecond(peaks, level);
	const first = Math.min(level.peakCount, Math.max(0, Math.floor((startMs / 1000) * perSecond) - 1));
	const end = Math.min(level.peakCount, Math.max(first, Math.ceil((endMs / 1000) * perSecond) + 1));
	const msOf = (index: number) => (index * level.samplesPerPeak * 1000) / peaks.sampleRate;
	return { first, end, startMs: msOf(first), endMs: msOf(end) };
}
