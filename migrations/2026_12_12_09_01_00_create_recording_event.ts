import { sql, type Kysely } from 'kysely';

/**
 * Points and spans of a recording that are not segments: TextGrid point tiers, Transcriber events
 * (noise, breath, a language change). Kept from imports so exports can write them back.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('recording_event')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('recording_id', 'text', (col) => col.notNull().references('recording.id').onDelete('cascade'))
		.addColumn('time_ms', 'integer', (col) => col.notNull())
		.addColumn('end_ms', 'integer')
		.addColumn('tier', 'text', (col) => col.notNull())
		.addColumn('label', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('speaker_id', 'text', (col) => col.references('speaker.id').onDelete('set null'))
		.addColumn('source', 'text', (col) => col.notNull())
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addCheckConstraint('recording_event_times_check', sql`time_ms >= 0 and (end_ms is null or end_ms > time_ms)`)
		.execute();
	await db.schema
		.createIndex('recording_event_recording_time_index')
		.on('recording_event')
		.columns(['recording_id', 'time_ms'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('recording_event').execute();
}
