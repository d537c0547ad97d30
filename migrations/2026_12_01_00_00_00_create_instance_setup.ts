import { sql, type Kysely } from 'kysely';

/**
 * One row, id 1, once the first account exists. First-run setup inserts it in the transaction that
 * creates the admin, so of two racing first visitors the primary key lets exactly one through, on
 * SQLite and on PostgreSQL alike (a count of users read under READ COMMITTED cannot).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('instance_setup')
		.addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
		.addColumn('set_up_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('set_up_at', 'text', (col) => col.notNull())
		.execute();

	// An install that already has accounts was set up before this table existed.
	const firstAdmin = await db
		.selectFrom('user')
		.select('id')
		.where('role', '=', 'admin')
		.orderBy('created_at')
		.limit(1)
		.executeTakeFirst();
	const anyUser = await db.selectFrom('user').select('id').limit(1).executeTakeFirst();
	if (anyUser) {
		await db
			.insertInto('instance_setup')
			.values({ id: 1, set_up_by: firstAdmin?.id ?? null, set_up_at: new Date().toISOString() })
			.execute();
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('instance_setup').execute();
}
