import { Hono } from 'hono';
import { requireProjectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, media, params, query } from '../lib/openapi.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import { sendFile } from '../recordings/file-response.ts';
import { findRecordingById } from '../recordings/recordings.repository.ts';
import { MAX_SPECTROGRAM_MS } from './spectrogram-args.ts';
import { spectrogramParamSchema, spectrogramQuerySchema } from './spectrogram.schemas.ts';
import { SPECTROGRAM_CACHE_VERSION, createSpectrogramService } from './spectrogram.service.ts';

const doc = describe({
	tags: ['media'],
	summary: 'A PNG spectrogram of [start, end), rendered by ffmpeg from the playback rendition and cached',
	description:
		'Grayscale, dark = loud: linear 0–8 kHz bottom to top, 8 ms Hann window (wideband, formants as bands), 70 dB range, time left to right mapped linearly onto `width`. The ETag names the recording and the request, so a revalidation is answered without rendering.',
	responses: {
		200: media(['image/png'], 'The image', { ETag: 'Names the recording and the request', 'Cache-Control': 'private, max-age=86400' }),
		304: { description: 'Not modified (the ETag matched)' },
		...errors({
			409: 'Still processing, or processing failed (`not_ready`, with `state`)',
			422: 'end ≤ start or beyond the recording (`invalid_times`), window too long (`window_too_long`), or ffmpeg failed (`spectrogram_failed`)'
		})
	}
});

/** A window's picture never changes for a recording (its rendition is immutable): a day of private caching. */
const SPECTROGRAM_CACHE_CONTROL = 'private, max-age=86400';

/**
 * GET /api/recordings/:recordingId/spectrogram?start=&end=&width=&height= → image/png.
 * The browser holds only peaks, never decoded samples, so the spectrogram of the visible window is
 * drawn here (ffmpeg, from the playback rendition) and cached beside the clips.
 */
export function spectrogramRoutes(deps: Deps) {
	const { db } = deps;
	const spectrograms = createSpectrogramService(deps);
	return new Hono<AuthEnv>().get(
		'/',
		doc,
		params(spectrogramParamSchema),
		requireProjectAccess(db, { from: 'recording', param: 'recordingId', need: 'read' }),
		query(spectrogramQuerySchema),
		async (c) => {
			const row = await findRecordingById(db, c.req.valid('param').recordingId);
			if (!row) return notFound(c, 'Recording');
			const { start, end, width, height } = c.req.valid('query');
			const invalidTimes = () =>
				c.json(
					apiError('invalid_times', `Need 0 ≤ start < end ≤ ${row.duration_ms} (the recording's length in ms)`, {
						durationMs: row.duration_ms
					}),
					422
				);
			if (end <= start) return invalidTimes();
			if (end - start > MAX_SPECTROGRAM_MS) {
				return c.json(
					apiError('window_too_long', `A spectrogram may span at most ${MAX_SPECTROGRAM_MS} ms`, { maxMs: MAX_SPECTROGRAM_MS }),
					422
				);
			}
			if (end > row.duration_ms) return invalidTimes();
			if (row.state !== 'ready') {
				const detail = row.state === 'failed' ? `processing failed: ${row.error ?? 'unknown error'}` : `still ${row.state}`;
				return c.json(apiError('not_ready', `The recording is ${detail}`, { state: row.state }), 409);
			}

			// The picture is a function of the rendition's bytes and the request: answer a revalidation
			// without rendering (or even looking for) the image.
			const etag = `"${row.sha256}.s${SPECTROGRAM_CACHE_VERSION}.${start}-${end}.${width}x${height}"`;
			const headers = { ETag: etag, 'Cache-Control': SPECTROGRAM_CACHE_CONTROL };
			if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);

			const signal = c.req.raw.signal;
			let file: string;
			try {
				file = await spectrograms.getSpectrogram({ recordingId: row.id, startMs: start, endMs: end, width, height }, signal);
			} catch (err) {
				// The client left (a newer window superseded this one): nobody reads the answer.
				if (signal.aborted) return new Response(null, { status: 499 });
				if (err instanceof FfmpegError) return c.json(apiError('spectrogram_failed', err.message), 422);
				throw err;
			}
			try {
				return await sendFile(c, file, { contentType: 'image/png', etag, cacheControl: SPECTROGRAM_CACHE_CONTROL });
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
					return c.json(apiError('not_found', 'The spectrogram was removed while being sent; ask again'), 404);
				}
				throw err;
			}
		}
	);
}

function etagMatches(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag || candidate.trim() === '*');
}
