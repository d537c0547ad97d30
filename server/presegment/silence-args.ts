/** A band-pass in front of silencedetect, so mains hum and hiss do not count as speech. */
export interface BandPass {
	highpassHz: number;
	lowpassHz: number;
}

/** Speech band used when band-passing is on: below 80 Hz is hum and rumble, above 4 kHz mostly hiss. */
export const SPEECH_BAND: BandPass = { highpassHz: 80, lowpassHz: 4000 };

/** Sample rate of the energy envelope's PCM: enough for a 4 kHz band, cheap to pipe through Node. */
export const ENERGY_SAMPLE_RATE = 8000;

export interface SilenceArgsOptions {
	input: string;
	/** Level below which audio counts as silence, in dBFS (negative). */
	thresholdDb: number;
	/** Shortest silence silencedetect reports, in ms. */
	minSilenceMs: number;
	/** Band-pass before detection; null analyses the full band. */
	bandPass: BandPass | null;
}

/**
 * Arguments for one ffmpeg run that logs silencedetect's `silence_start`/`silence_end` lines on
 * stderr (info level, progress stats off so they are the only regular lines) and discards the audio.
 *
 * @example
 * buildSilenceArgs({ input: '/d/a.ogg', thresholdDb: -35, minSilenceMs: 300, bandPass: null });
 * // ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', '/d/a.ogg', '-map', '0:a:0', '-vn', '-sn', '-dn',
 * //  '-af', 'silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-']
 */
export function buildSilenceArgs(options: SilenceArgsOptions): string[] {
	const { input, thresholdDb, minSilenceMs, bandPass } = options;
	if (!Number.isFinite(thresholdDb) || thresholdDb >= 0) throw new RangeError(`thresholdDb must be negative: ${thresholdDb}`);
	if (!Number.isInteger(minSilenceMs) || minSilenceMs <= 0) throw new RangeError(`minSilenceMs must be a positive integer: ${minSilenceMs}`);
	const filters = [...bandPassFilters(bandPass), `silencedetect=noise=${formatNumber(thresholdDb)}dB:d=${formatSeconds(minSilenceMs)}`];
	// `-i` input comes from storage (server-made absolute paths), never from the client.
	return [
		'-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
		'-i', input,
		'-map', '0:a:0', '-vn', '-sn', '-dn',
		'-af', filters.join(','),
		'-f', 'null', '-'
	];
}

export interface EnergyArgsOptions {
	input: string;
	startMs: number;
	endMs: number;
	/** The same band-pass as the detection, so "quiet" means the same thing. */
	bandPass: BandPass | null;
}

/**
 * Arguments that write [startMs, endMs) of the input as mono s16le PCM at ENERGY_SAMPLE_RATE to
 * stdout, for the energy envelope of one long stretch of speech. Input-side `-ss` seeks instead
 * of decoding from the start (ffmpeg then decodes from the preceding packet and drops samples up
 * to the exact time).
 *
 * @example
 * buildEnergyArgs({ input: '/d/a.ogg', startMs: 60000, endMs: 90000, bandPass: null });
 * // ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-ss', '60', '-t', '30', '-i', '/d/a.ogg',
 * //  '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', '8000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1']
 */
export function buildEnergyArgs(options: EnergyArgsOptions): string[] {
	const { input, startMs, endMs, bandPass } = options;
	if (!(Number.isInteger(startMs) && Number.isInteger(endMs) && startMs >= 0 && endMs > startMs)) {
		throw new RangeError(`bad span ${startMs}–${endMs} ms`);
	}
	const filters = bandPassFilters(bandPass);
	return [
		'-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
		'-ss', formatSeconds(startMs), '-t', formatSeconds(endMs - startMs),
		'-i', input,
		'-map', '0:a:0', '-vn', '-sn', '-dn',
		...(filters.length ? ['-af', filters.join(',')] : []),
		'-ac', '1', '-ar', String(ENERGY_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'
	];
}

function bandPassFilters(bandPass: BandPass | null): string[] {
	if (!bandPass) return [];
	if (!(bandPass.highpassHz > 0 && bandPass.lowpassHz > bandPass.highpassHz)) {
		throw new RangeError(`bad band-pass ${bandPass.highpassHz}–${bandPass.lowpassHz} Hz`);
	}
	return [`highpass=f=${bandPass.highpassHz}`, `lowpass=f=${bandPass.lowpassHz}`];
}

export type SilenceEvent = { kind: 'start'; ms: number } | { kind: 'end'; ms: number };

const START_RE = /\bsilence_start:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;
const END_RE = /\bsilence_end:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;

/**
 * Reads one stderr line of silencedetect (`[silencedetect @ 0x…] silence_start: 1.234` or
 * `… silence_end: 2.5 | silence_duration: 1.266`) into integer ms; other lines give null.
 */
export function parseSilenceLine(line: string): SilenceEvent | null {
	if (!line.includes('silence_')) return null;
	const start = START_RE.exec(line);
	if (start) return { kind: 'start', ms: secondsToMs(start[1]) };
	const end = END_RE.exec(line);
	if (end) return { kind: 'end', ms: secondsToMs(end[1]) };
	return null;
}

function secondsToMs(text: string): number {
	// silencedetect may print a start a hair below zero (the silence began before the first sample's pts).
	return Math.max(0, Math.round(Number(text) * 1000));
}

function formatSeconds(ms: number): string {
	return (ms / 1000).toFixed(3).replace(/\.?0+$/, '') || '0';
}

function formatNumber(value: number): string {
	return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '');
}
