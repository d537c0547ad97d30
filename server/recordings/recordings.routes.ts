import { rm } from 'node:fs/promises';
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { AppError, apiError } from '../lib/errors.ts';
import { notFound, onInvalid } from '../lib/http.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import { PEAKS_VERSION } from '../media/peaks-format.ts';
import { CLIP_FORMATS, canClipFromOriginal } from '../media/transcode-args.ts';
import { assertCanManageProject } from '../projects/project-access.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import { createClipService } from './clips.service.ts';
import { sendFile } from './file-response.ts';
import { toRecordingDto } from './recordings.mapper.ts';
import { findRecordingById, listProjectRecordings, renameRecording, type RecordingRow } from './recordings.repository.ts';
import {
	MAX_CLIP_MS,
	clipQuerySchema,
	recordingIdParamSchema,
	renameRecordingSchema,
	uploadFieldsSchema
} from './recordings.schemas.ts';
import { deleteRecording, describeRecordingDeletion, importRecordingFromFile } from './recordings.service.ts';
import { checkDeclaredLength, receiveUpload } from './upload.ts';

/** Media derived from a recording never changes for its id, so a day of private caching is safe. */
const MEDIA_CACHE_CONTROL = 'private, max-age=86400';

function errorResponse(c: Context, err: unknown) {
	if (err instanceof AppError) return c.json(err.toBody(), err.status);
	throw err;
}

function notReady(c: Context, row: RecordingRow) {
	const detail = row.state === 'failed' ? `processing failed: ${row.error ?? 'unknown error'}` : `still ${row.state}`;
	return c.json(apiError('not_ready', `The recording is ${detail}`, { state: row.state }), 409);
}

type RecordingManagerEnv = { Variables: AuthEnv['Variables'] & { recording: RecordingRow } };

/**
 * For changes to one recording (`:id`): 404 when unknown, 403 unless the user may manage its
 * project (canManageProject), before any body is read; sets `c.var.recording`.
 */
function requireRecordingManager(db: Deps['db']): MiddlewareHandler<RecordingManagerEnv> {
	return async (c, next) => {
		const row = await findRecordingById(db, c.req.param('id') ?? '');
		if (!row) return notFound(c, 'Recording');
		await assertCanManageProject(db, c.var.user, row.project_id);
		c.set('recording', row);
		await next();
	};
}

/** Recordings of one project: list and upload. Mounted at /api/projects/:projectId/recordings. */
export function projectRecordingsRoutes(deps: Deps) {
	const { db, config, storage } = deps;
	return new Hono<AuthEnv>()
		.get('/', async (c) => {
			const projectId = await findProjectId(db, c.req.param('projectId') ?? '');
			if (!projectId) return notFound(c, 'Project');
			const rows = await listProjectRecordings(db, projectId);
			return c.json({ recordings: rows.map(toRecordingDto) }, 200);
		})
		.post('/', requireRole('admin'), async (c) => {
			const projectId = await findProjectId(db, c.req.param('projectId') ?? '');
			if (!projectId) return notFound(c, 'Project');
			let upload;
			try {
				checkDeclaredLength(c.req.header('content-length'), config.maxUploadBytes);
				upload = await receiveUpload(c.req.raw, { tmpDir: storage.tmpDir, maxBytes: config.maxUploadBytes });
			} catch (err) {
				if (err instanceof AppError && err.status === 413) c.header('Connection', 'close');
				return errorResponse(c, err);
			}
			try {
				const fields = uploadFieldsSchema.safeParse(upload.fields);
				if (!fields.success) {
					const message = fields.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
					return c.json(apiError('invalid_request', message), 400);
				}
				const recording = await importRecordingFromFile(deps, {
					projectId,
					filePath: upload.filePath,
					name: upload.fileName,
					userId: c.var.user.id,
					speakerId: fields.data.speakerId,
					place: fields.data.place,
					move: true,
					sha256: upload.sha256
				});
				return c.json({ recording }, 202);
			} catch (err) {
				return errorResponse(c, err);
			} finally {
				await rm(upload.filePath, { force: true });
			}
		});
}

/** One recording and its media. Mounted at /api/recordings. */
export function recordingsRoutes(deps: Deps) {
	const { db, storage } = deps;
	const clips = createClipService(deps);
	const manager = requireRecordingManager(db);
	return new Hono<AuthEnv>()
		.get('/:id', zValidator('param', recordingIdParamSchema, onInvalid), async (c) => {
			const row = await findRecordingById(db, c.req.valid('param').id);
			if (!row) return notFound(c, 'Recording');
			return c.json({ recording: toRecordingDto(row) }, 200);
		})
		.patch(
			'/:id',
			zValidator('param', recordingIdParamSchema, onInvalid),
			manager,
			zValidator('json', renameRecordingSchema, onInvalid),
			async (c) => {
				const id = c.var.recording.id;
				if (!(await renameRecording(db, id, c.req.valid('json').name))) return notFound(c, 'Recording');
				return c.json({ recording: toRecordingDto((await findRecordingById(db, id))!) }, 200);
			}
		)
		// What a delete would take with it, so the UI can say so before asking.
		.get('/:id/deletion', zValidator('param', recordingIdParamSchema, onInvalid), manager, async (c) =>
			c.json({ deletion: await describeRecordingDeletion(deps, c.var.recording) }, 200)
		)
		.delete('/:id', zValidator('param', recordingIdParamSchema, onInvalid), manager, async (c) => {
			if (!(await deleteRecording(deps, c.var.recording.id))) return notFound(c, 'Recording');
			return c.json({ ok: true as const }, 200);
		})
		.get('/:id/peaks', zValidator('param', recordingIdParamSchema, onInvalid), async (c) => {
			const row = await findRecordingById(db, c.req.valid('param').id);
			if (!row) return notFound(c, 'Recording');
			if (row.state !== 'ready') return notReady(c, row);
			return sendMedia(c, storage.peaksPath(row.id), {
				contentType: 'application/octet-stream',
				etag: `"${row.sha256}.v${PEAKS_VERSION}"`,
				cacheControl: MEDIA_CACHE_CONTROL
			});
		})
		.get('/:id/audio', zValidator('param', recordingIdParamSchema, onInvalid), async (c) => {
			const row = await findRecordingById(db, c.req.valid('param').id);
			if (!row) return notFound(c, 'Recording');
			if (row.state !== 'ready') return notReady(c, row);
			return sendMedia(c, storage.playbackPath(row.id), { contentType: 'audio/ogg', cacheControl: MEDIA_CACHE_CONTROL });
		})
		.get(
			'/:id/clip',
			zValidator('param', recordingIdParamSchema, onInvalid),
			zValidator('query', clipQuerySchema, onInvalid),
			async (c) => {
				const row = await findRecordingById(db, c.req.valid('param').id);
				if (!row) return notFound(c, 'Recording');
				const { start, end, format } = c.req.valid('query');
				const invalidTimes = () =>
					c.json(
						apiError('invalid_times', `Need 0 ≤ start < end ≤ ${row.duration_ms} (the recording's length in ms)`, {
							durationMs: row.duration_ms
						}),
						422
					);
				if (end <= start) return invalidTimes();
				if (end - start > MAX_CLIP_MS) {
					return c.json(apiError('clip_too_long', `A clip may be at most ${MAX_CLIP_MS} ms long`, { maxMs: MAX_CLIP_MS }), 422);
				}
				if (end > row.duration_ms) return invalidTimes();
				if (row.state !== 'ready') return notReady(c, row);
				let clipPath: string;
				try {
					const fromOriginal = canClipFromOriginal(row.format_name);
					clipPath = await clips.getClip({
						recordingId: row.id,
						input: fromOriginal ? storage.originalPath(row.sha256, row.original_ext) : storage.playbackPath(row.id),
						sampleRate: fromOriginal ? undefined : row.sample_rate,
						channels: row.channels,
						startMs: start,
						endMs: end,
						format
					});
				} catch (err) {
					if (err instanceof FfmpegError) return c.json(apiError('clip_failed', err.message), 422);
					throw err;
				}
				const ext = CLIP_FORMATS[format].ext;
				return sendMedia(c, clipPath, {
					contentType: CLIP_FORMATS[format].contentType,
					cacheControl: MEDIA_CACHE_CONTROL,
					fileName: `clip-${row.id}-${start}-${end}.${ext}`
				});
			}
		);
}

async function sendMedia(c: Context, filePath: string, options: Parameters<typeof sendFile>[2]) {
	try {
		return await sendFile(c, filePath, options);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
			return c.json(apiError('not_found', 'The media file is missing; re-import the recording'), 404);
		}
		throw err;
	}
}
