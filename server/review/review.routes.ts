import { Hono } from 'hono';
import { z } from 'zod';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import { audit, changedFields } from '../audit/audit.ts';
import { inWriteTransaction } from '../db/write-batch.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../lib/http.ts';
import { describe, errorBodySchema, errors, jsonBody, ok, params, query } from '../lib/openapi.ts';
import { requireProjectManager } from '../projects/project-access.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import { projectParamsSchema } from '../projects/projects.schemas.ts';
import { PRIMARY_VARIANT } from '../segments/segments.repository.ts';
import { listSegmentsQuerySchema, segmentParamSchema, versionConflictSchema } from '../segments/segments.schemas.ts';
import { assertCanReadVariant, requireSegmentVariant, transcriptionNoun } from '../tasks/variant-access.ts';
import { reviewAccessForProject } from './review-access.ts';
import { loadReviewSettings, saveReviewSettings } from './review.repository.ts';
import {
	createReviewSchema,
	metricsQuerySchema,
	recordingMetricsSchema,
	recordingReviewSchema,
	reviewCreatedSchema,
	reviewListSchema,
	reviewRecordingParamSchema,
	reviewSettingsEnvelopeSchema,
	reviewSettingsSchema
} from './review.schemas.ts';
import { loadRecordingReview, recordingMetrics, segmentReviews, submitReview } from './review.service.ts';

const doc = {
	settings: describe({
		tags: ['review'],
		summary: "The project's review stages, error categories and QA threshold (defaults until saved)",
		responses: { 200: ok(reviewSettingsEnvelopeSchema), ...errors({ 404: 'Project not found' }) }
	}),
	putSettings: describe({
		tags: ['review'],
		summary: 'Replace the review stages (1–3), error categories and QA threshold',
		description: 'Reviews keep the category keys and stage numbers they were made with.',
		responses: { 200: ok(reviewSettingsEnvelopeSchema) }
	}),
	recording: describe({
		tags: ['review'],
		summary: "A recording's segments with their reviews and accepted versions (the review view)",
		description: 'A variant k > 0 only for the transcriber its task is assigned to (their returned work) and for reviewers and managers.',
		responses: { 200: ok(recordingReviewSchema), ...errors({ 404: 'Recording not found, or a transcription (variant) you may not see' }) }
	}),
	create: describe({
		tags: ['review'],
		summary: 'Accept, correct or reject a segment at a review stage (stored beside it; the segment keeps its text)',
		description:
			"A correction names only the fields it changes, against what the reviewer saw (the accepted version of the earlier stages). The segment's last editor may not review it.",
		responses: {
			201: ok(reviewCreatedSchema, 'Recorded'),
			...errors({
				403: 'Not a reviewer of the project (`forbidden`), or your own work (`own_work`)',
				404: 'Segment not found',
				422: '`unknown_stage`, `unknown_category`, `no_correction`, `correction_not_allowed`, `invalid_times`, `unknown_speaker`, `unknown_tag` or `unknown_layer`'
			}),
			409: ok(
				z.union([versionConflictSchema, errorBodySchema]),
				'The segment changed since you loaded it (`version_conflict`, with `segment`), or the stage before has not let it through (`stage_not_ready`)'
			)
		}
	}),
	metrics: describe({
		tags: ['review'],
		summary: "CER/WER of the transcriber's version against the accepted version, and agreement on dialect tags and speakers",
		description:
			'Over the reviewed segments (unreviewed ones have no accepted version). Normalizations are flags (`nfkc=1&stripPunct=1`); `unit` is char (CER, default), mixed or word (WER). Double transcriptions (variants), when present, are compared too.',
		responses: { 200: ok(recordingMetricsSchema), ...errors({ 404: 'Recording not found', 422: 'No such text layer (`unknown_layer`)' }) }
	}),
	list: describe({
		tags: ['review'],
		summary: "A segment's reviews, newest first (also superseded ones and those of a deleted segment)",
		responses: { 200: ok(reviewListSchema), ...errors({ 404: 'Segment not found' }) }
	})
};

/** Review settings of a project; mounted under /api/projects/:projectId/review-settings. */
export function reviewSettingsRoutes({ db }: Deps) {
	return new Hono<AuthEnv>()
		.get('/', doc.settings, params(projectParamsSchema), requireProjectAccess(db, { from: 'project', param: 'projectId', need: 'read' }), async (c) => {
			const projectId = await findProjectId(db, c.req.valid('param').projectId);
			const access = projectId ? await reviewAccessForProject(db, c.var.user, projectId) : null;
			if (!access?.can.read) return notFound(c, 'Project');
			return c.json({ settings: await loadReviewSettings(db, access.projectId) }, 200);
		})
		.put('/', doc.putSettings, params(projectParamsSchema), requireProjectManager(db), jsonBody(reviewSettingsSchema), async (c) => {
			const projectId = c.var.projectId;
			const before = await loadReviewSettings(db, projectId);
			const after = c.req.valid('json');
			await inWriteTransaction(db, async (trx) => {
				await saveReviewSettings(trx, projectId, after);
				await audit(trx, {
					projectId,
					actorId: c.var.user.id,
					action: 'project.update',
					target: { type: 'project', id: projectId },
					details: { reviewSettings: changedFields({ ...before }, { ...after }).changes }
				});
			});
			return c.json({ settings: await loadReviewSettings(db, c.var.projectId) }, 200);
		});
}

/** The review view of a recording; mounted under /api/recordings/:recordingId/review. */
export function recordingReviewRoutes({ db }: Deps) {
	const reader = requireProjectAccess(db, { from: 'recording', param: 'recordingId', need: 'read' });
	return new Hono<AccessEnv>().get('/', doc.recording, params(reviewRecordingParamSchema), reader, query(listSegmentsQuerySchema), async (c) => {
		const { recordingId } = c.req.valid('param');
		const { variant = PRIMARY_VARIANT } = c.req.valid('query');
		await assertCanReadVariant(db, { access: c.var.access, userId: c.var.user.id, recordingId, variant, notFound: transcriptionNoun(variant) });
		const review = await loadRecordingReview(db, recordingId, c.var.user, variant);
		if (!review) return notFound(c, 'Recording');
		return c.json(review, 200);
	});
}

/**
 * Review metrics of a recording; mounted under /api/recordings/:recordingId/metrics. Reviewers
 * and managers only: the figures compare named transcribers (and double transcriptions), which a
 * crowd's transcribers do not see of each other; their own corrections they see in the review view.
 */
export function recordingMetricsRoutes({ db }: Deps) {
	const reviewer = requireProjectAccess(db, { from: 'recording', param: 'recordingId', need: 'review' });
	return new Hono<AuthEnv>().get('/', doc.metrics, params(reviewRecordingParamSchema), reviewer, query(metricsQuerySchema), async (c) => {
		const { layer, ...score } = c.req.valid('query');
		const result = await recordingMetrics(db, { recordingId: c.req.valid('param').recordingId, user: c.var.user, layer, score });
		if (!result.ok) return c.json(result.body, result.status as 404 | 422);
		return c.json(result.metrics, 200);
	});
}

/** Decisions on one segment; mounted under /api/segments beside the segment routes. */
export function segmentReviewRoutes({ db }: Deps) {
	const segment = (need: 'read' | 'review') => requireProjectAccess(db, { from: 'segment', param: 'id', need });
	return new Hono<AccessEnv>()
		.post('/:id/reviews', doc.create, params(segmentParamSchema), segment('review'), jsonBody(createReviewSchema), async (c) => {
			const result = await submitReview(db, { segmentId: c.req.valid('param').id, user: c.var.user, input: c.req.valid('json') });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ review: result.review, entry: result.entry }, 201);
		})
		.get('/:id/reviews', doc.list, params(segmentParamSchema), segment('read'), requireSegmentVariant(db, 'read'), async (c) => {
			const reviews = await segmentReviews(db, c.req.valid('param').id, c.var.user);
			if (!reviews) return notFound(c, 'Segment');
			return c.json({ reviews }, 200);
		});
}
