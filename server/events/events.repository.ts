import type { Db } from '../db/connection.ts';
import type { NewRecordingEvent } from '../db/schema.ts';

const EVENT_COLUMNS = [
	'recording_event.id',
	'recording_event.recording_id',
	'recording_event.time_ms',
	'recording_event.end_ms',
	'recording_event.tier',
	'recording_event.label',
	'recording_event.speaker_id',
	'recording_event.source',
	'recording_event.created_by',
	'recording_event.created_at'
] as const;

/** A recording's events (points and spans that are not segments) in time order, then tier and id. */
export function listRecordingEvents(db: Db, recordingId: string) {
	return db
		.selectFrom('recording_event')
		.select(EVENT_COLUMNS)
		.where('recording_event.recording_id', '=', recordingId)
		.orderBy('recording_event.time_ms')
		.orderBy('recording_event.tier')
		.orderBy('recording_event.id')
		.execute();
}

export type RecordingEventRow = Awaited<ReturnType<typeof listRecordingEvents>>[number];

/** Inserts events in chunks (a TextGrid may hold thousands of points). */
export async function insertRecordingEvents(db: Db, rows: NewRecordingEvent[]): Promise<void> {
	for (let i = 0; i < rows.length; i += 500) {
		await db.insertInto('recording_event').values(rows.slice(i, i + 500)).execute();
	}
}

/** Removes every event of a recording; the number removed. */
export async function deleteRecordingEvents(db: Db, recordingId: string): Promise<number> {
	const result = await db.deleteFrom('recording_event').where('recording_id', '=', recordingId).executeTakeFirst();
	return Number(result.numDeletedRows);
}
