import { sql, type Kysely } from 'kysely';

/**
 * QA sampling: a batch of work (recordings, later tasks) of which a seeded, stratified sample is
 * reviewed; the batch is accepted or returned from the sample's error rate against the threshold.
 * The sampled segments are stored, so the sample stays what it was even if the work changes.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('qa_batch')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) => col.notNull().references('project.id').onDelete('cascade'))
		.addColumn('stage', 'integer', (col) => col.notNull())
		.addColumn('percent', 'double precision', (col) => col.notNull())
		.addColumn('seed', 'text', (col) => col.notNull())
		.addColumn('threshold', 'double precision', (col) => col.notNull())
		.addColumn('scope', 'text', (col) => col.notNull())
		.addColumn('population', 'integer', (col) => col.notNull())
		.addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('open', 'accepted', 'returned')`))
		.addColumn('error_rate', 'double precision')
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('decided_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('decided_at', 'text')
		.execute();
	await db.schema.createIndex('qa_batch_project_index').on('qa_batch').columns(['project_id', 'created_at']).execute();
	await db.schema
		.createTable('qa_batch_item')
		.addColumn('batch_id', 'text', (col) => col.notNull().references('qa_batch.id').onDelete('cascade'))
		.addColumn('segment_id', 'text', (col) => col.notNull())
		.addColumn('recording_id', 'text', (col) => col.notNull())
		.addColumn('stratum', 'text', (col) => col.notNull())
		.addColumn('position', 'integer', (col) => col.notNull())
		.addPrimaryKeyConstraint('qa_batch_item_pk', ['batch_id', 'segment_id'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('qa_batch_item').execute();
	await db.schema.dropTable('qa_batch').execute();
}
