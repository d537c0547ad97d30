import { sql, type Kysely } from 'kysely';

/**
 * The accounts page shows each person's last sign-in: the newest `auth.sign_in` they made. The
 * actor-time index alone would walk back through all of a busy transcriber's edits since then (and
 * read each row for its action); this partial index holds only the sign-ins, so the answer is one
 * index step per account.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index audit_log_sign_in_index on audit_log (actor_id, created_at) where action = 'auth.sign_in'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('audit_log_sign_in_index').execute();
}
