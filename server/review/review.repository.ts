import type { Db } from '../db/connection.ts';
import type { SegmentReview } from '../db/schema.ts';
import { nowIso } from '../lib/ids.ts';
import { SEGMENT_COLUMNS } from '../segments/segments.repository.ts';
import { defaultReviewSettings, type ReviewSettings } from './review-settings.ts';

const REVIEW_COLUMNS = [
	'segment_review.id',
	'segment_review.segment_id',
	'segment_review.recording_id',
	'segment_review.task_id',
	'segment_review.stage',
	'segment_review.base_version',
	'segment_review.reviewer_id',
	'segment_review.decision',
	'segment_review.corrected',
	'segment_review.categories',
	'segment_review.comment',
	'segment_review.created_at'
] as const;

/** The project's review settings, or the defaults when it never saved any. */
export async function loadReviewSettings(db: Db, projectId: string): Promise<ReviewSettings> {
	const row = await db
		.selectFrom('review_settings')
		.select(['stages', 'categories', 'qa_threshold'])
		.where('project_id', '=', projectId)
		.executeTakeFirst();
	if (!row) return defaultReviewSettings();
	return { stages: JSON.parse(row.stages), categories: JSON.parse(row.categories), qaThreshold: Number(row.qa_threshold) };
}

export async function saveReviewSettings(db: Db, projectId: string, settings: ReviewSettings) {
	const values = {
		stages: JSON.stringify(settings.stages),
		categories: JSON.stringify(settings.categories),
		qa_threshold: settings.qaThreshold,
		updated_at: nowIso()
	};
	await db
		.insertInto('review_settings')
		.values({ project_id: projectId, ...values })
		.onConflict((oc) => oc.column('project_id').doUpdateSet(values))
		.execute();
}

export function insertReview(db: Db, row: SegmentReview) {
	return db.insertInto('segment_review').values(row).execute();
}

function reviewsWithNames(db: Db) {
	return db
		.selectFrom('segment_review')
		.leftJoin('user', 'user.id', 'segment_review.reviewer_id')
		.select(REVIEW_COLUMNS)
		.select('user.name as reviewer_name');
}

export type ReviewRow = Awaited<ReturnType<typeof listSegmentReviews>>[number];

/** A segment's reviews, newest first. */
export function listSegmentReviews(db: Db, segmentId: string) {
	return reviewsWithNames(db)
		.where('segment_review.segment_id', '=', segmentId)
		.orderBy('segment_review.created_at', 'desc')
		.orderBy('segment_review.id', 'desc')
		.execute();
}

/** Every review of a recording's segments, newest first. */
export function listRecordingReviews(db: Db, recordingId: string) {
	return reviewsWithNames(db)
		.where('segment_review.recording_id', '=', recordingId)
		.orderBy('segment_review.created_at', 'desc')
		.orderBy('segment_review.id', 'desc')
		.execute();
}

/** Reviews of the given segments (any recording), newest first; chunked to stay under bind limits. */
export async function listReviewsOfSegments(db: Db, segmentIds: string[]) {
	const rows: ReviewRow[] = [];
	for (let i = 0; i < segmentIds.length; i += 500) {
		const chunk = segmentIds.slice(i, i + 500);
		rows.push(
			...(await reviewsWithNames(db)
				.where('segment_review.segment_id', 'in', chunk)
				.orderBy('segment_review.created_at', 'desc')
				.orderBy('segment_review.id', 'desc')
				.execute())
		);
	}
	return rows;
}

/** Every variant's segments of a recording (double transcriptions), by variant then time. */
export function listAllVariants(db: Db, recordingId: string) {
	return db
		.selectFrom('segment')
		.select(SEGMENT_COLUMNS)
		.where('segment.recording_id', '=', recordingId)
		.orderBy('segment.variant')
		.orderBy('segment.start_ms')
		.orderBy('segment.id')
		.execute();
}
