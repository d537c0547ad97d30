import { rm } from 'node:fs/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { resolver } from 'hono-openapi';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import type { Capability } from '../access/capabilities.ts';
import { AppError, apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { findTextProblem } from '../lib/input-guard.ts';
import { BODY_LIMITS, describe, errors, jsonBody, media, ok, okBodySchema, params, query, type Responses } from '../lib/openapi.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import { PEAKS_VERSION } from '../media/peaks-format.ts';
import { CLIP_FORMATS, canClipFromOriginal } from '../media/transcode-args.ts';
import { createClipService } from './clips.service.ts';
import { sendFile } from './file-response.ts';
import { toRecordingDto } from './recordings.mapper.ts';
import { findRecordingById, listProjectRecordings, type RecordingRow } from './recordings.repository.ts';
import {
	MAX_CLIP_MS,
	clipQuerySchema,
	projectRecordingsParamSchema,
	recordingDeletionEnvelopeSchema,
	recordingEnvelopeSchema,
	recordingIdParamSchema,
	recordingListSchema,
	renameRecordingSchema,
	uploadFieldsSchema,
	uploadFormSchema
} from './recordings.schemas.ts';
import { deleteRecording, describeRecordingDeletion, importRecordingFromFile, renameRecordingAs } from './recordings.service.ts';
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

type RecordingEnv = { Variables: AccessEnv['Variables'] & { recording: RecordingRow } };

/**
 * For one recording (`:id`): 404 when unknown or not in the user's projects, 403 without `need`
 * there (server/access/), before any body is read; sets `c.var.access` and `c.var.recording`.
 */
function requireRecording(db: Deps['db'], need: Capability, notFoundDoc?: string): MiddlewareHandler<RecordingEnv> {
	const check = requireProjectAccess<RecordingEnv>(db, { from: 'recording', param: 'id', need, notFound: notFoundDoc });
	const middleware: MiddlewareHandler<RecordingEnv> = async (c, next) => {
		let allowed = false;
		const refused = await check(c, async () => {
			allowed = true;
		});
		if (!allowed) return refused;
		const row = await findRecordingById(db, c.req.param('id') ?? '');
		if (!row) return notFound(c, 'Recording');
		c.set('recording', row);
		await next();
	};
	return Object.assign(middleware, check);
}

const PEAKS_FORMAT = `Binary, little-endian. Offsets: 0 char[4] "FYPK"; 4 uint16 version; 6 uint16 levelCount;
8 uint32 sampleRate of the analysed audio; 12 uint32 durationMs; 16 levelCount × {uint32 samplesPerPeak,
uint32 peakCount, uint32 byteOffset}; then per level peakCount pairs of int8 (min, max), −128..127.
The finest level has about 100 peaks/s, each next one is 4× coarser; levels are stored coarsest first.`;

const MEDIA_HEADERS = {
	ETag: 'Names the content; send it back as If-None-Match',
	'Cache-Control': 'private, max-age=86400',
	'Accept-Ranges': 'bytes'
};
const notReadyDoc = 'Still processing, or processing failed (`not_ready`, with `state`)';
const notModified: Responses = { 304: { description: 'Not modified (the ETag matched)' } };

/** The byte-range answers every media route gives (server/recordings/file-response.ts). */
function ranged(contentTypes: string[], what: string): Responses {
	return {
		200: media(contentTypes, what, MEDIA_HEADERS),
		206: media(contentTypes, `A byte range of ${what.toLowerCase()}`, { ...MEDIA_HEADERS, 'Content-Range': 'bytes first-last/size' }),
		...notModified,
		...errors({ 416: 'The Range lies outside the file (`range_not_satisfiable`); Content-Range names the size' })
	};
}

const doc = {
	list: describe({
		tags: ['recordings'],
		summary: "A project's recordings",
		responses: { 200: ok(recordingListSchema) }
	}),
	upload: describe({
		tags: ['recordings'],
		summary: 'Upload one audio file; it is streamed to disk, probed and queued for ingest',
		requestBody: { required: true, content: { 'multipart/form-data': { schema: resolver(uploadFormSchema) } } },
		responses: {
			202: ok(recordingEnvelopeSchema, 'Accepted; ingest (peaks and playback rendition) runs in the background'),
			...errors({
				400: 'Not multipart, no `file` part, a bad field, or a file name with path separators, `..` or control characters (`invalid_file_name`)',
				409: 'The same file is already in this project (`duplicate`, with `recordingId`)',
				413: 'Larger than the configured upload limit (`too_large`)',
				415: 'Not audio (`not_audio`) or no audio stream (`no_audio_stream`)',
				422: 'Empty (`empty_file`) or truncated (`truncated`) file'
			})
		}
	}),
	get: describe({
		tags: ['recordings'],
		summary: 'One recording',
		responses: { 200: ok(recordingEnvelopeSchema) }
	}),
	rename: describe({
		tags: ['recordings'],
		summary: 'Rename a recording (1–255 characters, trimmed, NFC, no control characters)',
		responses: { 200: ok(recordingEnvelopeSchema) }
	}),
	deletion: describe({
		tags: ['recordings'],
		summary: 'What deleting the recording would take with it (for the confirmation)',
		responses: { 200: ok(recordingDeletionEnvelopeSchema) }
	}),
	delete: describe({
		tags: ['recordings'],
		summary:
			'Delete a recording with its segments, their revisions, its jobs and media files; the original only when no other recording uses it',
		responses: { 200: ok(okBodySchema) }
	}),
	peaks: describe({
		tags: ['media'],
		summary: 'Multi-resolution waveform peaks (FYPK binary)',
		description: PEAKS_FORMAT,
		responses: {
			...ranged(['application/octet-stream'], 'The peaks file'),
			...errors({ 409: notReadyDoc })
		}
	}),
	audio: describe({
		tags: ['media'],
		summary: 'The playback rendition (Ogg Opus), with HTTP Range',
		responses: {
			...ranged(['audio/ogg'], 'The whole file'),
			...errors({ 409: notReadyDoc })
		}
	}),
	clip: describe({
		tags: ['media'],
		summary: 'The span [start, end) cut by ffmpeg (input-side seek) and cached on disk',
		responses: {
			...ranged(['audio/wav', 'audio/flac', 'audio/ogg'], 'The clip'),
			...errors({
				409: notReadyDoc,
				422: 'end ≤ start or beyond the recording (`invalid_times`), too long (`clip_too_long`), or ffmpeg failed (`clip_failed`)'
			})
		}
	})
};

/** Recordings of one project: list and upload. Mounted at /api/projects/:projectId/recordings. */
export function projectRecordingsRoutes(deps: Deps) {
	const { db, config, storage } = deps;
	const project = (need: Capability) => requireProjectAccess(db, { from: 'project', param: 'projectId', need });
	return new Hono<AuthEnv>()
		.get('/', doc.list, params(projectRecordingsParamSchema), project('read'), async (c) => {
			const projectId = c.var.access.projectId;
			const rows = await listProjectRecordings(db, projectId);
			return c.json({ recordings: rows.map(toRecordingDto) }, 200);
		})
		.post('/', doc.upload, params(projectRecordingsParamSchema), project('manage'), async (c) => {
			const projectId = c.var.access.projectId;
			let upload;
			try {
				checkDeclaredLength(c.req.header('content-length'), config.maxUploadBytes);
				upload = await receiveUpload(c.req.raw, { tmpDir: storage.tmpDir, maxBytes: config.maxUploadBytes });
			} catch (err) {
				if (err instanceof AppError && err.status === 413) c.header('Connection', 'close');
				return errorResponse(c, err);
			}
			try {
				const badText = findTextProblem(upload.fields);
				if (badText) {
					const issues = [badText];
					return c.json(apiError('invalid_request', `${badText.path}: ${badText.message}`, { issues }), 400);
				}
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
	const manager = requireRecording(db, 'manage');
	const reader = requireRecording(db, 'read');
	const mediaReader = requireRecording(db, 'read', 'Recording (or its media file) not found');
	return new Hono<AuthEnv>()
		.get('/:id', doc.get, params(recordingIdParamSchema), reader, async (c) =>
			c.json({ recording: toRecordingDto(c.var.recording) }, 200)
		)
		// Changes: a malformed id is a 404 before any query, then `manager` answers 404 for an unknown
		// recording and 403 without the right to manage its project, both before the body is read.
		.patch(
			'/:id',
			doc.rename,
			params(recordingIdParamSchema),
			manager,
			jsonBody(renameRecordingSchema, { maxBytes: BODY_LIMITS.small }),
			async (c) => {
				const id = c.var.recording.id;
				if (!(await renameRecordingAs(db, { recording: c.var.recording, name: c.req.valid('json').name, actorId: c.var.user.id }))) {
					return notFound(c, 'Recording');
				}
				return c.json({ recording: toRecordingDto((await findRecordingById(db, id))!) }, 200);
			}
		)
		// What a delete would take with it, so the UI can say so before asking.
		.get('/:id/deletion', doc.deletion, params(recordingIdParamSchema), manager, async (c) =>
			c.json({ deletion: await describeRecordingDeletion(deps, c.var.recording) }, 200)
		)
		.delete('/:id', doc.delete, params(recordingIdParamSchema), manager, async (c) => {
			if (!(await deleteRecording(deps, c.var.recording.id, c.var.user.id))) return notFound(c, 'Recording');
			return c.json({ ok: true as const }, 200);
		})
		.get('/:id/peaks', doc.peaks, params(recordingIdParamSchema), mediaReader, async (c) => {
			const row = c.var.recording;
			if (row.state !== 'ready') return notReady(c, row);
			return sendMedia(c, storage.peaksPath(row.id), {
				contentType: 'application/octet-stream',
				etag: `"${row.sha256}.v${PEAKS_VERSION}"`,
				cacheControl: MEDIA_CACHE_CONTROL
			});
		})
		.get('/:id/audio', doc.audio, params(recordingIdParamSchema), mediaReader, async (c) => {
			const row = c.var.recording;
			if (row.state !== 'ready') return notReady(c, row);
			return sendMedia(c, storage.playbackPath(row.id), { contentType: 'audio/ogg', cacheControl: MEDIA_CACHE_CONTROL });
		})
		.get(
			'/:id/clip',
			doc.clip,
			params(recordingIdParamSchema),
			mediaReader,
			query(clipQuerySchema),
			async (c) => {
				const row = c.var.recording;
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
