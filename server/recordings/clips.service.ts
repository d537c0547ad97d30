import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { runTool } from '../media/ffmpeg.ts';
import { createSemaphore } from '../media/semaphore.ts';
import { CLIP_FORMATS, buildClipArgs, type ClipFormat } from '../media/transcode-args.ts';

/** Bumped when the clip arguments change, so older cached clips are not served. */
const CLIP_CACHE_VERSION = 1;

export interface ClipRequest {
	recordingId: string;
	/** The file to cut from: the original, or the rendition (see canClipFromOriginal). */
	input: string;
	channels: number;
	/** Output rate for WAV and FLAC when cutting from the rendition; absent keeps the input's. */
	sampleRate?: number;
	startMs: number;
	endMs: number;
	format: ClipFormat;
}

export interface ClipService {
	/** Path of the cached clip, cutting it first when needed. */
	getClip(request: ClipRequest): Promise<string>;
}

/**
 * Clips cut from the original on demand and cached under cache/clips/<recordingId>/. Identical
 * requests in flight share one ffmpeg run, which takes one of the shared ffmpeg slots
 * (media.slots, one per core; `concurrency` gives the service its own).
 */
export function createClipService(deps: Pick<Deps, 'media' | 'storage'>, options: { concurrency?: number } = {}): ClipService {
	const slots = options.concurrency ? createSemaphore(options.concurrency) : deps.media.slots;
	const inFlight = new Map<string, Promise<string>>();

	const cut = async (request: ClipRequest, target: string) => {
		try {
			await stat(target);
			return target;
		} catch {
			// not cached yet
		}
		return slots.run(async () => {
			await mkdir(path.dirname(target), { recursive: true });
			const tmp = path.join(deps.storage.tmpDir, `clip-${randomBytes(8).toString('hex')}.${CLIP_FORMATS[request.format].ext}`);
			try {
				await runTool(deps.media.ffmpeg, buildClipArgs({ ...request, output: tmp }));
				await rename(tmp, target);
				return target;
			} catch (err) {
				await rm(tmp, { force: true });
				throw err;
			}
		});
	};

	return {
		getClip(request) {
			const target = path.join(
				deps.storage.clipCacheDir(request.recordingId),
				`v${CLIP_CACHE_VERSION}-${request.startMs}-${request.endMs}.${CLIP_FORMATS[request.format].ext}`
			);
			let pending = inFlight.get(target);
			if (!pending) {
				pending = cut(request, target).finally(() => inFlight.delete(target));
				inFlight.set(target, pending);
			}
			return pending;
		}
	};
}
