import type { FileHandle } from 'node:fs/promises';
import { open, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runTool } from '../media/ffmpeg.ts';
import { FFMPEG_BASE_ARGS, msToSeconds } from '../media/transcode-args.ts';
import { clipSampleCount, sampleAt } from '../interop/clip-args.ts';

/**
 * WAV clips of one recording from ONE ffmpeg decode: ffmpeg decodes the original once, resampled
 * and mixed to the target rate and channels, into raw PCM on a pipe; Node slices that stream into
 * the clips by sample index and writes each clip's header itself (its length is known up front).
 *
 * Cheap on purpose, since this runs at hundreds of times real time: a pipe chunk goes to every
 * clip it overlaps as a view (`subarray`, no copy); a finished clip is written in one call while
 * the decode goes on (ffmpeg and the file system work at once, so the export costs about what the
 * decode does), with a bound on the bytes in flight (back-pressure, flat memory).
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
	/** A clip longer than this many bytes is written as it is decoded, not in one call (CLIP_BUFFER_BYTES). */
	clipBufferBytes?: number;
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
	clip: WavClip;
	/** Byte range in the decoded stream (relative to the decode's first sample). */
	from: number;
	to: number;
	written: number;
	/** The clip's bytes so far (views of the pipe's chunks), header first, while it is small. */
	parts: Buffer[];
	buffered: number;
	/** Set once the clip outgrew CLIP_BUFFER_BYTES: the rest is written straight to the file. */
	handle?: FileHandle;
}

/**
 * A clip is kept in memory until it is complete and then written in one call, off the decode's
 * path: ffmpeg keeps decoding while the file system writes. A clip longer than this (over four
 * minutes of 16 kHz mono) is written as it comes instead, so memory stays flat for any length.
 */
const CLIP_BUFFER_BYTES = 8 * 1024 * 1024;
/** Bytes of finished clips being written at once; past it, reading the pipe waits (back-pressure). */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

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
		// Full 32 KB writes instead of one per decoded frame (≈ 1 KB at 16 kHz): a 10-h recording
		// reaches Node in 34,000 chunks instead of a million, which is most of what Node spent.
		'-flush_packets',
		'0',
		'-f',
		bits === 16 ? 's16le' : 's24le',
		'pipe:1'
	];

	let next = 0;
	const open_: OpenClip[] = [];
	// Finished clips being written, oldest first, and the first write that failed.
	const pending: { done: Promise<void>; bytes: number }[] = [];
	let pendingBytes = 0;
	let writeError: unknown;
	const settleOldest = async () => {
		const oldest = pending.shift()!;
		await oldest.done;
		pendingBytes -= oldest.bytes;
	};
	const openClip = (clip: WavClip): OpenClip => {
		const [from, to] = byteRange(clip);
		const header = wavHeader((to - from) / frameBytes, rate, channels, bits);
		result.bytes += header.length;
		return { clip, from, to, written: 0, parts: [header], buffered: header.length };
	};
	const append = async (clip: OpenClip, bytes: Buffer) => {
		clip.written += bytes.length;
		result.bytes += bytes.length;
		if (clip.handle) return void (await clip.handle.write(bytes));
		clip.parts.push(bytes);
		clip.buffered += bytes.length;
		if (clip.buffered > (options.clipBufferBytes ?? CLIP_BUFFER_BYTES)) {
			clip.handle = await open(clip.clip.output, 'w');
			await clip.handle.writev(clip.parts);
			clip.parts = [];
		}
	};
	const finish = async (clip: OpenClip) => {
		if (clip.handle) return clip.handle.close();
		const bytes = clip.buffered;
		const done = writeFile(clip.clip.output, clip.parts).catch((err: unknown) => {
			writeError ??= err;
		});
		clip.parts = [];
		pending.push({ done, bytes });
		pendingBytes += bytes;
		while (pendingBytes > MAX_PENDING_BYTES) await settleOldest();
		if (writeError) throw writeError;
	};

	const consume = async (stdout: Readable) => {
		let position = 0;
		try {
			for await (const chunk of stdout as AsyncIterable<Buffer>) {
				const end = position + chunk.length;
				while (next < clips.length && byteRange(clips[next])[0] < end) open_.push(openClip(clips[next++]));
				for (let i = 0; i < open_.length; i++) {
					const clip = open_[i];
					const from = Math.max(clip.from, position);
					const to = Math.min(clip.to, end);
					if (to > from) await append(clip, chunk.subarray(from - position, to - position));
					if (clip.to <= end) {
						open_.splice(i--, 1);
						await finish(clip);
					}
				}
				position = end;
				options.onProgress?.(windowStartMs + (position / frameBytes / rate) * 1000);
			}
			// Past the decoded audio: the clips still open or not reached are padded to their length.
			while (next < clips.length) open_.push(openClip(clips[next++]));
			while (open_.length > 0) {
				const clip = open_.shift()!;
				const missing = clip.to - clip.from - clip.written;
				if (missing > 0) {
					result.padded++;
					await append(clip, Buffer.alloc(missing));
				}
				await finish(clip);
			}
			while (pending.length > 0) await settleOldest();
			if (writeError) throw writeError;
		} finally {
			await Promise.allSettled([...open_.map((c) => c.handle?.close()), ...pending.map((p) => p.done)]);
		}
	};

	await runTool(options.ffmpeg, args, { signal: options.signal, consumeStdout: consume });
	return result;
}
