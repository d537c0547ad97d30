import type { Db } from '../db/connection.ts';

/**
 * Counts one attempt under each key and returns the new counts, in order. Each key is one upsert
 * (portable `on conflict … do update`, atomic on SQLite and PostgreSQL); a count last touched
 * before `windowStart` starts again at 1.
 */
export async function bumpLoginAttempts(
	db: Db,
	keys: string[],
	{ now, windowStart }: { now: string; windowStart: string }
): Promise<number[]> {
	const counts: number[] = [];
	for (const key of keys) {
		const row = await db
			.insertInto('login_throttle')
			.values({ key, attempts: 1, updated_at: now })
			.onConflict((oc) =>
				oc.column('key').doUpdateSet((eb) => ({
					attempts: eb
						.case()
						.when('login_throttle.updated_at', '<', windowStart)
						.then(eb.lit(1))
						.else(eb('login_throttle.attempts', '+', eb.lit(1)))
						.end(),
					updated_at: now
				}))
			)
			.returning('attempts')
			.executeTakeFirstOrThrow();
		counts.push(Number(row.attempts));
	}
	return counts;
}

export async function clearLoginAttempts(db: Db, key: string): Promise<void> {
	await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** One attempt less under `key` (a correct password was one of them); the window is not renewed. */
export async function takeBackLoginAttempt(db: Db, key: string): Promise<void> {
	await db
		.updateTable('login_throttle')
		.set((eb) => ({ attempts: eb('attempts', '-', eb.lit(1)) }))
		.where('key', '=', key)
		.where('attempts', '>', 0)
		.execute();
}

export async function deleteIdleLoginAttempts(db: Db, before: string): Promise<number> {
	const result = await db.deleteFrom('login_throttle').where('updated_at', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
