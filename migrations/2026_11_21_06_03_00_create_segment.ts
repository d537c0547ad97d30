import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('segment')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('recording_id', 'text', (col) =>
			col.notNull().references('recording.id').onDelete('cascade')
		)
		.addColumn('start_ms', 'integer', (col) => col.notNull())
		.addColumn('end_ms', 'integer', (col) => col.notNull())
		.addColumn('speaker_id', 'text', (col) => col.references('speaker.id').onDelete('set null'))
		.addColumn('dialect_tag_id', 'text', (col) =>
			col.references('dialect_tag.id').onDelete('set null')
		)
		.addColumn('texts', 'text', (col) => col.notNull().defaultTo('{}'))
		.addColumn('status', 'text', (col) => col.notNull().defaultTo('new'))
		.addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.addCheckConstraint('segment_times_check', sql`start_ms >= 0 and end_ms > start_ms`)
		.execute();
	await db.schema
		.createIndex('segment_recording_start_index')
		.on('segment')
		.columns(['recording_id', 'start_ms'])
		.execute();

	// No foreign key to segment: history outlives a deleted segment.
	await db.schema
		.createTable('segment_revision')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('segment_id', 'text', (col) => col.notNull())
		.addColumn('recording_id', 'text', (col) => col.notNull())
		.addColumn('version', 'integer', (col) => col.notNull())
		.addColumn('action', 'text', (col) =>
			col.notNull().check(sql`action in ('create', 'update', 'delete', 'restore')`)
		)
		.addColumn('before', 'text')
		.addColumn('after', 'text')
		.addColumn('user_id', 'text')
		.addColumn('created_at', 'text', (col) => col.notNull())
		.execute();
	await db.schema
		.createIndex('segment_revision_segment_index')
		.on('segment_revision')
		.columns(['segment_id', 'version'])
		.execute();
	await db.schema
		.createIndex('segment_revision_recording_index')
		.on('segment_revision')
		.column('recording_id')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('segment_revision').execute();
	await db.schema.dropTable('segment').execute();
}
