import { readFile, rm } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import { resolver } from 'hono-openapi';
import { requireProjectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { AppError, apiError } from '../lib/errors.ts';
import { findTextProblem } from '../lib/input-guard.ts';
import { describe, errors, ok, params } from '../lib/openapi.ts';
import { checkDeclaredLength, receiveUpload } from '../recordings/upload.ts';
import {
	MAX_MAPPING_BYTES,
	MAX_TRANSCRIPT_BYTES,
	importFieldsSchema,
	importFormSchema,
	projectImportAppliedSchema,
	projectImportParamSchema,
	projectImportResponseSchema,
	recordingImportAppliedSchema,
	recordingImportParamSchema,
	recordingImportResponseSchema,
	type ImportFields
} from './transcript-import.schemas.ts';
import { importIntoProject, importIntoRecording, type ImportFailure, type ImportFile } from './transcript-import.service.ts';

const FORM = { required: true, content: { 'multipart/form-data': { schema: resolver(importFormSchema) } } };

const FAILURES = {
	400: 'Not multipart, no `file` part, a bad field (`invalid_request`), or apply=true without the preview’s token',
	409: 'The recording’s duration is not known yet (`not_ready`), or it changed since the preview (`preview_stale`: preview again)',
	413: `The file is larger than ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MB (\`too_large\`)`,
	415: 'Not a transcript format it reads (`unsupported_format`, with `supported`)',
	422:
		'The file is malformed (`malformed_file`: the message names the line or element), declares an unknown encoding (`unknown_encoding`, with `encoding`), the mapping names what does not exist (`invalid_mapping`, with `problems`), the transcript runs past the recording without clip (`past_the_end`), or a Label Studio export of several tasks was sent to one recording (`use_project_import`)'
} as const;

const doc = {
	recording: describe({
		tags: ['segments'],
		summary: 'Import a transcript into a recording (TextGrid, EAF, Transcriber, SRT, WebVTT, ASR JSON): preview, then apply',
		description:
			'Multipart: `file`, `mode` (merge | replace), optional `format`, `mapping` (JSON), `clip`, `apply`, `token`. Without apply: what would be added, changed and removed per speaker and layer, with warnings and sample rows, and a token. With apply=true and that token: all of it in one transaction, each segment change with its revision, created speakers included; a stale token is a 409.',
		requestBody: FORM,
		responses: {
			200: ok(recordingImportResponseSchema, 'The preview (apply=false)'),
			201: ok(recordingImportAppliedSchema, 'Applied (apply=true)'),
			...errors(FAILURES)
		}
	}),
	project: describe({
		tags: ['segments'],
		summary: 'Import a Label Studio JSON export into the recordings its tasks name: preview, then apply',
		description:
			'Each task goes to the recording whose name matches the base name of its audio (Label Studio’s 8-hex upload prefix ignored; then by name without extension; case-insensitive); unmatched, ambiguous or duplicate tasks are reported and skipped. The same fields as the recording import; applied in one transaction.',
		requestBody: FORM,
		responses: {
			200: ok(projectImportResponseSchema, 'The preview (apply=false)'),
			201: ok(projectImportAppliedSchema, 'Applied (apply=true)'),
			...errors({ ...FAILURES, 422: `${FAILURES[422]}; or the file is not a Label Studio export (\`not_label_studio\`)` })
		}
	})
};

/**
 * The upload: streamed to the scratch directory under the size limit, read once, removed; the
 * fields checked. Returns the file and fields, or the error answer.
 */
async function receiveImport(c: Context, deps: Deps): Promise<{ ok: true; file: ImportFile; fields: ImportFields } | ImportFailure> {
	let upload;
	try {
		checkDeclaredLength(c.req.header('content-length'), MAX_TRANSCRIPT_BYTES);
		upload = await receiveUpload(c.req.raw, { tmpDir: deps.storage.tmpDir, maxBytes: MAX_TRANSCRIPT_BYTES, maxFieldBytes: MAX_MAPPING_BYTES });
	} catch (err) {
		if (err instanceof AppError && (err.status === 400 || err.status === 413)) {
			if (err.status === 413) c.header('Connection', 'close');
			return { ok: false, status: err.status, body: err.toBody() };
		}
		throw err;
	}
	const invalid = (message: string, issues: { path: string; message: string }[]): ImportFailure => ({
		ok: false,
		status: 400,
		body: apiError('invalid_request', message, { issues })
	});
	try {
		const badText = findTextProblem(upload.fields);
		if (badText) return invalid(`${badText.path}: ${badText.message}`, [badText]);
		const parsed = importFieldsSchema.safeParse(upload.fields);
		if (!parsed.success) {
			const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
			return invalid(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
		}
		if (parsed.data.apply && !parsed.data.token) {
			return invalid('token: apply=true needs the token of the preview it confirms', [{ path: 'token', message: 'Required with apply=true' }]);
		}
		const bytes = await readFile(upload.filePath);
		return { ok: true, file: { name: upload.fileName, bytes }, fields: parsed.data };
	} finally {
		await rm(upload.filePath, { force: true });
	}
}

/** Mounted at /api/recordings/:recordingId/transcript-import. */
export function recordingTranscriptImportRoutes(deps: Deps) {
	return new Hono<AuthEnv>().post('/', doc.recording, params(recordingImportParamSchema), requireProjectAccess(deps.db, { from: 'recording', param: 'recordingId', need: 'manage' }), async (c) => {
		const received = await receiveImport(c, deps);
		if (!received.ok) return c.json(received.body, received.status);
		const { file, fields } = received;
		const result = await importIntoRecording(deps.db, {
			recordingId: c.req.valid('param').recordingId,
			file,
			options: { mode: fields.mode, format: fields.format, mapping: fields.mapping, clip: fields.clip },
			apply: fields.apply,
			token: fields.token,
			userId: c.var.user.id
		});
		if (!result.ok) return c.json(result.body, result.status);
		if (result.applied) return c.json({ preview: result.preview, applied: result.applied }, 201);
		return c.json({ preview: result.preview }, 200);
	});
}

/** Mounted at /api/projects/:projectId/transcript-import. */
export function projectTranscriptImportRoutes(deps: Deps) {
	return new Hono<AuthEnv>().post('/', doc.project, params(projectImportParamSchema), requireProjectAccess(deps.db, { from: 'project', param: 'projectId', need: 'manage' }), async (c) => {
		const received = await receiveImport(c, deps);
		if (!received.ok) return c.json(received.body, received.status);
		const { file, fields } = received;
		const result = await importIntoProject(deps.db, {
			projectId: c.var.access.projectId,
			file,
			options: { mode: fields.mode, format: fields.format, mapping: fields.mapping, clip: fields.clip },
			apply: fields.apply,
			token: fields.token,
			userId: c.var.user.id
		});
		if (!result.ok) return c.json(result.body, result.status);
		if (result.applied) return c.json({ preview: result.preview, applied: result.applied }, 201);
		return c.json({ preview: result.preview }, 200);
	});
}
