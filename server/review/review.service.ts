import { audit } from '../audit/audit.ts';
import { recordReviewDecision } from '../dashboard/dashboard-facts.ts';
import type { Db } from '../db/connection.ts';
import { inWriteTransaction } from '../db/write-batch.ts';
import { apiError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { toSegmentDto, type SegmentDto } from '../segments/segments.mapper.ts';
import type { ScoreOptions } from '../metrics/score.ts';
import { findRecordingForSegments, findSegment, listLayerKeys, listSegments, loadProjectRefs } from '../segments/segments.repository.ts';
import { checkTimes } from '../segments/segments.service.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { acceptedVersion, applyCorrection, type Correction, type ReviewableFields } from './accepted-version.ts';
import { reviewAccessForRecording } from './review-access.ts';
import { toReviewDto, toReviewEntry } from './review.mapper.ts';
import { insertReview, listAllVariants, listRecordingReviews, listSegmentReviews, loadReviewSettings } from './review.repository.ts';
import type { CreateReviewInput, RecordingMetricsDto, RecordingReviewDto, ReviewDto, SegmentReviewEntryDto } from './review.schemas.ts';
import { primaryLayerKey, projectCodes, reviewMetrics, variantMetrics } from './review-metrics.ts';
import { taskStageFor } from './task-review.ts';
import type { ReviewSettings } from './review-settings.ts';

export type ReviewFailure = { ok: false; status: 403 | 404 | 409 | 422; body: ApiErrorBody & { segment?: SegmentDto } };

const fail = (status: ReviewFailure['status'], code: string, message: string, details: Record<string, unknown> = {}): ReviewFailure => ({
	ok: false,
	status,
	body: apiError(code, message, details)
});

type User = Pick<UserDto, 'id' | 'role'>;

/** A recording's segments with their reviews and accepted versions, for the review view. */
export async function loadRecordingReview(db: Db, recordingId: string, user: User, variant?: number): Promise<RecordingReviewDto | null> {
	const access = await reviewAccessForRecording(db, user, recordingId);
	if (!access?.can.read) return null;
	const [settings, segments, rows] = await Promise.all([
		loadReviewSettings(db, access.projectId),
		listSegments(db, recordingId, variant),
		listRecordingReviews(db, recordingId)
	]);
	const bySegment = groupBySegment(rows.map(toReviewDto));
	const entries = segments.map((s) => toReviewEntry(toSegmentDto(s), bySegment.get(s.id) ?? []));
	const counts = { unreviewed: 0, accepted: 0, corrected: 0, rejected: 0 };
	for (const entry of entries) counts[entry.accepted.state]++;
	return { settings, canReview: access.can.review, segments: entries, counts };
}

export function groupBySegment(reviews: ReviewDto[]): Map<string, ReviewDto[]> {
	const map = new Map<string, ReviewDto[]>();
	for (const review of reviews) {
		const list = map.get(review.segmentId);
		if (list) list.push(review);
		else map.set(review.segmentId, [review]);
	}
	return map;
}

/** A segment's reviews, newest first; null when the segment is unknown (or deleted with no reviews). */
export async function segmentReviews(db: Db, segmentId: string, user: User): Promise<ReviewDto[] | null> {
	const rows = await listSegmentReviews(db, segmentId);
	const recordingId = (await findSegment(db, segmentId))?.recording_id ?? rows[0]?.recording_id;
	if (!recordingId) return null;
	const access = await reviewAccessForRecording(db, user, recordingId);
	return access?.can.read ? rows.map(toReviewDto) : null;
}

/**
 * The stage a decision is for: the one asked for, or else the first stage without a current
 * decision (the last stage once all are decided). Stage k > 1 needs stage k − 1 decided and not
 * rejected: a second check reviews what the first check let through.
 */
function stageFor(asked: number | undefined, settings: ReviewSettings, decided: Map<number, ReviewDto>): number | ReviewFailure {
	const count = settings.stages.length;
	let stage = asked;
	if (stage === undefined) {
		stage = count;
		for (let k = 1; k <= count; k++) {
			if (!decided.has(k)) {
				stage = k;
				break;
			}
		}
	}
	if (stage > count) return fail(422, 'unknown_stage', `This project has ${count} review stage${count === 1 ? '' : 's'}`, { stages: count });
	if (stage > 1) {
		const before = decided.get(stage - 1);
		if (!before || before.decision === 'reject') {
			return fail(409, 'stage_not_ready', `Stage ${stage - 1} has not let this segment through yet`, { stage });
		}
	}
	return stage;
}

/** The correction reduced to what differs from `seen`, NFC; null when nothing differs. */
function changedFields(seen: ReviewableFields, corrected: Correction): Correction | null {
	const out: Correction = {};
	if (corrected.startMs !== undefined && corrected.startMs !== seen.startMs) out.startMs = corrected.startMs;
	if (corrected.endMs !== undefined && corrected.endMs !== seen.endMs) out.endMs = corrected.endMs;
	if (corrected.speakerId !== undefined && corrected.speakerId !== seen.speakerId) out.speakerId = corrected.speakerId;
	if (corrected.dialectTagId !== undefined && corrected.dialectTagId !== seen.dialectTagId) out.dialectTagId = corrected.dialectTagId;
	const texts: Record<string, string> = {};
	for (const [key, value] of Object.entries(corrected.texts ?? {})) {
		const text = value.normalize('NFC');
		if (text !== (seen.texts[key] ?? '')) texts[key] = text;
	}
	if (Object.keys(texts).length > 0) out.texts = texts;
	return Object.keys(out).length > 0 ? out : null;
}

/**
 * Records a reviewer's decision on a segment, beside it: the segment row is not touched. Checked
 * in the transaction that writes it: the right to review, not one's own work, the version seen,
 * the stage, the categories, and that a correction's times and references hold.
 */
export async function submitReview(
	db: Db,
	options: { segmentId: string; user: User; input: CreateReviewInput }
): Promise<{ ok: true; review: ReviewDto; entry: SegmentReviewEntryDto } | ReviewFailure> {
	const { segmentId, user, input } = options;
	return inWriteTransaction(db, async (trx) => {
		const row = await findSegment(trx, segmentId);
		if (!row) return fail(404, 'not_found', 'Segment not found');
		const access = await reviewAccessForRecording(trx, user, row.recording_id);
		if (!access?.can.read) return fail(404, 'not_found', 'Segment not found');
		if (!access.can.review) return fail(403, 'forbidden', 'Only reviewers of this project may review');
		if (row.created_by === user.id || row.updated_by === user.id) {
			return fail(403, 'own_work', 'You transcribed this segment; someone else reviews it');
		}
		const segment = toSegmentDto(row);
		if (segment.version !== input.baseVersion) {
			return {
				ok: false,
				status: 409,
				body: {
					...apiError('version_conflict', `Segment ${segment.id} changed since you loaded it (now version ${segment.version})`),
					segment
				}
			};
		}
		let asked = input.stage;
		if (input.taskId) {
			// Inside a task the task decides the stage: the one it is in review at.
			const inTask = await taskStageFor(trx, { taskId: input.taskId, userId: user.id, segment: row });
			if (!inTask.ok) return inTask;
			if (asked !== undefined && asked !== inTask.stage) {
				return fail(422, 'wrong_stage', `The task is at review stage ${inTask.stage}`, { stage: inTask.stage });
			}
			asked = inTask.stage;
		}
		const settings = await loadReviewSettings(trx, access.projectId);
		const reviews = (await listSegmentReviews(trx, segmentId)).map(toReviewDto);
		const current = acceptedVersion(segment, reviews).reviews;
		const decided = new Map(current.map((r) => [r.stage, r as ReviewDto]));
		const stage = stageFor(asked, settings, decided);
		if (typeof stage !== 'number') return stage;

		const known = new Set(settings.categories.map((c) => c.key));
		const unknown = input.categories.filter((c) => !known.has(c));
		if (unknown.length > 0) {
			return fail(422, 'unknown_category', `This project has no error category ${unknown.join(', ')}`, { categories: unknown });
		}

		let corrected: Correction | null = null;
		if (input.decision === 'correct') {
			// What the reviewer saw: the accepted version of the stages before theirs.
			const seen = acceptedVersion(segment, current.filter((r) => r.stage < stage)).fields;
			corrected = input.corrected ? changedFields(seen, input.corrected) : null;
			if (!corrected) return fail(422, 'no_correction', 'A correction must change something; accept it instead');
			const bad = await checkCorrection(trx, { projectId: access.projectId, recordingId: row.recording_id, fields: applyCorrection(seen, corrected), corrected });
			if (bad) return bad;
		} else if (input.corrected) {
			return fail(422, 'correction_not_allowed', `A decision to ${input.decision} carries no correction`);
		}

		const id = newId();
		await insertReview(trx, {
			id,
			segment_id: segmentId,
			recording_id: row.recording_id,
			task_id: input.taskId ?? null,
			stage,
			base_version: segment.version,
			reviewer_id: user.id,
			decision: input.decision,
			corrected: corrected ? JSON.stringify(corrected) : null,
			categories: JSON.stringify([...new Set(input.categories)]),
			comment: input.comment,
			created_at: nowIso()
		});
		await audit(trx, {
			projectId: access.projectId,
			actorId: user.id,
			action: 'review.decision',
			target: { type: 'review', id },
			details: { segmentId, recordingId: row.recording_id, taskId: input.taskId ?? null, stage, decision: input.decision, categories: input.categories, corrected }
		});
		const layer = await primaryLayerKey(trx, access.projectId);
		const original = segment.texts[layer] ?? '';
		await recordReviewDecision(trx, {
			projectId: access.projectId,
			transcriberId: row.updated_by ?? row.created_by,
			tagId: row.dialect_tag_id,
			categories: input.categories,
			durationMs: row.end_ms - row.start_ms,
			decision: input.decision,
			original,
			reviewed: corrected?.texts?.[layer] ?? original,
			finalStage: stage === settings.stages.length
		});
		const all = (await listSegmentReviews(trx, segmentId)).map(toReviewDto);
		return { ok: true as const, review: all.find((r) => r.id === id)!, entry: toReviewEntry(segment, all) };
	});
}

async function checkCorrection(
	db: Db,
	options: { projectId: string; recordingId: string; fields: ReviewableFields; corrected: Correction }
): Promise<ReviewFailure | undefined> {
	const { fields, corrected } = options;
	if (corrected.startMs !== undefined || corrected.endMs !== undefined) {
		const recording = await findRecordingForSegments(db, options.recordingId);
		const bad = checkTimes(fields.startMs, fields.endMs, Number(recording?.duration_ms ?? 0));
		if (bad) return { ok: false, status: bad.status === 409 ? 409 : 422, body: bad.body };
	}
	const refs = await loadProjectRefs(db, options.projectId);
	if (corrected.speakerId && !refs.speakerIds.has(corrected.speakerId)) {
		return fail(422, 'unknown_speaker', 'No such speaker in this project', { speakerId: corrected.speakerId });
	}
	if (corrected.dialectTagId && !refs.tagIds.has(corrected.dialectTagId)) {
		return fail(422, 'unknown_tag', 'No such dialect tag in this project', { dialectTagId: corrected.dialectTagId });
	}
	const keys = Object.keys(corrected.texts ?? {}).filter((k) => !refs.layerKeys.has(k));
	if (keys.length > 0) return fail(422, 'unknown_layer', `This project has no text layer ${keys.join(', ')}`, { keys });
	return undefined;
}

/** CER/WER and tag/speaker agreement of a recording's reviewed segments (the review view's summary). */
export async function recordingMetrics(
	db: Db,
	options: { recordingId: string; user: User; layer?: string; score: ScoreOptions }
): Promise<{ ok: true; metrics: RecordingMetricsDto } | ReviewFailure> {
	const access = await reviewAccessForRecording(db, options.user, options.recordingId);
	if (!access?.can.read) return fail(404, 'not_found', 'Recording not found');
	const review = (await loadRecordingReview(db, options.recordingId, options.user))!;
	const layers = await listLayerKeys(db, access.projectId);
	const layerKey = options.layer ?? (await primaryLayerKey(db, access.projectId));
	if (!layers.includes(layerKey)) return fail(422, 'unknown_layer', `This project has no text layer ${layerKey}`, { keys: [layerKey] });
	const codes = await projectCodes(db, access.projectId);
	const variants = [...groupByVariant(await listAllVariants(db, options.recordingId)).values()];
	const metricOptions = { layerKey, score: options.score, ...codes };
	return { ok: true, metrics: { ...reviewMetrics(review.segments, metricOptions), variants: variantMetrics(variants, metricOptions) } };
}

/** Segments by variant, in variant order (variant 0, the primary, first). */
function groupByVariant(rows: Awaited<ReturnType<typeof listAllVariants>>): Map<number, SegmentDto[]> {
	const map = new Map<number, SegmentDto[]>();
	for (const row of rows) {
		const v = Number(row.variant);
		const list = map.get(v);
		if (list) list.push(toSegmentDto(row));
		else map.set(v, [toSegmentDto(row)]);
	}
	return new Map([...map].sort((a, b) => a[0] - b[0]));
}
