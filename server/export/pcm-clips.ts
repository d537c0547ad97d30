import type { FileHandle } from 'node:fs/promises';
import { open, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runTool } from '../media/ffmpeg.ts';
import type { Semaphore } from '../media/semaphore.ts';
import { FFMPEG_BASE_ARGS, msToSeconds } from '../media/transcode-args.ts';
import { clipSampleCount, sampleAt } from '../interop/clip-args.ts';

/**
 * WAV clips of one recording (or one window of it) from ONE ffmpeg decode: ffmpeg decodes the original once, resampled
 * and mixed to the target rate and channels, into raw PCM on a pipe; Node slices that stream into
 * the clips by sample index and writes each clip's header itself (its length is known up front).
 *
 * Cheap on purpose, since this runs at hundreds of times real time: a pipe chunk goes to every
 * clip it overlaps as a view (`subarray`, no copy); a finished clip is written in one call while
 * the decode goes on (ffmpeg and the file system work at once, so the export costs about what the
 * decode does), with a bound on the bytes in flight (back-pressure, flat memory).
 *
 * Sample-accurate: a clip of [startMs, endMs) holds exactly `clipSampleCount(startMs, endMs, rate)`
 * frames, counted from the start of the decoded stream (`sampleAt`). The decode starts a second
 * before the first clip, on a whole second (input-side seek, which ffmpeg decodes exactly; a whole
 * second is a whole sample at any input and output rate, and the second lets the decoder and the
 * resampler settle, so the clips hold the same samples as a decode of the whole file) and stops
 * just after the last. A clip that reaches past the decoded audio is padded with silence to its
 * length (counted in `padded`), so lengths never depend on how long the decoder thinks the file is.
 *
 * A long recording can be cut as several windows at once, one process each (`splitClipRuns`):
 * every sample is still decoded once, and a 2-core machine decodes two windows side by side.
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

/** The decode starts this long before the first clip (rounded down to a whole second). */
const PRE_ROLL_MS = 1000;

/**
 * The clips in runs to cut as separate windows: sorted by start, a run ends at the first gap (a
 * clip starting after every earlier clip has ended, so no clip straddles two windows) once it
 * spans `spanMs`. Each run is one `cutWavClips` call.
 */
export function splitClipRuns<C extends { startMs: number; endMs: number }>(clips: readonly C[], spanMs: number): C[][] {
	const sorted = [...clips].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
	const runs: C[][] = [];
	let run: C[] = [];
	let runEnd = 0;
	for (const clip of sorted) {
		if (run.length > 0 && clip.startMs >= runEnd && clip.startMs - run[0].startMs >= spanMs) {
			runs.push(run);
			run = [];
			runEnd = 0;
		}
		run.push(clip);
		runEnd = Math.max(runEnd, clip.endMs);
	}
	if (run.length > 0) runs.push(run);
	return runs;
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

	const windowStartMs = Math.max(0, Math.floor((clips[0].startMs - PRE_ROLL_MS) / 1000) * 1000);
	const windowEndMs = clips.reduce((end, c) => Math.max(end, c.endMs), 0);
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

export interface WavWindowOptions extends Omit<WavClipOptions, 'onProgress'> {
	/** Windows to cut at once (the cores to use): each is one ffmpeg process. */
	windows: number;
	/** The shared ffmpeg slots each window's process runs in. */
	slots: Semaphore;
	/** The recording's length: progress covers [0, durationMs) in all. */
	durationMs: number;
	/** A window is at least this long (MIN_WINDOW_MS); a shorter recording is one window. */
	minWindowMs?: number;
	/** Audio done since the last call, ms of the recording; the calls add up to `durationMs`. */
	onAudio?: (ms: number) => void;
}

/**
 * A recording's windows are at least this long. Not more than one per core either: an exact seek
 * into an MP3 reads the file from its start (about a twentieth of the decode's cost per hour
 * skipped), so many small windows would pay that again and again.
 */
const MIN_WINDOW_MS = 5 * 60_000;

/**
 * `cutWavClips` over `windows` runs of the clips (`splitClipRuns`) at once, each window its own
 * process in a shared slot, so one long recording keeps every core busy. Each window reports the
 * progress of its stretch of the recording; the first failure stops the others, and the call
 * settles only once every process has ended (nothing keeps writing into a folder being removed).
 */
export async function cutWavClipsInWindows(options: WavWindowOptions): Promise<WavClipResult> {
	const { windows: count, slots, durationMs, minWindowMs = MIN_WINDOW_MS, onAudio, ...clipOptions } = options;
	const clips = options.clips;
	const result: WavClipResult = { clips: 0, bytes: 0, padded: 0 };
	if (clips.length === 0) {
		onAudio?.(durationMs);
		return result;
	}
	// reduce, not Math.max(...): a long recording can have more clips than a call takes arguments.
	const spanMs = clips.reduce((end, c) => Math.max(end, c.endMs), 0) - clips.reduce((start, c) => Math.min(start, c.startMs), Infinity);
	const windows = splitClipRuns(clips, Math.max(minWindowMs, spanMs / Math.max(1, count)));
	// Window i reports the stretch [bounds[i], bounds[i + 1]) of the recording.
	const bounds = [0, ...windows.slice(1).map((w) => w[0].startMs), Math.max(durationMs, windows[windows.length - 1][0].startMs)];
	const stop = new AbortController();
	const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
	let failed: { reason: unknown } | undefined;
	await Promise.all(
		windows.map(async (window, i) => {
			let reported = 0;
			const report = (ms: number) => {
				const delta = Math.min(Math.max(ms, bounds[i]), bounds[i + 1]) - bounds[i] - reported;
				if (delta > 0) {
					reported += delta;
					onAudio?.(delta);
				}
			};
			try {
				const part = await slots.run(() => cutWavClips({ ...clipOptions, clips: window, signal, onProgress: report }));
				report(bounds[i + 1]);
				result.clips += part.clips;
				result.bytes += part.bytes;
				result.padded += part.padded;
			} catch (err) {
				// The first failure is the reason; the windows it stops fail with an abort.
				if (!failed) failed = { reason: err };
				stop.abort();
			}
		})
	);
	if (failed) throw failed.reason;
	return result;
}
