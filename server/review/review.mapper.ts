import type { SegmentDto } from '../segments/segments.mapper.ts';
import { acceptedVersion, type Correction } from './accepted-version.ts';
import type { ReviewRow } from './review.repository.ts';
import type { ReviewDto, SegmentReviewEntryDto } from './review.schemas.ts';

export function toReviewDto(row: ReviewRow): ReviewDto {
	return {
		id: row.id,
		segmentId: row.segment_id,
		recordingId: row.recording_id,
		taskId: row.task_id,
		stage: Number(row.stage),
		baseVersion: Number(row.base_version),
		reviewerId: row.reviewer_id,
		reviewerName: row.reviewer_name,
		decision: row.decision,
		corrected: row.corrected ? (JSON.parse(row.corrected) as Correction) : null,
		categories: JSON.parse(row.categories) as string[],
		comment: row.comment,
		createdAt: row.created_at
	};
}

/** A segment with its reviews (newest first) and its accepted version. */
export function toReviewEntry(segment: SegmentDto, reviews: ReviewDto[]): SegmentReviewEntryDto {
	const accepted = acceptedVersion(segment, reviews);
	return {
		segment,
		accepted: {
			fields: accepted.fields,
			state: accepted.state,
			stage: accepted.stage,
			currentReviewIds: accepted.reviews.map((r) => r.id)
		},
		reviews
	};
}
