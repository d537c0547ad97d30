import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { notFound, onInvalid } from '../lib/http.ts';
import { toSegmentDto } from './segments.mapper.ts';
import { listSegments, recordingExists } from './segments.repository.ts';
import {
	createSegmentSchema,
	deleteSegmentQuerySchema,
	patchSegmentSchema,
	restoreSegmentSchema
} from './segments.schemas.ts';
import { createSegment, deleteSegment, restoreSegment, segmentHistory, updateSegment } from './segments.service.ts';

/** Roles that may change segments; exporters only read. */
const WRITERS = ['admin', 'reviewer', 'transcriber'] as const;

/** A recording's segments; mounted under /api/recordings/:recordingId/segments. */
export function recordingSegmentsRoutes({ db }: Deps) {
	return new Hono<AuthEnv>()
		.get('/', async (c) => {
			const recordingId = c.req.param('recordingId') ?? '';
			if (!(await recordingExists(db, recordingId))) return notFound(c, 'Recording');
			const rows = await listSegments(db, recordingId);
			return c.json({ segments: rows.map(toSegmentDto) }, 200);
		})
		.post('/', requireRole(...WRITERS), zValidator('json', createSegmentSchema, onInvalid), async (c) => {
			const result = await createSegment(db, {
				recordingId: c.req.param('recordingId') ?? '',
				userId: c.var.user.id,
				input: c.req.valid('json')
			});
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ segment: result.segment }, result.created ? 201 : 200);
		});
}

/** One segment by id: edit, delete, history and restore; mounted under /api/segments. */
export function segmentsRoutes({ db }: Deps) {
	return new Hono<AuthEnv>()
		.patch('/:id', requireRole(...WRITERS), zValidator('json', patchSegmentSchema, onInvalid), async (c) => {
			const result = await updateSegment(db, {
				id: c.req.param('id'),
				userId: c.var.user.id,
				patch: c.req.valid('json')
			});
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ segment: result.segment }, 200);
		})
		.delete('/:id', requireRole(...WRITERS), zValidator('query', deleteSegmentQuerySchema, onInvalid), async (c) => {
			const result = await deleteSegment(db, {
				id: c.req.param('id'),
				userId: c.var.user.id,
				version: c.req.valid('query').version
			});
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ ok: true as const }, 200);
		})
		.get('/:id/revisions', async (c) => {
			const revisions = await segmentHistory(db, c.req.param('id'));
			if (!revisions) return notFound(c, 'Segment');
			return c.json({ revisions }, 200);
		})
		.post('/:id/restore', requireRole(...WRITERS), zValidator('json', restoreSegmentSchema, onInvalid), async (c) => {
			const { revisionId, version } = c.req.valid('json');
			const result = await restoreSegment(db, { id: c.req.param('id'), userId: c.var.user.id, revisionId, version });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ segment: result.segment }, 200);
		});
}
