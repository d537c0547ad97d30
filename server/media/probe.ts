import { FfmpegError, runTool } from './ffmpeg.ts';

/** What the ingest needs to know about a file, normalised from ffprobe's JSON. */
export interface AudioInfo {
	/** Demuxer name(s) as ffprobe reports them, e.g. `wav`, `mov,mp4,m4a,3gp,3g2,mj2`. */
	formatName: string;
	/** Codec of the first audio stream (`pcm_s16le`, `mp3`, `opus`…); '' without audio. */
	codec: string;
	/** Container or stream duration; null when the file does not say (e.g. MediaRecorder WebM). */
	durationMs: number | null;
	/** True when ffmpeg only guessed the duration from the bit rate (MP3 without a Xing header…). */
	durationEstimated: boolean;
	sampleRate: number;
	channels: number;
	hasAudio: boolean;
}

/** ffprobe could not read the file at all: not a media file, or one it cannot parse. */
export class ProbeError extends Error {
	constructor(
		message: string,
		readonly stderrTail: string
	) {
		super(message);
		this.name = 'ProbeError';
	}
}

interface FfprobeStream {
	codec_type?: string;
	codec_name?: string;
	sample_rate?: string;
	channels?: number;
	duration?: string;
}

interface FfprobeOutput {
	format?: { format_name?: string; duration?: string };
	streams?: FfprobeStream[];
}

/**
 * Runs `ffprobe -print_format json -show_format -show_streams` and normalises the first audio stream.
 * Warnings are read from stderr (hence `-v warning` rather than `-v error`) only to learn whether the
 * duration is a bit-rate estimate, which decides whether a truncation check can trust it.
 *
 * @example
 * const info = await probeAudio(deps.media.ffprobe, '/data/tmp/upload-1');
 * if (!info.hasAudio) throw …;
 */
export async function probeAudio(ffprobe: string, filePath: string, signal?: AbortSignal): Promise<AudioInfo> {
	const chunks: Buffer[] = [];
	const warnings: string[] = [];
	try {
		await runTool(
			ffprobe,
			['-hide_banner', '-v', 'warning', '-print_format', 'json', '-show_format', '-show_streams', filePath],
			{ signal, onStdout: (chunk) => chunks.push(chunk), onStderrLine: (line) => warnings.push(line) }
		);
	} catch (err) {
		if (err instanceof FfmpegError) {
			const reason = lastMeaningfulLine(err.stderrTail, filePath);
			throw new ProbeError(`ffprobe cannot read this file${reason ? `: ${reason}` : ''}`, err.stderrTail);
		}
		throw err;
	}
	let parsed: FfprobeOutput;
	try {
		parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FfprobeOutput;
	} catch {
		throw new ProbeError('ffprobe returned output that is not JSON', warnings.join('\n'));
	}
	return toAudioInfo(parsed, warnings.some((line) => /estimating duration from bit ?rate/i.test(line)));
}

/** The pure half of probeAudio, exported for tests. */
export function toAudioInfo(parsed: FfprobeOutput, durationEstimated = false): AudioInfo {
	const audio = (parsed.streams ?? []).find((s) => s.codec_type === 'audio');
	const seconds = parseSeconds(parsed.format?.duration) ?? parseSeconds(audio?.duration);
	return {
		formatName: parsed.format?.format_name ?? '',
		codec: audio?.codec_name ?? '',
		durationMs: seconds === null ? null : Math.round(seconds * 1000),
		durationEstimated,
		sampleRate: audio?.sample_rate ? Number.parseInt(audio.sample_rate, 10) || 0 : 0,
		channels: audio?.channels ?? 0,
		hasAudio: audio !== undefined
	};
}

function parseSeconds(value: string | undefined): number | null {
	if (value === undefined || value === 'N/A') return null;
	const n = Number(value);
	return Number.isFinite(n) && n >= 0 ? n : null;
}

/** ffprobe prefixes errors with the file path; keep the reason only. */
function lastMeaningfulLine(stderr: string, filePath: string): string {
	const lines = stderr
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter(Boolean);
	const last = lines.at(-1) ?? '';
	return last.startsWith(`${filePath}: `) ? last.slice(filePath.length + 2) : last;
}
