import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runTool } from '../media/ffmpeg.ts';
import { FFMPEG_BASE_ARGS, msToSeconds } from '../media/transcode-args.ts';
import { clipSampleCount, sampleAt } from '../interop/clip-args.ts';

/**
 * WAV clips of one recording from ONE ffmpeg decode: ffmpeg decodes the original once, resampled
 * and mixed to the target rate and channels, into raw PCM on a pipe; Node slices that stream into
 * the clips by sample index and writes each clip's header itself (its length is known up front).
 *
 * Cheap on purpose, since this runs at hundreds of times real time: a pipe chunk is written to
 * every clip it overlaps as a view (`subarray`, no copy), the stream is read with `for await`, so
 * ffmpeg waits while a write is pending (back-pressure, flat memory), and a clip's file is open only
 * while the stream is inside it.
 *
 * Sample-accurate: a clip of [startMs, endMs) holds exactly `clipSampleCount(startMs, endMs, rate)`
 * frames, counted from the start of the decoded stream (`sampleAt`). The decode starts at the first
 * clip (input-side seek to a time on a whole output sample, which ffmpeg decodes exactly) and stops
 * just after the last. A clip that reaches past the decoded audio is padded with silence to its
 * length (counted in `padded`), so lengths never depend on how long the decoder thinks the file is.
 */

export interface WavClip {
	startMs: number;
	endMs: number;
	/** Output path (the caller's staging folder; the whole folder is removed if the export fails). */
	output: string;
}

export interface WavClipOptions {
	ffmpeg: string;
	input: string;
	clips: readonly WavClip[];
	sampleRate: number;
	channels: number;
	/** 16 (default) or 24 bits per sample. */
	bitDepth?: 16 | 24;
	signal?: AbortSignal;
	/** Decoded audio so far, ms of the recording (called per pipe chunk). */
	onProgress?: (decodedMs: number) => void;
}

export interface WavClipResult {
	clips: number;
	/** Bytes written, headers included. */
	bytes: number;
	/** Clips that ran past the decoded audio and were padded with silence. */
	padded: number;
}

/** The 44-byte canonical PCM WAV header for `frames` frames. */
export function wavHeader(frames: number, sampleRate: number, channels: number, bitDepth: 16 | 24): Buffer {
	const blockAlign = channels * (bitDepth / 8);
	const dataBytes = frames * blockAlign;
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVE', 8, 'ascii');
	header.write('fmt ', 12, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(channels, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * blockAlign, 28);
	header.writeUInt16LE(blockAlign, 32);
	header.writeUInt16LE(bitDepth, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

function gcd(a: number, b: number): number {
	while (b) [a, b] = [b, a % b];
	return a;
}

interface OpenClip {
	/** Byte range in the decoded stream (relative to the decode's first sample). */
	from: number;
	to: number;
	written: number;
	handle: FileHandle;
}

/** Decodes the window covering `clips` once and writes every clip; one ffmpeg process in all. */
export async function cutWavClips(options: WavClipOptions): Promise<WavClipResult> {
	const rate = options.sampleRate;
	const channels = options.channels;
	const bits = options.bitDepth ?? 16;
	const frameBytes = channels * (bits / 8);
	const clips = [...options.clips].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
	for (const c of clips) {
		if (!Number.isInteger(c.startMs) || !Number.isInteger(c.endMs) || c.startMs < 0 || c.endMs <= c.startMs) {
			throw new RangeError(`clip ${c.output}: times ${c.startMs}–${c.endMs} ms must be integers with end after start`);
		}
		if (clipSampleCount(c.startMs, c.endMs, rate) < 1) throw new RangeError(`clip ${c.output} is shorter than one sample at ${rate} Hz`);
	}
	const result: WavClipResult = { clips: clips.length, bytes: 0, padded: 0 };
	if (clips.length === 0) return result;

	// Seek to a whole output sample (a multiple of 1000/gcd(rate, 1000) ms) at or before the first clip.
	const quantum = 1000 / gcd(rate, 1000);
	const windowStartMs = Math.floor(clips[0].startMs / quantum) * quantum;
	const windowEndMs = Math.max(...clips.map((c) => c.endMs));
	const origin = sampleAt(windowStartMs, rate);
	const byteRange = (c: WavClip) => [(sampleAt(c.startMs, rate) - origin) * frameBytes, (sampleAt(c.endMs, rate) - origin) * frameBytes] as const;
	const args = [
		...FFMPEG_BASE_ARGS,
		...(windowStartMs > 0 ? ['-ss', msToSeconds(windowStartMs)] : []),
		// A little past the last clip, so its final samples are surely decoded.
		'-t',
		msToSeconds(windowEndMs - windowStartMs + 100),
		'-i',
		options.input,
		'-map',
		'0:a:0',
		'-vn',
		'-ac',
		String(channels),
		'-ar',
		String(rate),
		'-c:a',
		bits === 16 ? 'pcm_s16le' : 'pcm_s24le',
		'-f',
		bits === 16 ? 's16le' : 's24le',
		'pipe:1'
	];

	let next = 0;
	const open_: OpenClip[] = [];
	const openClip = async (clip: WavClip): Promise<OpenClip> => {
		const [from, to] = byteRange(clip);
		const handle = await open(clip.output, 'w');
		const header = wavHeader((to - from) / frameBytes, rate, channels, bits);
		await handle.write(header);
		result.bytes += header.length;
		return { from, to, written: 0, handle };
	};
	const closeClip = async (clip: OpenClip) => {
		await clip.handle.close();
	};

	const consume = async (stdout: Readable) => {
		let position = 0;
		try {
			for await (const chunk of stdout as AsyncIterable<Buffer>) {
				const end = position + chunk.length;
				while (next < clips.length && byteRange(clips[next])[0] < end) open_.push(await openClip(clips[next++]));
				for (let i = 0; i < open_.length; i++) {
					const clip = open_[i];
					const from = Math.max(clip.from, position);
					const to = Math.min(clip.to, end);
					if (to > from) {
						await clip.handle.write(chunk.subarray(from - position, to - position));
						clip.written += to - from;
						result.bytes += to - from;
					}
					if (clip.to <= end) {
						await closeClip(clip);
						open_.splice(i--, 1);
					}
				}
				position = end;
				options.onProgress?.(windowStartMs + (position / frameBytes / rate) * 1000);
			}
			// Past the decoded audio: the clips still open or not reached are padded to their length.
			while (next < clips.length) open_.push(await openClip(clips[next++]));
			for (const clip of open_) {
				const missing = clip.to - clip.from - clip.written;
				if (missing > 0) {
					result.padded++;
					await clip.handle.write(Buffer.alloc(missing));
					result.bytes += missing;
				}
				await closeClip(clip);
			}
			open_.length = 0;
		} finally {
			await Promise.allSettled(open_.map((c) => c.handle.close()));
		}
	};

	await runTool(options.ffmpeg, args, { signal: options.signal, consumeStdout: consume });
	return result;
}
