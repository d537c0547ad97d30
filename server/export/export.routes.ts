import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { BODY_LIMITS, describe, errors, jsonBody, media, ok, params, type Responses } from '../lib/openapi.ts';
import { sendFile } from '../recordings/file-response.ts';
import { projectParamsSchema } from '../projects/projects.schemas.ts';
import { requireExportOwnerProject, requireProjectExporter, type ExportAccessEnv } from './export-access.ts';
import { createExportJob } from './export-jobs.service.ts';
import { toExportJobDto } from './export.mapper.ts';
import { findExportJob, listExportJobs } from './export.repository.ts';
import { countExportSegments, exportFilterChoices, findForeignFilterIds } from './export.query.ts';
import { createExportSchema, exportChoicesSchema, exportCountRequestSchema, exportCountSchema, exportJobDtoSchema, exportParamSchema } from './export.schemas.ts';

const exportEnvelope = z.object({ export: exportJobDtoSchema });

const doc = {
	create: describe({
		tags: ['export'],
		summary: 'Start an export (TextGrid, EAF, SRT, WebVTT, Kaldi, NeMo, audiofolder, Common Voice, CSV, JSONL) of the whole project, some recordings or a filtered selection',
		description:
			'Queues a job; poll GET /api/exports/:exportId for its state and progress, then download the zip. Corpus formats cut clips (or whole recordings) from the originals and split speakers over train/dev/test; every export carries a manifest.json and a README.md.',
		responses: {
			201: ok(exportEnvelope, 'Queued'),
			...errors({
				409: 'A selected recording is not processed yet (`not_ready`, with `recordings`)',
				422: 'The filter names recordings, speakers, tags, users or a layer the project does not have (`invalid_filter`, with `problems`), or selects nothing (`empty_selection`)'
			})
		}
	}),
	list: describe({
		tags: ['export'],
		summary: "The project's recent exports, newest first",
		responses: { 200: ok(z.object({ exports: z.array(exportJobDtoSchema) })) }
	}),
	choices: describe({
		tags: ['export'],
		summary: 'What an export can be filtered by beyond the project setup: review states and transcribers present',
		responses: { 200: ok(exportChoicesSchema) }
	}),
	count: describe({
		tags: ['export'],
		summary: 'How many segments, recordings and hours a filter selects (the dialog shows it before starting)',
		responses: { 200: ok(exportCountSchema), ...errors({ 422: 'The filter names what the project does not have (`invalid_filter`, with `problems`)' }) }
	}),
	get: describe({
		tags: ['export'],
		summary: 'An export: state, progress, summary, and the download link once done',
		responses: { 200: ok(exportEnvelope) }
	}),
	download: describe({
		tags: ['export'],
		summary: 'Download a finished export as a zip (streamed, byte ranges supported)',
		responses: {
			200: media(['application/zip'], 'The zip', { 'Content-Disposition': 'attachment; filename="<project>-<format>-<date>-<id>.zip"' }),
			206: media(['application/zip'], 'A byte range of the zip', { 'Content-Range': 'bytes first-last/size' }),
			304: { description: 'Not modified (the ETag matched)' },
			...errors({ 409: 'The export is not finished (`not_ready`, with `state`)', 416: 'The Range lies outside the file (`range_not_satisfiable`)' })
		} satisfies Responses
	})
};

/** Mounted at /api/projects/:projectId/exports. */
export function projectExportsRoutes(deps: Deps) {
	const { db } = deps;
	return new Hono<ExportAccessEnv>()
		.post('/', doc.create, params(projectParamsSchema), requireProjectExporter(db), jsonBody(createExportSchema, { maxBytes: BODY_LIMITS.small }), async (c) => {
			const row = await createExportJob(deps, { projectId: c.var.projectId, input: c.req.valid('json'), userId: c.var.user.id });
			return c.json({ export: toExportJobDto(row) }, 201);
		})
		.get('/', doc.list, params(projectParamsSchema), requireProjectExporter(db), async (c) => {
			const rows = await listExportJobs(db, c.var.projectId);
			return c.json({ exports: rows.map(toExportJobDto) }, 200);
		})
		.get('/choices', doc.choices, params(projectParamsSchema), requireProjectExporter(db), async (c) => c.json(await exportFilterChoices(db, c.var.projectId), 200))
		.post('/count', doc.count, params(projectParamsSchema), requireProjectExporter(db), jsonBody(exportCountRequestSchema, { maxBytes: BODY_LIMITS.small }), async (c) => {
			const { filter } = c.req.valid('json');
			const problems = await findForeignFilterIds(db, c.var.projectId, filter);
			if (problems.length) return c.json(apiError('invalid_filter', `The filter names what is not in this project: ${problems.join('; ')}`, { problems }), 422);
			const counted = await countExportSegments(db, c.var.projectId, filter);
			return c.json({ segments: counted.segments, recordings: counted.recordings, hours: Math.round((counted.durationMs / 3_600_000) * 10_000) / 10_000 }, 200);
		});
}

/** Mounted at /api/exports. */
export function exportsRoutes(deps: Deps) {
	const { db, storage } = deps;
	return new Hono<ExportAccessEnv>()
		.get('/:exportId', doc.get, params(exportParamSchema), requireExportOwnerProject(db), async (c) => {
			const row = (await findExportJob(db, c.req.valid('param').exportId))!;
			return c.json({ export: toExportJobDto(row) }, 200);
		})
		.get('/:exportId/download', doc.download, params(exportParamSchema), requireExportOwnerProject(db), async (c) => {
			const row = (await findExportJob(db, c.req.valid('param').exportId))!;
			if (row.state !== 'done' || !row.file_name) {
				return c.json(apiError('not_ready', `The export is ${row.state}, not finished`, { state: row.state }), 409);
			}
			let res: Response;
			try {
				res = await sendFile(c, storage.exportPath(row.id), { contentType: 'application/zip', cacheControl: 'private, no-cache' });
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
				return c.json(apiError('not_found', 'The export’s file is gone; export again'), 404);
			}
			res.headers.set('Content-Disposition', `attachment; filename="${row.file_name.replace(/[^\w.-]/g, '_')}"`);
			return res;
		});
}
