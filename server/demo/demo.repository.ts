import type { Db } from '../db/connection.ts';

/** True when the database holds at least one project (the demo loads only into an empty one). */
export async function hasAnyProject(db: Db): Promise<boolean> {
	const row = await db.selectFrom('project').select('id').limit(1).executeTakeFirst();
	return row !== undefined;
}
