import { Hono } from 'hono';
import { requireProjectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import { projectParamsSchema } from '../projects/projects.schemas.ts';
import { toQaBatchDto, createQaBatch, decideQaBatch, loadQaBatch } from './qa.service.ts';
import { countBatchItems, listBatches } from './qa.repository.ts';
import { reviewAccessForProject } from './review-access.ts';
import { createQaBatchSchema, qaBatchDetailSchema, qaBatchListSchema, qaBatchParamSchema } from './review.schemas.ts';

const doc = {
	create: describe({
		tags: ['review'],
		summary: "Draw a QA sample of recordings' segments: a percentage of every stratum (transcriber × dialect tag), seeded",
		description: 'The same seed over the same segments draws the same sample. The threshold is the project\'s at the time.',
		responses: {
			201: ok(qaBatchDetailSchema, 'Drawn'),
			...errors({
				403: 'Not a reviewer of the project',
				404: 'Project or recording not found',
				422: 'No segments in the recordings (`empty_batch`), or no such stage (`unknown_stage`)'
			})
		}
	}),
	list: describe({
		tags: ['review'],
		summary: "The project's QA batches, newest first",
		responses: { 200: ok(qaBatchListSchema), ...errors({ 404: 'Project not found' }) }
	}),
	get: describe({
		tags: ['review'],
		summary: 'A QA batch: its strata, its sample with each segment\'s state, and the sample\'s score so far',
		responses: { 200: ok(qaBatchDetailSchema), ...errors({ 404: 'QA batch not found' }) }
	}),
	decide: describe({
		tags: ['review'],
		summary: "Accept or return the whole batch from the sample's error rate against the threshold",
		responses: {
			200: ok(qaBatchDetailSchema),
			...errors({
				403: 'Not a reviewer of the project',
				404: 'QA batch not found',
				409: 'Sampled segments still need a decision (`sample_incomplete`, with `remaining`), or the batch is decided (`already_decided`)'
			})
		}
	})
};

/** A project's QA batches; mounted under /api/projects/:projectId/qa-batches. */
export function projectQaRoutes({ db }: Deps) {
	const project = (need: 'read' | 'review') => requireProjectAccess(db, { from: 'project', param: 'projectId', need });
	return new Hono<AuthEnv>()
		.post('/', doc.create, params(projectParamsSchema), project('review'), jsonBody(createQaBatchSchema), async (c) => {
			const projectId = await findProjectId(db, c.req.valid('param').projectId);
			if (!projectId) return notFound(c, 'Project');
			const result = await createQaBatch(db, { projectId, user: c.var.user, input: c.req.valid('json') });
			if (!result.ok) return c.json(result.body, result.status as 403 | 404 | 422);
			return c.json(result.detail, 201);
		})
		.get('/', doc.list, params(projectParamsSchema), project('read'), async (c) => {
			const projectId = await findProjectId(db, c.req.valid('param').projectId);
			const access = projectId ? await reviewAccessForProject(db, c.var.user, projectId) : null;
			if (!access?.can.read) return notFound(c, 'Project');
			const rows = await listBatches(db, access.projectId);
			const sampled = await countBatchItems(db, rows.map((r) => r.id));
			return c.json({ batches: rows.map((r) => toQaBatchDto(r, sampled.get(r.id) ?? 0)) }, 200);
		});
}

/** One QA batch; mounted under /api/qa-batches. */
export function qaBatchRoutes({ db }: Deps) {
	const batch = (need: 'read' | 'review') => requireProjectAccess(db, { from: 'qaBatch', param: 'batchId', need });
	return new Hono<AuthEnv>()
		.get('/:batchId', doc.get, params(qaBatchParamSchema), batch('read'), async (c) => {
			const detail = await loadQaBatch(db, c.req.valid('param').batchId, c.var.user);
			if (!detail) return notFound(c, 'QA batch');
			return c.json(detail, 200);
		})
		.post('/:batchId/decision', doc.decide, params(qaBatchParamSchema), batch('review'), async (c) => {
			const result = await decideQaBatch(db, c.req.valid('param').batchId, c.var.user);
			if (!result.ok) return c.json(result.body, result.status as 403 | 404 | 409);
			return c.json(result.detail, 200);
		});
}
