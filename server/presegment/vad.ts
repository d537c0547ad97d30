import { runTool, type MediaTools } from '../media/ffmpeg.ts';
import { EnergyMeter } from './energy.ts';
import { pairSilenceEvents, proposeSegments, type Envelope, type Interval } from './intervals.ts';
import { buildSilenceArgs, ENERGY_SAMPLE_RATE, parseSilenceLine, type BandPass, type SilenceEvent } from './silence-args.ts';

export interface VadParams {
	thresholdDb: number;
	minSilenceMs: number;
	minSegmentMs: number;
	padMs: number;
	maxSegmentMs: number;
	/** Band-pass in front of silencedetect; null for the full band. */
	bandPass: BandPass | null;
}

export interface SilenceAnalysis {
	silences: Interval[];
	/** Present when asked for: 10 ms power frames of the (band-passed) audio. */
	envelope: Envelope | null;
}

/**
 * Runs ffmpeg's silencedetect over `input` once, collecting the silences it logs and, when
 * `withEnergy`, the power envelope of the same filtered audio from its stdout.
 */
export async function detectSilences(
	media: Pick<MediaTools, 'ffmpeg'>,
	options: {
		input: string;
		durationMs: number;
		thresholdDb: number;
		minSilenceMs: number;
		bandPass: BandPass | null;
		withEnergy: boolean;
		signal?: AbortSignal;
	}
): Promise<SilenceAnalysis> {
	const events: SilenceEvent[] = [];
	const meter = options.withEnergy ? new EnergyMeter(ENERGY_SAMPLE_RATE) : null;
	await runTool(media.ffmpeg, buildSilenceArgs(options), {
		signal: options.signal,
		onStderrLine: (line) => {
			const event = parseSilenceLine(line);
			if (event) events.push(event);
		},
		onStdout: meter ? (chunk) => meter.push(chunk) : undefined
	});
	return { silences: pairSilenceEvents(events, options.durationMs), envelope: meter?.finish() ?? null };
}

/**
 * Proposes segments for the audio in `input` (`durationMs` long, as probed at import). The energy
 * envelope is only computed when some speech could be longer than `maxSegmentMs`.
 */
export async function proposeFromAudio(
	media: Pick<MediaTools, 'ffmpeg'>,
	options: { input: string; durationMs: number; params: VadParams; signal?: AbortSignal }
): Promise<Interval[]> {
	const { input, durationMs, params, signal } = options;
	const { silences, envelope } = await detectSilences(media, {
		input,
		durationMs,
		thresholdDb: params.thresholdDb,
		minSilenceMs: params.minSilenceMs,
		bandPass: params.bandPass,
		withEnergy: durationMs > params.maxSegmentMs,
		signal
	});
	return proposeSegments(silences, {
		durationMs,
		minSegmentMs: params.minSegmentMs,
		padMs: params.padMs,
		maxSegmentMs: params.maxSegmentMs,
		envelope
	});
}
