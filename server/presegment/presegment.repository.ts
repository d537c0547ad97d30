import type { Db } from '../db/connection.ts';
import { dbKindOf } from '../db/connection.ts';
import { PRIMARY_VARIANT } from '../segments/segments.repository.ts';

/** What pre-segmentation needs of a recording: where its audio is and how long it is. */
export function findRecordingAudio(db: Db, recordingId: string) {
	return db
		.selectFrom('recording')
		.select(['id', 'project_id', 'sha256', 'original_ext', 'duration_ms', 'state'])
		.where('id', '=', recordingId)
		.executeTakeFirst();
}

/**
 * Serialises writers that read a recording's segments before inserting (two "apply" clicks must
 * not both insert): PostgreSQL locks the recording row; SQLite transactions already begin
 * immediate, holding the database's write lock. Use inside a transaction; false when it is gone.
 */
export async function lockRecording(trx: Db, recordingId: string): Promise<boolean> {
	const query = trx.selectFrom('recording').select('id').where('id', '=', recordingId);
	const row = await (dbKindOf(trx) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
	return row !== undefined;
}

/** The spans of a recording's segments of one transcription (the primary unless told), in start order. */
export function listSegmentSpans(db: Db, recordingId: string, variant = PRIMARY_VARIANT) {
	return db
		.selectFrom('segment')
		.select(['start_ms', 'end_ms'])
		.where('recording_id', '=', recordingId)
		.where('variant', '=', variant)
		.orderBy('start_ms')
		.execute()
		.then((rows) => rows.map((r) => ({ startMs: Number(r.start_ms), endMs: Number(r.end_ms) })));
}
