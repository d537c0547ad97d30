import type { Db } from '../db/connection.ts';
import { nowIso } from '../lib/ids.ts';

const SETUP_ROW_ID = 1;

/**
 * Claims first-run setup: inserts the single instance_setup row and says whether this call did.
 * Under concurrency the primary key decides: on PostgreSQL a second claimant waits for the first
 * one's transaction and then finds the row (false); SQLite's write lock serialises them outright.
 * Call it inside the transaction that creates the account, before creating it.
 */
export async function claimSetup(db: Db): Promise<boolean> {
	const row = await db
		.insertInto('instance_setup')
		.values({ id: SETUP_ROW_ID, set_up_by: null, set_up_at: nowIso() })
		.onConflict((oc) => oc.column('id').doNothing())
		.returning('id')
		.executeTakeFirst();
	return row !== undefined;
}

/** Records who the claim created (same transaction as claimSetup). */
export async function recordSetupUser(db: Db, userId: string): Promise<void> {
	await db.updateTable('instance_setup').set({ set_up_by: userId }).where('id', '=', SETUP_ROW_ID).execute();
}

/**
 * True once setup was claimed, or when accounts exist that were written straight into the user
 * table (test fixtures, tools that predate the claim).
 */
export async function isSetUp(db: Db): Promise<boolean> {
	const claimed = await db.selectFrom('instance_setup').select('id').executeTakeFirst();
	if (claimed) return true;
	return (await db.selectFrom('user').select('id').limit(1).executeTakeFirst()) !== undefined;
}
