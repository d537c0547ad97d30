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
	/**
	 * Also write the (band-passed) audio as mono s16le PCM at ENERGY_SAMPLE_RATE to stdout, so the
	 * caller can find the quietest points inside long speech; otherwise the output is discarded.
	 */
	withEnergy: boolean;
}

/**
 * Arguments for one ffmpeg run that logs silencedetect's `silence_start`/`silence_end` lines on
 * stderr (info level, progress stats off so they are the only regular lines).
 *
 * @example
 * buildSilenceArgs({ input: '/d/a.ogg', thresholdDb: -35, minSilenceMs: 300, bandPass: null, withEnergy: false });
 * // ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', '/d/a.ogg', '-map', '0:a:0', '-vn', '-sn', '-dn',
 * //  '-af', 'silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-']
 */
export function buildSilenceArgs(options: SilenceArgsOptions): string[] {
	const { input, thresholdDb, minSilenceMs, bandPass, withEnergy } = options;
	if (!Number.isFinite(thresholdDb) || thresholdDb >= 0) throw new RangeError(`thresholdDb must be negative: ${thresholdDb}`);
	if (!Number.isInteger(minSilenceMs) || minSilenceMs <= 0) throw new RangeError(`minSilenceMs must be a positive integer: ${minSilenceMs}`);

	const filters: string[] = [];
	if (bandPass) {
		if (!(bandPass.highpassHz > 0 && bandPass.lowpassHz > bandPass.highpassHz)) {
			throw new RangeError(`bad band-pass ${bandPass.highpassHz}–${bandPass.lowpassHz} Hz`);
		}
		filters.push(`highpass=f=${bandPass.highpassHz}`, `lowpass=f=${bandPass.lowpassHz}`);
	}
	filters.push(`silencedetect=noise=${formatNumber(thresholdDb)}dB:d=${formatSeconds(minSilenceMs)}`);

	// `-i` input comes from storage (server-made paths), never from the client; a leading '-' cannot occur.
	const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', input];
	args.push('-map', '0:a:0', '-vn', '-sn', '-dn', '-af', filters.join(','));
	if (withEnergy) {
		args.push('-ac', '1', '-ar', String(ENERGY_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1');
	} else {
		args.push('-f', 'null', '-');
	}
	return args;
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
	return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

function formatNumber(value: number): string {
	return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, '');
}
