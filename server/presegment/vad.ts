import { runTool, type MediaTools } from '../media/ffmpeg.ts';
import { EnergyMeter } from './energy.ts';
import { pairSilenceEvents, speechSpans, splitLong, type Envelope, type Interval } from './intervals.ts';
import {
	buildEnergyArgs,
	buildSilenceArgs,
	ENERGY_SAMPLE_RATE,
	parseSilenceLine,
	type BandPass,
	type SilenceEvent
} from './silence-args.ts';

export interface VadParams {
	thresholdDb: number;
	minSilenceMs: number;
	minSegmentMs: number;
	padMs: number;
	maxSegmentMs: number;
	/** Band-pass in front of silencedetect; null for the full band. */
	bandPass: BandPass | null;
}

type Media = Pick<MediaTools, 'ffmpeg'>;

/** Runs ffmpeg's silencedetect over the whole input and returns the silences it logs, in ms. */
export async function detectSilences(
	media: Media,
	options: {
		input: string;
		durationMs: number;
		thresholdDb: number;
		minSilenceMs: number;
		bandPass: BandPass | null;
		signal?: AbortSignal;
	}
): Promise<Interval[]> {
	const events: SilenceEvent[] = [];
	await runTool(media.ffmpeg, buildSilenceArgs(options), {
		signal: options.signal,
		onStderrLine: (line) => {
			const event = parseSilenceLine(line);
			if (event) events.push(event);
		}
	});
	return pairSilenceEvents(events, options.durationMs);
}

/** The 10 ms power envelope of [startMs, endMs) of the input (seeked to, not decoded from the start). */
export async function measureEnergy(
	media: Media,
	options: { input: string; startMs: number; endMs: number; bandPass: BandPass | null; signal?: AbortSignal }
): Promise<Envelope> {
	const meter = new EnergyMeter(ENERGY_SAMPLE_RATE);
	await runTool(media.ffmpeg, buildEnergyArgs(options), {
		signal: options.signal,
		onStdout: (chunk) => meter.push(chunk)
	});
	return { ...meter.finish(), offsetMs: options.startMs };
}

/**
 * How to read the energy of the stretches that need cutting: not at all, one seeked ffmpeg run
 * per stretch, or one run over the whole file. Each run costs a process start and a seek (about
 * as much as decoding 100 s of audio on a slow core), so a few long stretches are read one by one
 * and many (continuous speech, or a low maxSegmentMs) in one pass.
 */
export function planEnergyReads(long: Interval[], durationMs: number): 'none' | 'spans' | 'whole' {
	if (long.length === 0) return 'none';
	const spanMs = long.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
	return long.length * RUN_COST_MS + spanMs < durationMs ? 'spans' : 'whole';
}

const RUN_COST_MS = 100_000;

/**
 * Proposes segments for the audio in `input` (`durationMs` long, as probed at import).
 *
 * One silencedetect pass over the whole file; then, only when some stretch of speech is longer
 * than `maxSegmentMs`, the energy of those stretches (see planEnergyReads) so they can be cut at
 * their quietest point. Recordings with ordinary pauses pay for the first pass alone.
 */
export async function proposeFromAudio(
	media: Media,
	options: {
		input: string;
		durationMs: number;
		params: VadParams;
		signal?: AbortSignal;
		/** Overrides planEnergyReads' choice (tests compare the two ways). */
		energyReads?: 'spans' | 'whole';
	}
): Promise<Interval[]> {
	const { input, durationMs, params, signal } = options;
	const silences = await detectSilences(media, {
		input,
		durationMs,
		thresholdDb: params.thresholdDb,
		minSilenceMs: params.minSilenceMs,
		bandPass: params.bandPass,
		signal
	});
	const spans = speechSpans(silences, { durationMs, minSegmentMs: params.minSegmentMs, padMs: params.padMs });
	const isLong = (span: Interval) => span.endMs - span.startMs > params.maxSegmentMs;
	const long = spans.filter(isLong);
	const plan = long.length === 0 ? 'none' : (options.energyReads ?? planEnergyReads(long, durationMs));
	const bounds = { maxSegmentMs: params.maxSegmentMs, minSegmentMs: params.minSegmentMs };
	const read = (startMs: number, endMs: number) => measureEnergy(media, { input, startMs, endMs, bandPass: params.bandPass, signal });

	if (plan === 'none') return spans;
	if (plan === 'whole') return splitLong(spans, { ...bounds, envelope: await read(0, durationMs) });
	const proposals: Interval[] = [];
	for (const span of spans) {
		if (isLong(span)) proposals.push(...splitLong([span], { ...bounds, envelope: await read(span.startMs, span.endMs) }));
		else proposals.push(span);
	}
	return proposals;
}
