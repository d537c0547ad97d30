import type { Kysely } from 'kysely';

/**
 * Pre-aggregated dashboard figures, maintained on write (server/dashboard/dashboard-facts.ts) so
 * every dashboard query reads a few thousand rows instead of scanning 500,000 segments. Roll-up
 * rows per project and UTC day: for everyone and every tag (user and tag '*'), per person (tag
 * '*') and per dialect tag (user '*'); '' is nobody / no tag. Each write adds its change (created
 * +1, deleted −1, a segment retagged moves its hours), so sums over rows are current totals.
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
	// Each query reads one roll-up level ('*' = everyone / every tag): the project's days, the people, the tags.
	await db.schema.createIndex('dashboard_daily_user_index').on('dashboard_daily').columns(['project_id', 'user_id', 'dialect_tag_id', 'day']).execute();
	await db.schema.createIndex('dashboard_daily_tag_index').on('dashboard_daily').columns(['project_id', 'dialect_tag_id', 'user_id', 'day']).execute();

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
	await backfillSegments(db);
}

/**
 * Counts the segments already there, on the day each was created and for who created it (what
 * the write path would have counted). Reviews and working time before this migration are not
 * reconstructed. Read in pages, so a large install does not load every segment at once.
 */
async function backfillSegments(db: Kysely<any>) {
	const totals = new Map<string, { project_id: string; day: string; user_id: string; dialect_tag_id: string; segments: number; segmented_ms: number; transcribed: number; transcribed_ms: number }>();
	let after = '';
	for (;;) {
		const rows: { id: string; project_id: string; start_ms: number; end_ms: number; texts: string; dialect_tag_id: string | null; created_by: string | null; created_at: string }[] = await db
			.selectFrom('segment as s')
			.innerJoin('recording as r', 'r.id', 's.recording_id')
			.select(['s.id', 'r.project_id', 's.start_ms', 's.end_ms', 's.texts', 's.dialect_tag_id', 's.created_by', 's.created_at'])
			.where('s.id', '>', after)
			.orderBy('s.id')
			.limit(5000)
			.execute();
		for (const row of rows) {
			const key = [row.project_id, row.created_at.slice(0, 10), row.created_by ?? '', row.dialect_tag_id ?? ''];
			const id = key.join('|');
			const acc = totals.get(id) ?? { project_id: key[0], day: key[1], user_id: key[2], dialect_tag_id: key[3], segments: 0, segmented_ms: 0, transcribed: 0, transcribed_ms: 0 };
			const ms = Number(row.end_ms) - Number(row.start_ms);
			const transcribed = Object.values(JSON.parse(row.texts) as Record<string, unknown>).some((t) => typeof t === 'string' && t.trim() !== '');
			acc.segments += 1;
			acc.segmented_ms += ms;
			if (transcribed) {
				acc.transcribed += 1;
				acc.transcribed_ms += ms;
			}
			totals.set(id, acc);
		}
		if (rows.length < 5000) break;
		after = rows[rows.length - 1].id;
	}
	// The same three roll-ups the write path keeps (server/dashboard/dashboard-facts.ts rollupKeys).
	const rolled = new Map<string, typeof totals extends Map<string, infer V> ? V : never>();
	for (const row of totals.values()) {
		for (const [user_id, dialect_tag_id] of [['*', '*'], [row.user_id, '*'], ['*', row.dialect_tag_id]]) {
			const id = [row.project_id, row.day, user_id, dialect_tag_id].join('|');
			const acc = rolled.get(id) ?? { ...row, user_id, dialect_tag_id, segments: 0, segmented_ms: 0, transcribed: 0, transcribed_ms: 0 };
			acc.segments += row.segments;
			acc.segmented_ms += row.segmented_ms;
			acc.transcribed += row.transcribed;
			acc.transcribed_ms += row.transcribed_ms;
			rolled.set(id, acc);
		}
	}
	const values = [...rolled.values()];
	for (let i = 0; i < values.length; i += 500) await db.insertInto('dashboard_daily').values(values.slice(i, i + 500)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('activity_bucket').execute();
	await db.schema.dropTable('dashboard_category_daily').execute();
	await db.schema.dropTable('dashboard_daily').execute();
}
