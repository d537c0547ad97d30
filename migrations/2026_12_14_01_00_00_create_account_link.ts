import type { Kysely } from 'kysely';

/**
 * One-time links an admin hands out: an invitation (the invitee picks their name and password) or
 * a password reset. Only the sha256 of the link's token is stored, so a leaked database does not
 * leak live links; a link expires, and using it (or issuing a newer one) spends it.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('account_link')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
		.addColumn('purpose', 'text', (col) => col.notNull())
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('expires_at', 'text', (col) => col.notNull())
		.addColumn('used_at', 'text')
		.execute();
	await db.schema.createIndex('account_link_user_id_index').on('account_link').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('account_link').execute();
}
