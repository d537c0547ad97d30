import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('speaker')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) =>
			col.notNull().references('project.id').onDelete('cascade')
		)
		.addColumn('code', 'text', (col) => col.notNull())
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('gender', 'text')
		.addColumn('age_band', 'text')
		.addColumn('home_dialect', 'text')
		.addColumn('place', 'text')
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addUniqueConstraint('speaker_project_code_unique', ['project_id', 'code'])
		.execute();

	await db.schema
		.createTable('recording')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) =>
			col.notNull().references('project.id').onDelete('cascade')
		)
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('sha256', 'text', (col) => col.notNull())
		.addColumn('original_ext', 'text', (col) => col.notNull())
		.addColumn('original_size', 'bigint', (col) => col.notNull())
		.addColumn('format_name', 'text', (col) => col.notNull())
		.addColumn('codec', 'text', (col) => col.notNull())
		.addColumn('duration_ms', 'integer', (col) => col.notNull())
		.addColumn('sample_rate', 'integer', (col) => col.notNull())
		.addColumn('channels', 'integer', (col) => col.notNull())
		.addColumn('speaker_id', 'text', (col) => col.references('speaker.id').onDelete('set null'))
		.addColumn('place', 'text')
		.addColumn('metadata', 'text', (col) => col.notNull().defaultTo('{}'))
		.addColumn('state', 'text', (col) =>
			col.notNull().check(sql`state in ('queued', 'processing', 'ready', 'failed')`)
		)
		.addColumn('error', 'text')
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		// The same bytes imported twice into one project is a mistake worth refusing.
		.addUniqueConstraint('recording_project_sha256_unique', ['project_id', 'sha256'])
		.execute();
	await db.schema.createIndex('recording_sha256_index').on('recording').column('sha256').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('recording').execute();
	await db.schema.dropTable('speaker').execute();
}
