import { Hono } from 'hono';
import { z } from 'zod';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../lib/http.ts';
import { BODY_LIMITS, describe, errorBodySchema, errors, jsonBody, ok, okBodySchema, params, query } from '../lib/openapi.ts';
import { renewLeasesOnSave } from '../tasks/tasks.service.ts';
import { assertCanReadVariant, assertCanWriteVariant, requireSegmentVariant, segmentPlace, transcriptionNoun } from '../tasks/variant-access.ts';
import { toSegmentDto } from './segments.mapper.ts';
import { listSegments, PRIMARY_VARIANT } from './segments.repository.ts';
import {
	createSegmentSchema,
	deleteSegmentQuerySchema,
	listSegmentsQuerySchema,
	patchSegmentSchema,
	recordingSegmentsParamSchema,
	restoreSegmentSchema,
	revisionListSchema,
	segmentEnvelopeSchema,
	segmentListSchema,
	segmentParamSchema,
	versionConflictSchema
} from './segments.schemas.ts';
import { createSegment, deleteSegment, restoreSegment, segmentHistory, updateSegment } from './segments.service.ts';

const conflictOr = (description: string) => ({ 409: ok(z.union([versionConflictSchema, errorBodySchema]), description) });
const variantDoc =
	'`variant_not_editable`: a transcription k > 0 is written only by the transcriber holding its task, while it is in progress, within its window';
const refsDoc = '`invalid_times` (0 ≤ start < end ≤ duration fails), `unknown_layer` (with `keys`), `unknown_speaker` or `unknown_tag`';

const doc = {
	list: describe({
		tags: ['segments'],
		summary: "A recording's segments, by start time then id",
		description:
			'`variant=0` (the default), the primary transcription, is for every member; a variant k > 0 (double transcription, gold copy) only for the transcriber its task is assigned to and for reviewers and managers.',
		responses: { 200: ok(segmentListSchema), ...errors({ 404: 'Recording not found, or a transcription (variant) you may not see' }) }
	}),
	create: describe({
		tags: ['segments'],
		summary: 'Create a segment (with a create revision)',
		description: "Segments are allowed as soon as the recording's duration is known (also while it is queued).",
		responses: {
			201: ok(segmentEnvelopeSchema, 'Created'),
			200: ok(segmentEnvelopeSchema, 'A replay of a client-made id that exists on this recording: the existing segment'),
			...errors({
				404: 'Recording not found, or a transcription (variant) you may not see',
				409: `The id belongs to another recording (\`id_taken\`), was deleted (\`segment_deleted\`: restore it instead), the duration is not known yet (\`not_ready\`), or ${variantDoc}`,
				422: refsDoc
			})
		}
	}),
	patch: describe({
		tags: ['segments'],
		summary: 'Edit the version you have; the answer carries version + 1',
		description:
			'Only the fields given change; `texts` is merged per layer. Writes the segment and an update revision in one transaction.',
		responses: {
			200: ok(segmentEnvelopeSchema),
			...errors({ 404: 'Segment not found', 422: refsDoc }),
			...conflictOr(`Stale version (\`version_conflict\`): \`segment\` is the current state; or ${variantDoc}`)
		}
	}),
	delete: describe({
		tags: ['segments'],
		summary: 'Delete the version you have (kept in the history)',
		responses: {
			200: ok(okBodySchema),
			...errors({ 404: 'Segment not found' }),
			...conflictOr(`Stale version (\`version_conflict\`): \`segment\` is the current state; or ${variantDoc}`)
		}
	}),
	revisions: describe({
		tags: ['segments'],
		summary: "A segment's history, newest first (also for deleted segments)",
		responses: { 200: ok(revisionListSchema) }
	}),
	restore: describe({
		tags: ['segments'],
		summary: "Restore a revision's state (its `after`, or `before` for a delete), recreating a deleted segment",
		description: 'Recorded as a restore revision. When `version` is given and the segment has moved on, 409.',
		responses: {
			200: ok(segmentEnvelopeSchema),
			...errors({
				404: 'Segment, revision or recording not found',
				422: 'The revision refers to a speaker, tag or layer that no longer exists'
			}),
			...conflictOr(`Stale version (\`version_conflict\`): \`segment\` is the current state; or ${variantDoc}`)
		}
	})
};

/** A recording's segments; mounted under /api/recordings/:recordingId/segments. */
export function recordingSegmentsRoutes({ db }: Deps) {
	const recording = (need: 'read' | 'transcribe') => requireProjectAccess(db, { from: 'recording', param: 'recordingId', need });
	return new Hono<AccessEnv>()
		.get('/', doc.list, params(recordingSegmentsParamSchema), recording('read'), query(listSegmentsQuerySchema), async (c) => {
			const { recordingId } = c.req.valid('param');
			const { variant = PRIMARY_VARIANT } = c.req.valid('query');
			await assertCanReadVariant(db, { access: c.var.access, userId: c.var.user.id, recordingId, variant, notFound: transcriptionNoun(variant) });
			const rows = await listSegments(db, recordingId, variant);
			return c.json({ segments: rows.map(toSegmentDto) }, 200);
		})
		.post('/', doc.create, params(recordingSegmentsParamSchema), recording('transcribe'), jsonBody(createSegmentSchema, { maxBytes: BODY_LIMITS.text }), async (c) => {
			const input = c.req.valid('json');
			const variant = input.variant ?? PRIMARY_VARIANT;
			const recordingId = c.req.valid('param').recordingId;
			await assertCanWriteVariant(db, { access: c.var.access, userId: c.var.user.id, recordingId, variant, spans: [input], notFound: transcriptionNoun(variant) });
			const result = await createSegment(db, {
				recordingId: c.req.valid('param').recordingId,
				userId: c.var.user.id,
				input: c.req.valid('json')
			});
			if (!result.ok) return c.json(result.body, result.status);
			await renewLeasesOnSave(db, { recordingId: result.segment.recordingId, userId: c.var.user.id });
			return c.json({ segment: result.segment }, result.created ? 201 : 200);
		});
}

/** One segment by id: edit, delete, history and restore; mounted under /api/segments. */
export function segmentsRoutes({ db }: Deps) {
	const segment = (need: 'read' | 'transcribe', notFound?: string) => requireProjectAccess(db, { from: 'segment', param: 'id', need, notFound });
	const writer = segment('transcribe');
	const variantReader = requireSegmentVariant(db, 'read');
	const variantWriter = requireSegmentVariant(db, 'write');
	return new Hono<AccessEnv>()
		.patch('/:id', doc.patch, params(segmentParamSchema), writer, variantWriter, jsonBody(patchSegmentSchema, { maxBytes: BODY_LIMITS.text }), async (c) => {
			const patch = c.req.valid('json');
			if (patch.startMs !== undefined || patch.endMs !== undefined) {
				// Moved: the new place must lie in the holder's window too.
				const place = await segmentPlace(db, c.req.valid('param').id);
				if (place && place.variant !== PRIMARY_VARIANT) {
					const span = { startMs: patch.startMs ?? place.startMs, endMs: patch.endMs ?? place.endMs };
					await assertCanWriteVariant(db, { access: c.var.access, userId: c.var.user.id, recordingId: place.recordingId, variant: place.variant, spans: [span], notFound: 'Segment' });
				}
			}
			const result = await updateSegment(db, {
				id: c.req.valid('param').id,
				userId: c.var.user.id,
				patch: c.req.valid('json')
			});
			if (!result.ok) return c.json(result.body, result.status);
			// A save is work: it renews the lease of the task the person holds on this recording.
			await renewLeasesOnSave(db, { recordingId: result.segment.recordingId, userId: c.var.user.id });
			return c.json({ segment: result.segment }, 200);
		})
		.delete('/:id', doc.delete, params(segmentParamSchema), writer, variantWriter, query(deleteSegmentQuerySchema), async (c) => {
			const result = await deleteSegment(db, {
				id: c.req.valid('param').id,
				userId: c.var.user.id,
				version: c.req.valid('query').version
			});
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ ok: true as const }, 200);
		})
		.get('/:id/revisions', doc.revisions, params(segmentParamSchema), segment('read'), variantReader, async (c) => {
			const revisions = await segmentHistory(db, c.req.valid('param').id);
			if (!revisions) return notFound(c, 'Segment');
			return c.json({ revisions }, 200);
		})
		.post('/:id/restore', doc.restore, params(segmentParamSchema), segment('transcribe', 'Segment, revision or recording not found'), variantWriter, jsonBody(restoreSegmentSchema), async (c) => {
			const { revisionId, version } = c.req.valid('json');
			const result = await restoreSegment(db, { id: c.req.valid('param').id, userId: c.var.user.id, revisionId, version });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ segment: result.segment }, 200);
		});
}
