import { sql, type Kysely } from 'kysely';

/**
 * Exports the users asked for (UI, API): what, how far, where the zip is. The work itself runs as a
 * `job` row (kind `export`) in the worker pool, so it survives restarts like every other job.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('export_job')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) => col.notNull().references('project.id').onDelete('cascade'))
		.addColumn('format', 'text', (col) => col.notNull())
		.addColumn('filter', 'text', (col) => col.notNull())
		.addColumn('options', 'text', (col) => col.notNull())
		.addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('queued', 'running', 'done', 'failed')`))
		.addColumn('progress', 'real', (col) => col.notNull().defaultTo(0))
		.addColumn('file_path', 'text')
		.addColumn('file_name', 'text')
		.addColumn('size', 'bigint')
		.addColumn('summary', 'text')
		.addColumn('error', 'text')
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.addColumn('finished_at', 'text')
		.execute();
	await db.schema.createIndex('export_job_project_index').on('export_job').columns(['project_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('export_job').execute();
}
