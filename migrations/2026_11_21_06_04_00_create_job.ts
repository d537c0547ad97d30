import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('job')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('kind', 'text', (col) => col.notNull())
		.addColumn('payload', 'text', (col) => col.notNull())
		.addColumn('state', 'text', (col) =>
			col.notNull().check(sql`state in ('queued', 'running', 'done', 'failed')`)
		)
		.addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('error', 'text')
		.addColumn('locked_by', 'text')
		.addColumn('locked_at', 'text')
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.execute();
	await db.schema.createIndex('job_state_index').on('job').columns(['state', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('job').execute();
}
