import { sql, type Kysely } from 'kysely';

/**
 * The audit trail: one row per change, written in the change's own transaction. Append-only, and
 * the database says so: triggers refuse UPDATE and DELETE, so not even a bug can rewrite history.
 * No foreign keys on purpose: an entry outlives its project, actor or target.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text')
		.addColumn('actor_id', 'text')
		.addColumn('action', 'text', (col) => col.notNull())
		.addColumn('target_type', 'text', (col) => col.notNull())
		.addColumn('target_id', 'text')
		.addColumn('details', 'text', (col) => col.notNull().defaultTo('{}'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.execute();
	// Keyset paging runs newest first over (created_at, id), per project or instance-wide.
	await db.schema.createIndex('audit_log_project_time_index').on('audit_log').columns(['project_id', 'created_at', 'id']).execute();
	await db.schema.createIndex('audit_log_time_index').on('audit_log').columns(['created_at', 'id']).execute();
	await db.schema.createIndex('audit_log_actor_time_index').on('audit_log').columns(['actor_id', 'created_at']).execute();
	await db.schema.createIndex('audit_log_target_index').on('audit_log').columns(['target_type', 'target_id']).execute();
	// The union with segment_revision pages it by time too (per recording for a project's view).
	await db.schema.createIndex('segment_revision_time_index').on('segment_revision').columns(['created_at', 'id']).execute();
	await db.schema.createIndex('segment_revision_user_time_index').on('segment_revision').columns(['user_id', 'created_at']).execute();

	if (isPostgres(db)) {
		await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
			begin raise exception 'audit_log is append-only'; end $$`.execute(db);
		await sql`create trigger audit_log_no_update before update or delete on audit_log
			for each statement execute function audit_log_append_only()`.execute(db);
	} else {
		await sql`create trigger audit_log_no_update before update on audit_log
			begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
		await sql`create trigger audit_log_no_delete before delete on audit_log
			begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('segment_revision_user_time_index').execute();
	await db.schema.dropIndex('segment_revision_time_index').execute();
	await db.schema.dropTable('audit_log').execute();
	if (isPostgres(db)) await sql`drop function audit_log_append_only()`.execute(db);
}

function isPostgres(db: Kysely<any>) {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}
