import { randomBytes } from 'node:crypto';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { QaBatch } from '../db/schema.ts';
import { inWriteTransaction } from '../db/write-batch.ts';
import { apiError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { emptyCounts } from '../metrics/score.ts';
import { toSegmentDto } from '../segments/segments.mapper.ts';
import { canReadVariant } from '../tasks/variant-access.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { acceptedVersion } from './accepted-version.ts';
import { batchDecision, drawSample, sampleErrorRate, type StratumSummary } from './qa-sampling.ts';
import { moveTasksWithBatch } from '../tasks/tasks.service.ts';
import { decideBatch, findBatch, findSegments, insertBatch, listBatchItems, listScopeSegments, listWaitingTasks, recordingsOfProject } from './qa.repository.ts';
import { reviewAccessForProject } from './review-access.ts';
import { toReviewDto } from './review.mapper.ts';
import { listReviewsOfSegments, loadReviewSettings } from './review.repository.ts';
import { groupBySegment } from './review.service.ts';
import { primaryLayerKey } from './review-metrics.ts';
import type { QaBatchDetailDto } from './review.schemas.ts';

type User = Pick<UserDto, 'id' | 'role'>;
export type QaFailure = { ok: false; status: 403 | 404 | 409 | 422; body: ApiErrorBody };
const fail = (status: QaFailure['status'], code: string, message: string, details: Record<string, unknown> = {}): QaFailure => ({
	ok: false,
	status,
	body: apiError(code, message, details)
});

const NO_TAG = '-';

/** The stratum of a segment: who transcribed it (its last editor) and its dialect tag. */
function stratumOf(segment: { updated_by: string | null; created_by: string | null; dialect_tag_id: string | null }) {
	return `${segment.updated_by ?? segment.created_by ?? NO_TAG}|${segment.dialect_tag_id ?? NO_TAG}`;
}

function parseStratum(stratum: string) {
	const [transcriber, tag] = stratum.split('|');
	return { transcriberId: transcriber === NO_TAG ? null : transcriber, dialectTagId: tag === NO_TAG ? null : tag };
}

/** What a batch covers, as stored with it (batches drawn before tasks were covered have no taskIds). */
function scopeOf(row: QaBatch) {
	return JSON.parse(row.scope) as { recordingIds: string[]; taskIds?: string[]; strata: StratumSummary[] };
}

export function toQaBatchDto(row: QaBatch, sampled: number) {
	return {
		id: row.id,
		projectId: row.project_id,
		stage: Number(row.stage),
		percent: Number(row.percent),
		seed: row.seed,
		threshold: Number(row.threshold),
		recordingIds: scopeOf(row).recordingIds,
		population: Number(row.population),
		sampled,
		taskIds: scopeOf(row).taskIds ?? [],
		state: row.state,
		errorRate: row.error_rate === null ? null : Number(row.error_rate),
		createdBy: row.created_by,
		createdAt: row.created_at,
		decidedBy: row.decided_by,
		decidedAt: row.decided_at
	};
}

/** Draws and stores a QA sample of the given recordings' segments. */
export async function createQaBatch(
	db: Db,
	options: { projectId: string; user: User; input: { recordingIds: string[]; percent: number; seed?: string; stage: number } }
): Promise<{ ok: true; detail: QaBatchDetailDto } | QaFailure> {
	const { projectId, user, input } = options;
	const access = await reviewAccessForProject(db, user, projectId);
	if (!access?.can.read) return fail(404, 'not_found', 'Project not found');
	if (!access.can.review) return fail(403, 'forbidden', 'Only reviewers of this project may draw QA samples');
	const settings = await loadReviewSettings(db, projectId);
	if (input.stage > settings.stages.length) {
		return fail(422, 'unknown_stage', `This project has ${settings.stages.length} review stage(s)`, { stages: settings.stages.length });
	}
	const ids = [...new Set(input.recordingIds)];
	const known = await recordingsOfProject(db, projectId, ids);
	const missing = ids.filter((id) => !known.has(id));
	if (missing.length > 0) return fail(404, 'not_found', `Recording not found: ${missing.join(', ')}`, { recordingIds: missing });
	const segments = await listScopeSegments(db, projectId, ids);
	if (segments.length === 0) return fail(422, 'empty_batch', 'These recordings have no segments to sample');
	const seed = input.seed ?? randomBytes(6).toString('hex');
	// The submitted tasks of these recordings waiting for this stage: the batch's decision moves them.
	const taskIds = await listWaitingTasks(db, projectId, ids, input.stage);
	const sample = drawSample(
		segments.map((s) => ({ segmentId: s.id, recordingId: s.recording_id, stratum: stratumOf(s) })),
		{ percent: input.percent, seed }
	);
	const id = newId();
	await inWriteTransaction(db, async (trx) => {
		await insertBatch(
			trx,
			{
				id,
				project_id: projectId,
				stage: input.stage,
				percent: input.percent,
				seed,
				threshold: settings.qaThreshold,
				scope: JSON.stringify({ recordingIds: ids, taskIds, strata: sample.strata }),
				population: segments.length,
				state: 'open',
				error_rate: null,
				created_by: user.id,
				created_at: nowIso(),
				decided_by: null,
				decided_at: null
			},
			sample.items
		);
		await audit(trx, {
			projectId,
			actorId: user.id,
			action: 'review.batch',
			target: { type: 'review', id },
			details: { event: 'draw', stage: input.stage, percent: input.percent, seed, recordingIds: ids, tasks: taskIds.length, population: segments.length, sampled: sample.items.length }
		});
	});
	return { ok: true, detail: (await loadQaBatch(db, id, user))! };
}

/** The batch with its sample, each item's state at the batch's stage, and the score so far. */
export async function loadQaBatch(db: Db, batchId: string, user: User): Promise<QaBatchDetailDto | null> {
	const batch = await findBatch(db, batchId);
	if (!batch) return null;
	const access = await reviewAccessForProject(db, user, batch.project_id);
	if (!access?.can.read) return null;
	const scored = await scoreBatch(db, batch);
	// A double transcription's segment is listed only to those who may see its variant (server/tasks/variant-access.ts).
	const readable = new Map<string, Promise<boolean>>();
	const visible = await Promise.all(
		scored.items.map((item) => {
			const variant = item.variant ?? 0;
			if (variant === 0) return true;
			const key = `${item.recordingId}:${variant}`;
			if (!readable.has(key)) readable.set(key, canReadVariant(db, access, user.id, item.recordingId, variant));
			return readable.get(key)!;
		})
	);
	return {
		batch: toQaBatchDto(batch, scored.items.length),
		strata: strataOf(batch),
		items: scored.items.filter((_, i) => visible[i]).map(({ segmentId, recordingId, position, state }) => ({ segmentId, recordingId, position, state })),
		progress: { decided: scored.decided.length, sampled: scored.items.length },
		sampleScore: scored.score
	};
}

/** The strata as drawn (stored with the batch's scope). */
function strataOf(batch: QaBatch) {
	return scopeOf(batch).strata.map(({ stratum, population, sampled }) => ({ ...parseStratum(stratum), population, sampled }));
}

async function scoreBatch(db: Db, batch: QaBatch) {
	const rows = await listBatchItems(db, batch.id);
	const stage = Number(batch.stage);
	const segments = new Map((await findSegments(db, rows.map((r) => r.segment_id))).map((s) => [s.id, toSegmentDto(s)]));
	const reviews = groupBySegment((await listReviewsOfSegments(db, rows.map((r) => r.segment_id))).map(toReviewDto));
	const layerKey = await primaryLayerKey(db, batch.project_id);
	const items = rows.map((row) => {
		const segment = segments.get(row.segment_id);
		// A segment deleted since the sample was drawn counts as decided with nothing left to score.
		if (!segment) return { segmentId: row.segment_id, recordingId: row.recording_id, stratum: row.stratum, position: Number(row.position), variant: null, state: 'rejected' as const, score: null };
		const upToStage = (reviews.get(row.segment_id) ?? []).filter((r) => r.stage <= stage);
		const accepted = acceptedVersion(segment, upToStage);
		const decided = accepted.reviews.some((r) => r.stage === stage);
		return {
			segmentId: row.segment_id,
			recordingId: row.recording_id,
			stratum: row.stratum,
			position: Number(row.position),
			variant: segment.variant,
			state: decided ? accepted.state : ('unreviewed' as const),
			score: decided
				? { original: segment.texts[layerKey] ?? '', accepted: accepted.fields.texts[layerKey] ?? '', rejected: accepted.state === 'rejected' }
				: null
		};
	});
	const decided = items.filter((i) => i.state !== 'unreviewed');
	const inputs = decided.flatMap((i) => (i.score ? [i.score] : []));
	return { items, decided, score: inputs.length > 0 ? sampleErrorRate(inputs) : emptyCounts() };
}

/**
 * Accepts or returns the whole batch from its sample's error rate against the threshold stored
 * with it. Every sampled segment needs a decision at the batch's stage first.
 */
export async function decideQaBatch(db: Db, batchId: string, user: User): Promise<{ ok: true; detail: QaBatchDetailDto } | QaFailure> {
	const batch = await findBatch(db, batchId);
	if (!batch) return fail(404, 'not_found', 'QA batch not found');
	const access = await reviewAccessForProject(db, user, batch.project_id);
	if (!access?.can.read) return fail(404, 'not_found', 'QA batch not found');
	if (!access.can.review) return fail(403, 'forbidden', 'Only reviewers of this project may decide QA batches');
	if (batch.state !== 'open') return fail(409, 'already_decided', `This batch was already ${batch.state}`, { state: batch.state });
	const scored = await scoreBatch(db, batch);
	const left = scored.items.length - scored.decided.length;
	if (left > 0) return fail(409, 'sample_incomplete', `${left} sampled segment(s) still need a decision`, { remaining: left });
	const errorRate = scored.score.errorRate;
	const state = batchDecision(errorRate, Number(batch.threshold));
	const stages = (await loadReviewSettings(db, batch.project_id)).stages.length;
	const threshold = Number(batch.threshold);
	const percent = (x: number | null) => `${((x ?? 0) * 100).toFixed(1)} %`;
	const note =
		state === 'returned'
			? `Returned with its QA batch: the sample's error rate ${percent(errorRate)} is above the threshold of ${percent(threshold)}; see the reviewed segments`
			: `Accepted with its QA batch: the sample's error rate ${percent(errorRate)} is within the threshold of ${percent(threshold)}`;
	const decided = await inWriteTransaction(db, async (trx) => {
		if (!(await decideBatch(trx, batch.id, { state, errorRate, userId: user.id, at: nowIso() }))) return false;
		const tasks = await moveTasksWithBatch(trx, { taskIds: scopeOf(batch).taskIds ?? [], stage: Number(batch.stage), stages, outcome: state, actorId: user.id, note });
		await audit(trx, {
			projectId: batch.project_id,
			actorId: user.id,
			action: 'review.batch',
			target: { type: 'review', id: batch.id },
			details: { event: 'decide', state, errorRate, threshold, sampled: scored.items.length, tasksMoved: tasks.moved, tasksSkipped: tasks.skipped }
		});
		return true;
	});
	if (!decided) return fail(409, 'already_decided', 'This batch was decided meanwhile');
	return { ok: true, detail: (await loadQaBatch(db, batch.id, user))! };
}
