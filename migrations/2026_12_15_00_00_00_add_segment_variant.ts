import type { Kysely } from 'kysely';

/**
 * Double transcription: each transcription of a window is a variant of the recording's segments.
 * Variant 0 is the primary one the editor, exports and imports work on; variant k > 0 holds another
 * transcriber's version (agreement metrics) or a gold copy (scored against the gold task).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('segment')
		.addColumn('variant', 'integer', (col) => col.notNull().defaultTo(0))
		.execute();
	await db.schema
		.createIndex('segment_recording_variant_start_index')
		.on('segment')
		.columns(['recording_id', 'variant', 'start_ms'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('segment_recording_variant_start_index').execute();
	await db.schema.alterTable('segment').dropColumn('variant').execute();
}
