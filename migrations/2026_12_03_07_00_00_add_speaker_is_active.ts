import type { Kysely } from 'kysely';

/**
 * Speakers can be retired: a deactivated speaker keeps every segment, revision and export that
 * names it, but is no longer offered for new assignments.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('speaker')
		.addColumn('is_active', 'integer', (col) => col.notNull().defaultTo(1))
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('speaker').dropColumn('is_active').execute();
}
