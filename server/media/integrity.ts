import { open } from 'node:fs/promises';
import { FfmpegError, runTool } from './ffmpeg.ts';
import type { AudioInfo } from './probe.ts';
import { buildTailCheckArgs } from './transcode-args.ts';

/** How much of the end of a file the tail check decodes. */
export const TAIL_CHECK_MS = 1500;
/** A tail this much shorter than the header promises counts as truncated. */
const TAIL_TOLERANCE_MS = 250;

/**
 * Tells whether a file holds less audio than its header promises; returns the reason, or null when
 * the file looks whole. Cheap on any length: it reads the WAV chunk table (ffmpeg silently clamps a
 * short WAV `data` chunk, so only the header can tell) and decodes the last ~1.5 s with an
 * input-side seek (a FLAC, AIFF or MP3-with-Xing cut short decodes nothing there).
 * Durations that ffmpeg only estimated from the bit rate are not trusted for the tail check.
 */
export async function findTruncation(
	ffmpeg: string,
	filePath: string,
	info: AudioInfo,
	options: { sizeBytes: number; signal?: AbortSignal }
): Promise<string | null> {
	if (/(^|,)wav(,|$)/.test(info.formatName)) {
		const wav = await checkWavDataChunk(filePath, options.sizeBytes);
		if (wav) return wav;
	}
	if (info.durationMs === null || info.durationEstimated || info.durationMs === 0 || info.sampleRate <= 0) {
		return null;
	}
	const fromMs = Math.max(0, info.durationMs - TAIL_CHECK_MS);
	const expectedMs = info.durationMs - fromMs;
	let bytes = 0;
	try {
		await runTool(ffmpeg, buildTailCheckArgs({ input: filePath, fromMs, sampleRate: info.sampleRate }), {
			signal: options.signal,
			onStdout: (chunk) => {
				bytes += chunk.length;
			}
		});
	} catch (err) {
		if (err instanceof FfmpegError) return `the end of the file cannot be decoded (${err.message})`;
		throw err;
	}
	const decodedMs = (bytes / 2 / info.sampleRate) * 1000;
	if (decodedMs < expectedMs - TAIL_TOLERANCE_MS) {
		return `the file ends early: its header promises ${formatMs(info.durationMs)} but the audio stops before that`;
	}
	return null;
}

/** Reads the RIFF chunk table; a `data` chunk that runs past the end of the file means truncation. */
export async function checkWavDataChunk(filePath: string, sizeBytes: number): Promise<string | null> {
	const file = await open(filePath, 'r');
	try {
		const head = Buffer.alloc(12);
		await file.read(head, 0, 12, 0);
		// RF64 keeps real sizes in a ds64 chunk; streamed WAVs carry placeholder sizes. Neither can be judged.
		if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
		const chunk = Buffer.alloc(8);
		let pos = 12;
		for (let i = 0; i < 1000 && pos + 8 <= sizeBytes; i++) {
			await file.read(chunk, 0, 8, pos);
			const id = chunk.toString('latin1', 0, 4);
			const size = chunk.readUInt32LE(4);
			if (id === 'data') {
				if (size === 0 || size >= 0x7fff_f000) return null;
				const missing = pos + 8 + size - sizeBytes;
				return missing > 0
					? `the WAV header promises ${size} bytes of audio but the file stops ${missing} bytes short`
					: null;
			}
			pos += 8 + size + (size & 1);
		}
		return null;
	} finally {
		await file.close();
	}
}

function formatMs(ms: number): string {
	const s = Math.round(ms / 100) / 10;
	return s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s} s`;
}
