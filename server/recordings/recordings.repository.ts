import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { NewRecording, ProcessingState } from '../db/schema.ts';
import { nowIso } from '../lib/ids.ts';
import { PRIMARY_VARIANT } from '../segments/segments.repository.ts';

export const RECORDING_COLUMNS = [
	'r.id',
	'r.project_id',
	'r.name',
	'r.sha256',
	'r.original_ext',
	'r.original_size',
	'r.format_name',
	'r.codec',
	'r.duration_ms',
	'r.sample_rate',
	'r.channels',
	'r.speaker_id',
	'r.place',
	'r.metadata',
	'r.state',
	'r.error',
	'r.created_by',
	'r.created_at',
	'r.updated_at'
] as const;

/**
 * Per recording: segment count and the milliseconds covered by segments, counting overlaps once.
 * Each segment adds what it reaches beyond the furthest end of the segments before it (a running
 * max over a window, which SQLite ≥ 3.25 and PostgreSQL both have).
 */
function segmentStats(db: Db, scope: { recordingId: string } | { projectId: string }) {
	let segments = db
		.selectFrom('segment')
		.select([
			'segment.recording_id',
			'segment.start_ms',
			'segment.end_ms',
			sql<number | null>`max(segment.end_ms) over (partition by segment.recording_id order by segment.start_ms, segment.id rows between unbounded preceding and 1 preceding)`.as(
				'prev_end'
			)
		])
		.where('segment.variant', '=', PRIMARY_VARIANT);
	segments =
		'recordingId' in scope
			? segments.where('segment.recording_id', '=', scope.recordingId)
			: segments.where('segment.recording_id', 'in', (eb) =>
					eb.selectFrom('recording').select('recording.id').where('recording.project_id', '=', scope.projectId)
				);
	return db
		.selectFrom(segments.as('s'))
		.select([
			's.recording_id',
			sql<number>`count(*)`.as('segment_count'),
			sql<number>`sum(case
				when s.prev_end is null or s.prev_end <= s.start_ms then s.end_ms - s.start_ms
				when s.end_ms > s.prev_end then s.end_ms - s.prev_end
				else 0 end)`.as('segmented_ms')
		])
		.groupBy('s.recording_id');
}

function recordingsWithStats(db: Db, scope: { recordingId: string } | { projectId: string }) {
	return db
		.selectFrom('recording as r')
		.leftJoin(segmentStats(db, scope).as('st'), 'st.recording_id', 'r.id')
		.select(RECORDING_COLUMNS)
		.select([
			sql<number>`coalesce(st.segment_count, 0)`.as('segment_count'),
			sql<number>`coalesce(st.segmented_ms, 0)`.as('segmented_ms')
		]);
}

export type RecordingRow = NonNullable<Awaited<ReturnType<typeof findRecordingById>>>;

export function findRecordingById(db: Db, id: string) {
	return recordingsWithStats(db, { recordingId: id }).where('r.id', '=', id).executeTakeFirst();
}

/** A project's recordings in import order. */
export function listProjectRecordings(db: Db, projectId: string) {
	return recordingsWithStats(db, { projectId }).where('r.project_id', '=', projectId).orderBy('r.id').execute();
}

export function findRecordingIdBySha(db: Db, projectId: string, sha256: string) {
	return db
		.selectFrom('recording')
		.select('id')
		.where('project_id', '=', projectId)
		.where('sha256', '=', sha256)
		.executeTakeFirst()
		.then((row) => row?.id);
}

export async function speakerBelongsToProject(db: Db, projectId: string, speakerId: string) {
	const row = await db
		.selectFrom('speaker')
		.select('id')
		.where('id', '=', speakerId)
		.where('project_id', '=', projectId)
		.executeTakeFirst();
	return row !== undefined;
}

export async function insertRecording(db: Db, row: NewRecording) {
	await db.insertInto('recording').values(row).execute();
}

/** How many recordings (any project) keep their original at this content address. */
export async function countRecordingsUsingOriginal(db: Db, sha256: string, ext: string) {
	const row = await db
		.selectFrom('recording')
		.select(sql<number>`count(*)`.as('n'))
		.where('sha256', '=', sha256)
		.where('original_ext', '=', ext)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function setRecordingState(db: Db, id: string, state: ProcessingState, error: string | null = null) {
	const result = await db
		.updateTable('recording')
		.set({ state, error, updated_at: nowIso() })
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** Ingest finished: the duration becomes what was actually decoded. False when the row is gone. */
export async function markRecordingReady(db: Db, id: string, durationMs: number) {
	const result = await db
		.updateTable('recording')
		.set({ state: 'ready', error: null, duration_ms: durationMs, updated_at: nowIso() })
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function deleteRecordingRow(db: Db, id: string) {
	const result = await db.deleteFrom('recording').where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function renameRecording(db: Db, id: string, name: string) {
	const result = await db
		.updateTable('recording')
		.set({ name, updated_at: nowIso() })
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** Revisions kept for the recording's segments (deleted ones included). */
export async function countRecordingRevisions(db: Db, recordingId: string) {
	const row = await db
		.selectFrom('segment_revision')
		.select(sql<number>`count(*)`.as('n'))
		.where('recording_id', '=', recordingId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * The history of a recording's segments. Revisions outlive a deleted segment on purpose, but not
 * the recording: nothing could show or restore them.
 */
export async function deleteRecordingRevisions(db: Db, recordingId: string) {
	await db.deleteFrom('segment_revision').where('recording_id', '=', recordingId).execute();
}
