import type { Kysely } from 'kysely';

/**
 * Pre-aggregated dashboard figures, maintained on write (server/dashboard/dashboard-facts.ts) so
 * every dashboard query reads a few thousand rows instead of scanning 500,000 segments. One row
 * per project, UTC day, person and dialect tag ('' when none): each write adds its change
 * (created +1, deleted −1, a segment retagged moves its hours), so sums over rows are current totals.
 */
export async function up(db: Kysely<any>): Promise<void> {
	const counters = [
		'segments',
		'segmented_ms',
		'transcribed',
		'transcribed_ms',
		'active_minutes',
		'reviewed',
		'reviewed_ms',
		'accepted',
		'accepted_ms',
		'corrected',
		'rejected',
		'ref_chars',
		'char_errors'
	];
	let table = db.schema
		.createTable('dashboard_daily')
		.addColumn('project_id', 'text', (col) => col.notNull())
		.addColumn('day', 'text', (col) => col.notNull())
		.addColumn('user_id', 'text', (col) => col.notNull())
		.addColumn('dialect_tag_id', 'text', (col) => col.notNull());
	for (const name of counters) table = table.addColumn(name, 'bigint', (col) => col.notNull().defaultTo(0));
	await table.addPrimaryKeyConstraint('dashboard_daily_pk', ['project_id', 'day', 'user_id', 'dialect_tag_id']).execute();

	await db.schema
		.createTable('dashboard_category_daily')
		.addColumn('project_id', 'text', (col) => col.notNull())
		.addColumn('day', 'text', (col) => col.notNull())
		.addColumn('user_id', 'text', (col) => col.notNull())
		.addColumn('category', 'text', (col) => col.notNull())
		.addColumn('count', 'bigint', (col) => col.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('dashboard_category_daily_pk', ['project_id', 'day', 'user_id', 'category'])
		.execute();

	// Working time: the 5-minute spans in which someone saved an edit (each counted once).
	await db.schema
		.createTable('activity_bucket')
		.addColumn('project_id', 'text', (col) => col.notNull())
		.addColumn('user_id', 'text', (col) => col.notNull())
		.addColumn('bucket', 'text', (col) => col.notNull())
		.addPrimaryKeyConstraint('activity_bucket_pk', ['project_id', 'user_id', 'bucket'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('activity_bucket').execute();
	await db.schema.dropTable('dashboard_category_daily').execute();
	await db.schema.dropTable('dashboard_daily').execute();
}
