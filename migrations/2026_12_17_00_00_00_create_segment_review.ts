import { sql, type Kysely } from 'kysely';

/**
 * Review: a reviewer's decision on a segment is stored beside the transcriber's original, never
 * over it. `corrected` holds only the fields the reviewer changed (JSON), `base_version` the
 * segment version the reviewer saw (a later edit of the segment supersedes the review). A project
 * without a review_settings row uses the defaults (one stage, the default error categories).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('review_settings')
		.addColumn('project_id', 'text', (col) => col.primaryKey().references('project.id').onDelete('cascade'))
		.addColumn('stages', 'text', (col) => col.notNull())
		.addColumn('categories', 'text', (col) => col.notNull())
		.addColumn('qa_threshold', 'double precision', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.execute();

	// No foreign key to segment: like segment_revision, the review outlives a deleted segment.
	await db.schema
		.createTable('segment_review')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('segment_id', 'text', (col) => col.notNull())
		.addColumn('recording_id', 'text', (col) => col.notNull().references('recording.id').onDelete('cascade'))
		.addColumn('task_id', 'text')
		.addColumn('stage', 'integer', (col) => col.notNull())
		.addColumn('base_version', 'integer', (col) => col.notNull())
		.addColumn('reviewer_id', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('decision', 'text', (col) => col.notNull().check(sql`decision in ('accept', 'correct', 'reject')`))
		.addColumn('corrected', 'text')
		.addColumn('categories', 'text', (col) => col.notNull().defaultTo('[]'))
		.addColumn('comment', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addCheckConstraint('segment_review_stage_check', sql`stage between 1 and 3`)
		.execute();
	await db.schema.createIndex('segment_review_segment_index').on('segment_review').columns(['segment_id', 'stage']).execute();
	await db.schema.createIndex('segment_review_recording_index').on('segment_review').column('recording_id').execute();
	await db.schema.createIndex('segment_review_task_index').on('segment_review').column('task_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('segment_review').execute();
	await db.schema.dropTable('review_settings').execute();
}
