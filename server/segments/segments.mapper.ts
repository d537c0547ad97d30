import type { RevisionAction, Segment } from '../db/schema.ts';
import type { RevisionDto, SegmentDto } from './segments.schemas.ts';

export type { RevisionDto, SegmentDto };

export function toSegmentDto(row: Segment): SegmentDto {
	return {
		id: row.id,
		recordingId: row.recording_id,
		startMs: Number(row.start_ms),
		endMs: Number(row.end_ms),
		speakerId: row.speaker_id,
		dialectTagId: row.dialect_tag_id,
		texts: parseTexts(row.texts),
		status: row.status,
		version: Number(row.version),
		origin: row.origin,
		variant: Number(row.variant),
		createdBy: row.created_by,
		createdAt: row.created_at,
		updatedBy: row.updated_by,
		updatedAt: row.updated_at
	};
}

export function toRevisionDto(row: {
	id: string;
	segment_id: string;
	version: number;
	action: RevisionAction;
	before: string | null;
	after: string | null;
	user_id: string | null;
	user_name: string | null;
	created_at: string;
}): RevisionDto {
	return {
		id: row.id,
		segmentId: row.segment_id,
		version: Number(row.version),
		action: row.action,
		before: row.before ? parseSnapshot(row.before) : null,
		after: row.after ? parseSnapshot(row.after) : null,
		userId: row.user_id,
		userName: row.user_name,
		createdAt: row.created_at
	};
}

/**
 * A revision snapshot; those written before segments had an origin were all made by hand, and
 * those written before variants were all of the primary transcription.
 */
export function parseSnapshot(json: string): SegmentDto {
	const snapshot = JSON.parse(json) as Omit<SegmentDto, 'origin' | 'variant'> & Partial<Pick<SegmentDto, 'origin' | 'variant'>>;
	return { ...snapshot, origin: snapshot.origin ?? 'manual', variant: snapshot.variant ?? 0 };
}

export function parseTexts(json: string): Record<string, string> {
	const value: unknown = JSON.parse(json || '{}');
	return value && typeof value === 'object' ? (value as Record<string, string>) : {};
}
