import { sql, type Kysely } from 'kysely';

/**
 * Work items of the queue and their history. A task is one window of a recording for one variant;
 * the variants of a window share `window_id`, so nobody gets two of them. `task_event` records
 * every transition (the audit view and the dashboards read it).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('task')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) => col.notNull().references('project.id').onDelete('cascade'))
		.addColumn('recording_id', 'text', (col) => col.notNull().references('recording.id').onDelete('cascade'))
		.addColumn('window_id', 'text', (col) => col.notNull())
		.addColumn('start_ms', 'integer', (col) => col.notNull())
		.addColumn('end_ms', 'integer', (col) => col.notNull())
		.addColumn('kind', 'text', (col) => col.notNull().defaultTo('transcribe').check(sql`kind in ('transcribe')`))
		.addColumn('state', 'text', (col) =>
			col
				.notNull()
				.defaultTo('new')
				.check(sql`state in ('new', 'in_progress', 'submitted', 'in_review', 'accepted', 'returned')`)
		)
		.addColumn('priority', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('variant', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('assignee_id', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('reviewer_id', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('lease_expires_at', 'text')
		.addColumn('review_round', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('review_stage', 'integer', (col) => col.notNull().defaultTo(1))
		.addColumn('is_gold', 'integer', (col) => col.notNull().defaultTo(0))
		.addColumn('gold_source_id', 'text', (col) => col.references('task.id').onDelete('set null'))
		.addColumn('gold_errors', 'integer')
		.addColumn('gold_ref_length', 'integer')
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.addColumn('claimed_at', 'text')
		.addColumn('submitted_at', 'text')
		.addColumn('accepted_at', 'text')
		.addCheckConstraint('task_times_check', sql`start_ms >= 0 and end_ms > start_ms`)
		.execute();
	// The queue's order (priority desc, then age) over the claimable rows of one project.
	await sql`create index task_queue_index on task (project_id, state, priority desc, created_at, id)`.execute(db);
	await db.schema.createIndex('task_assignee_index').on('task').columns(['assignee_id', 'state']).execute();
	await db.schema.createIndex('task_window_index').on('task').columns(['window_id', 'assignee_id']).execute();
	await db.schema.createIndex('task_recording_index').on('task').columns(['recording_id', 'start_ms']).execute();
	await db.schema.createIndex('task_gold_source_index').on('task').column('gold_source_id').execute();

	await db.schema
		.createTable('task_event')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('task_id', 'text', (col) => col.notNull().references('task.id').onDelete('cascade'))
		.addColumn('project_id', 'text', (col) => col.notNull())
		.addColumn('action', 'text', (col) => col.notNull())
		.addColumn('from_state', 'text', (col) => col.notNull())
		.addColumn('to_state', 'text', (col) => col.notNull())
		.addColumn('user_id', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('at', 'text', (col) => col.notNull())
		.addColumn('note', 'text', (col) => col.notNull().defaultTo(''))
		.execute();
	await db.schema.createIndex('task_event_task_index').on('task_event').columns(['task_id', 'at']).execute();
	await db.schema.createIndex('task_event_project_index').on('task_event').columns(['project_id', 'action', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('task_event').execute();
	await db.schema.dropTable('task').execute();
}
