/**
 * The "accepted version" of a segment, decided in one place for the review view, the metrics and
 * the exports: the transcriber's original with each review stage's correction applied in stage
 * order, or the original when nobody corrected it. Pure, so the browser can run it too.
 *
 * Which reviews count: only those made on the segment's current version (`baseVersion`): a
 * transcriber's later edit (returned work, fixed) supersedes them, and the segment waits for a new
 * decision. Per stage the latest such review counts (a reviewer may change their mind).
 */
import type { ReviewDecision } from '../db/schema.ts';
import { scoreTexts, type ErrorCounts } from '../metrics/score.ts';
import type { ScoreOptions } from '../metrics/score.ts';

/** The fields a review may correct (the segment DTO's names). */
export interface ReviewableFields {
	startMs: number;
	endMs: number;
	speakerId: string | null;
	dialectTagId: string | null;
	texts: Record<string, string>;
}

/** What a `correct` decision stores: only the fields changed; `texts` only the layers changed. */
export type Correction = Partial<Omit<ReviewableFields, 'texts'>> & { texts?: Record<string, string> };

export interface ReviewLike {
	id: string;
	stage: number;
	baseVersion: number;
	reviewerId: string | null;
	decision: ReviewDecision;
	corrected: Correction | null;
	categories: string[];
	comment: string;
	createdAt: string;
}

export type ReviewState = 'unreviewed' | 'accepted' | 'corrected' | 'rejected';

export interface AcceptedVersion {
	fields: ReviewableFields;
	/**
	 * `rejected` when the last decided stage rejected it; `corrected` when some stage's correction
	 * changed it; `accepted` when decided and unchanged; `unreviewed` without a current review.
	 */
	state: ReviewState;
	/** The highest stage with a current decision (0: none). */
	stage: number;
	/** The current review of each decided stage, in stage order. */
	reviews: ReviewLike[];
}

/** Applies a correction (texts merged per layer; an empty text clears the layer). */
export function applyCorrection(fields: ReviewableFields, correction: Correction | null): ReviewableFields {
	if (!correction) return fields;
	const texts = { ...fields.texts };
	for (const [key, value] of Object.entries(correction.texts ?? {})) {
		if (value === '') delete texts[key];
		else texts[key] = value;
	}
	return {
		startMs: correction.startMs ?? fields.startMs,
		endMs: correction.endMs ?? fields.endMs,
		speakerId: correction.speakerId !== undefined ? correction.speakerId : fields.speakerId,
		dialectTagId: correction.dialectTagId !== undefined ? correction.dialectTagId : fields.dialectTagId,
		texts
	};
}

function sameFields(a: ReviewableFields, b: ReviewableFields): boolean {
	const keys = new Set([...Object.keys(a.texts), ...Object.keys(b.texts)]);
	for (const key of keys) if ((a.texts[key] ?? '') !== (b.texts[key] ?? '')) return false;
	return a.startMs === b.startMs && a.endMs === b.endMs && a.speakerId === b.speakerId && a.dialectTagId === b.dialectTagId;
}

/** The current review per stage (latest on the segment's version), in stage order. */
export function currentReviews(version: number, reviews: readonly ReviewLike[]): ReviewLike[] {
	const byStage = new Map<number, ReviewLike>();
	for (const review of reviews) {
		if (review.baseVersion !== version) continue;
		const held = byStage.get(review.stage);
		if (!held || review.createdAt > held.createdAt || (review.createdAt === held.createdAt && review.id > held.id)) {
			byStage.set(review.stage, review);
		}
	}
	return [...byStage.values()].sort((a, b) => a.stage - b.stage);
}

/**
 * The accepted version of `segment` given all its reviews (any order, any version).
 *
 * @example
 * acceptedVersion(segment, []).state // 'unreviewed', fields = the original
 */
export function acceptedVersion(
	segment: ReviewableFields & { version: number },
	reviews: readonly ReviewLike[]
): AcceptedVersion {
	const original: ReviewableFields = {
		startMs: segment.startMs,
		endMs: segment.endMs,
		speakerId: segment.speakerId,
		dialectTagId: segment.dialectTagId,
		texts: segment.texts
	};
	const current = currentReviews(segment.version, reviews);
	let fields = original;
	for (const review of current) if (review.decision === 'correct') fields = applyCorrection(fields, review.corrected);
	const last = current[current.length - 1];
	const state: ReviewState = !last
		? 'unreviewed'
		: last.decision === 'reject'
			? 'rejected'
			: sameFields(original, fields)
				? 'accepted'
				: 'corrected';
	return { fields, state, stage: last?.stage ?? 0, reviews: current };
}

/** The per-segment review columns of an export (ASR manifests, tables). */
export interface ReviewExportFields {
	reviewState: ReviewState;
	/** Stage of the last decision (0: none). */
	reviewStage: number;
	/** Who made the last decision. */
	reviewerId: string | null;
	/** CER of the transcriber's text (hyp) against the accepted text (ref) on `layerKey`; null when the accepted text is empty. */
	cer: number | null;
	/** The accepted version's fields: what an export of reviewed data writes. */
	accepted: ReviewableFields;
}

/**
 * What an export writes per segment about its review, through acceptedVersion.
 *
 * @example
 * reviewExportFields(segment, reviews, { layerKey: 'transcript' }).cer
 */
export function reviewExportFields(
	segment: ReviewableFields & { version: number },
	reviews: readonly ReviewLike[],
	options: { layerKey: string; score?: ScoreOptions }
): ReviewExportFields {
	const accepted = acceptedVersion(segment, reviews);
	const last = accepted.reviews[accepted.reviews.length - 1];
	return {
		reviewState: accepted.state,
		reviewStage: accepted.stage,
		reviewerId: last?.reviewerId ?? null,
		cer: transcriberScore(segment, accepted.fields, options).errorRate,
		accepted: accepted.fields
	};
}

/** Error counts of the transcriber's text against the accepted text on one layer (char unit unless told). */
export function transcriberScore(
	original: Pick<ReviewableFields, 'texts'>,
	accepted: Pick<ReviewableFields, 'texts'>,
	options: { layerKey: string; score?: ScoreOptions }
): ErrorCounts {
	return scoreTexts(accepted.texts[options.layerKey] ?? '', original.texts[options.layerKey] ?? '', options.score ?? {});
}
