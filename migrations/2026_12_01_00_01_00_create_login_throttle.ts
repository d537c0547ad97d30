import type { Kysely } from 'kysely';

/**
 * Sign-in attempts counted where every app server sees them: one row per throttle key (a hash of
 * account + client address, or of the address alone), bumped with one atomic upsert per attempt.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('login_throttle')
		.addColumn('key', 'text', (col) => col.primaryKey())
		.addColumn('attempts', 'integer', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.execute();
	await db.schema.createIndex('login_throttle_updated_at_index').on('login_throttle').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('login_throttle').execute();
}
