import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound, onInvalid } from '../lib/http.ts';
import { FfmpegError, runTool } from '../media/ffmpeg.ts';
import { createSemaphore } from '../media/semaphore.ts';
import { sendFile } from '../recordings/file-response.ts';
import { findRecordingById } from '../recordings/recordings.repository.ts';
import {
	MAX_SPECTROGRAM_HEIGHT,
	MAX_SPECTROGRAM_MS,
	MAX_SPECTROGRAM_WIDTH,
	buildSpectrogramArgs
} from './spectrogram-args.ts';

const paramSchema = z.object({ recordingId: z.string().min(1).max(64) });
const querySchema = z.object({
	start: z.coerce.number().int().min(0),
	end: z.coerce.number().int().min(1),
	width: z.coerce.number().int().min(16).max(MAX_SPECTROGRAM_WIDTH).default(1200),
	height: z.coerce.number().int().min(16).max(MAX_SPECTROGRAM_HEIGHT).default(256)
});

/**
 * GET /api/recordings/:recordingId/spectrogram?start=&end=&width=&height= → image/png.
 * The browser holds only peaks, never decoded samples, so the spectrogram of the visible window is
 * drawn here from the playback rendition and cached beside the clips.
 */
export function spectrogramRoutes(deps: Deps) {
	const { db, storage, media } = deps;
	const slots = createSemaphore(os.availableParallelism());
	const inFlight = new Map<string, Promise<void>>();

	const render = (target: string, args: (output: string) => string[]) =>
		slots.run(async () => {
			await mkdir(path.dirname(target), { recursive: true });
			const tmp = path.join(storage.tmpDir, `spectrogram-${randomBytes(8).toString('hex')}.png`);
			try {
				await runTool(media.ffmpeg, args(tmp));
				await rename(tmp, target);
			} finally {
				await rm(tmp, { force: true });
			}
		});

	return new Hono<AuthEnv>().get(
		'/',
		zValidator('param', paramSchema, onInvalid),
		zValidator('query', querySchema, onInvalid),
		async (c) => {
			const row = await findRecordingById(db, c.req.valid('param').recordingId);
			if (!row) return notFound(c, 'Recording');
			const { start, end, width, height } = c.req.valid('query');
			if (end <= start || end > row.duration_ms) {
				return c.json(
					apiError('invalid_times', `Need 0 ≤ start < end ≤ ${row.duration_ms} (the recording's length in ms)`),
					422
				);
			}
			if (end - start > MAX_SPECTROGRAM_MS) {
				return c.json(apiError('window_too_long', `A spectrogram may span at most ${MAX_SPECTROGRAM_MS} ms`), 422);
			}
			if (row.state !== 'ready') return c.json(apiError('not_ready', 'The recording is still being processed'), 409);

			const target = path.join(storage.clipCacheDir(row.id), `spectrogram-${start}-${end}-${width}x${height}.png`);
			const cached = await stat(target).then(
				() => true,
				() => false
			);
			if (!cached) {
				let pending = inFlight.get(target);
				if (!pending) {
					const input = storage.playbackPath(row.id);
					pending = render(target, (output) =>
						buildSpectrogramArgs({ input, output, startMs: start, endMs: end, width, height })
					).finally(() => inFlight.delete(target));
					inFlight.set(target, pending);
				}
				try {
					await pending;
				} catch (err) {
					if (err instanceof FfmpegError) return c.json(apiError('spectrogram_failed', err.message), 422);
					throw err;
				}
			}
			return sendFile(c, target, { contentType: 'image/png', cacheControl: 'private, max-age=86400' });
		}
	);
}
