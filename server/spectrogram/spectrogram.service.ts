import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { runTool } from '../media/ffmpeg.ts';
import { PEAKS_HEADER_SIZE, PEAKS_LEVEL_ENTRY_SIZE, PEAKS_MAGIC } from '../media/peaks-format.ts';
import { createSemaphore } from '../media/semaphore.ts';
import { buildSpectrogramArgs, gainDb, type SpectrogramWindow } from './spectrogram-args.ts';

/** Bumped whenever the picture changes (arguments, colours), so older cached images are not served. */
export const SPECTROGRAM_CACHE_VERSION = 2;

export interface SpectrogramRequest extends SpectrogramWindow {
	recordingId: string;
}

export interface SpectrogramService {
	/**
	 * Path of the cached PNG, rendering it first when needed. `signal` is the caller giving up:
	 * ffmpeg is stopped once every caller waiting for the same image has given up.
	 */
	getSpectrogram(request: SpectrogramRequest, signal?: AbortSignal): Promise<string>;
}

interface Render {
	promise: Promise<string>;
	waiters: number;
	controller: AbortController;
}

/** Recordings whose peak level is remembered; the peak never changes for a recording id. */
const GAIN_CACHE_SIZE = 512;

/**
 * Spectrograms rendered from the playback rendition (seek-exact, and what the user hears) and
 * cached under cache/clips/<recordingId>/spectrogram/. Identical requests in flight share one
 * ffmpeg run; at most `concurrency` render at once (the number of cores, like clips), the rest queue.
 */
export function createSpectrogramService(
	deps: Pick<Deps, 'media' | 'storage'>,
	options: { concurrency?: number } = {}
): SpectrogramService {
	const { storage, media } = deps;
	const slots = options.concurrency ? createSemaphore(options.concurrency) : media.slots;
	const inFlight = new Map<string, Render>();
	const gains = new Map<string, Promise<number>>();

	const gainFor = (recordingId: string) => {
		let gain = gains.get(recordingId);
		if (!gain) {
			gain = readPeakAmplitude(storage.peaksPath(recordingId)).then(gainDb, () => 0);
			gains.set(recordingId, gain);
			if (gains.size > GAIN_CACHE_SIZE) gains.delete(gains.keys().next().value!);
		}
		return gain;
	};

	const render = async (request: SpectrogramRequest, target: string, signal: AbortSignal) => {
		if (await exists(target)) return target;
		const gain = await gainFor(request.recordingId);
		return slots.run(async () => {
			// Everyone gave up while this waited for a slot: don't start ffmpeg at all.
			signal.throwIfAborted();
			await mkdir(path.dirname(target), { recursive: true });
			const tmp = path.join(storage.tmpDir, `spectrogram-${randomBytes(8).toString('hex')}.png`);
			try {
				const input = storage.playbackPath(request.recordingId);
				await runTool(media.ffmpeg, buildSpectrogramArgs({ ...request, input, output: tmp, gainDb: gain }), { signal });
				await rename(tmp, target);
				return target;
			} catch (err) {
				await rm(tmp, { force: true });
				throw err;
			}
		});
	};

	return {
		async getSpectrogram(request, signal) {
			signal?.throwIfAborted();
			const { recordingId, startMs, endMs, width, height } = request;
			const target = path.join(
				storage.clipCacheDir(recordingId),
				'spectrogram',
				`v${SPECTROGRAM_CACHE_VERSION}-${startMs}-${endMs}-${width}x${height}.png`
			);
			let entry = inFlight.get(target);
			if (!entry) {
				const controller = new AbortController();
				const created: Render = {
					controller,
					waiters: 0,
					promise: render(request, target, controller.signal).finally(() => {
						if (inFlight.get(target) === created) inFlight.delete(target);
					})
				};
				inFlight.set(target, created);
				entry = created;
			}
			const joined = entry;
			joined.waiters++;
			// A caller that cannot give up keeps the render alive to the end.
			if (!signal) return joined.promise;
			return new Promise<string>((resolve, reject) => {
				let settled = false;
				const leave = () => {
					if (settled) return;
					settled = true;
					signal.removeEventListener('abort', onAbort);
					joined.waiters--;
				};
				const onAbort = () => {
					leave();
					if (joined.waiters === 0) {
						// A later identical request must start afresh, not join a render being killed.
						if (inFlight.get(target) === joined) inFlight.delete(target);
						joined.controller.abort(signal.reason);
					}
					reject(signal.reason);
				};
				signal.addEventListener('abort', onAbort, { once: true });
				joined.promise.then(
					(value) => {
						leave();
						resolve(value);
					},
					(err) => {
						leave();
						reject(err);
					}
				);
			});
		}
	};
}

async function exists(file: string) {
	return stat(file).then(
		() => true,
		() => false
	);
}

/**
 * The loudest sample of a recording (0–1 of full scale) from its peaks file, reading only the
 * header and the coarsest level (a few kB, however long the recording).
 */
export async function readPeakAmplitude(peaksPath: string): Promise<number> {
	const file = await open(peaksPath, 'r');
	try {
		const header = Buffer.alloc(PEAKS_HEADER_SIZE);
		await file.read(header, 0, PEAKS_HEADER_SIZE, 0);
		if (header.toString('latin1', 0, 4) !== PEAKS_MAGIC) throw new Error(`${peaksPath} is not a peaks file`);
		const levelCount = header.readUInt16LE(6);
		if (levelCount === 0) return 0;
		// Levels are listed finest first; the last one is the coarsest.
		const entry = Buffer.alloc(PEAKS_LEVEL_ENTRY_SIZE);
		await file.read(entry, 0, PEAKS_LEVEL_ENTRY_SIZE, PEAKS_HEADER_SIZE + (levelCount - 1) * PEAKS_LEVEL_ENTRY_SIZE);
		const peakCount = entry.readUInt32LE(4);
		const byteOffset = entry.readUInt32LE(8);
		const data = Buffer.alloc(peakCount * 2);
		const { bytesRead } = await file.read(data, 0, data.length, byteOffset);
		let max = 0;
		for (let i = 0; i < bytesRead; i++) max = Math.max(max, Math.abs(data.readInt8(i)));
		return Math.min(1, max / 127);
	} finally {
		await file.close();
	}
}
