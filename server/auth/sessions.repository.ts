import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import { preparedQuery, type Slots } from '../db/prepared-query.ts';
import { nowIso } from '../lib/ids.ts';
import { USER_COLUMNS } from '../users/users.repository.ts';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Creates a session and returns the token for the cookie; only its sha256 is stored. */
export async function createSession(db: Db, userId: string): Promise<{ token: string; expiresAt: Date }> {
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
	await db
		.insertInto('session')
		.values({ id: hashToken(token), user_id: userId, created_at: nowIso(), expires_at: expiresAt.toISOString() })
		.execute();
	return { token, expiresAt };
}

const sessionUser = preparedQuery((db, p: Slots<'id' | 'now' | 'active'>) =>
	db
		.selectFrom('session')
		.innerJoin('user', 'user.id', 'session.user_id')
		.select(USER_COLUMNS.map((c) => `user.${c}` as const))
		.where('session.id', '=', p.id)
		.where('session.expires_at', '>', p.now)
		.where('user.is_active', '=', p.active)
);

/**
 * The active user behind a session token, or undefined when the session is unknown or expired.
 * Runs on every signed-in request (autosaves included), so it is compiled once.
 */
export async function findSessionUser(db: Db, token: string) {
	const { rows } = await sessionUser(db, { id: hashToken(token), now: nowIso(), active: 1 });
	return rows[0];
}

export function deleteSession(db: Db, token: string) {
	return db.deleteFrom('session').where('id', '=', hashToken(token)).execute();
}

export function deleteExpiredSessions(db: Db) {
	return db.deleteFrom('session').where('expires_at', '<=', nowIso()).execute();
}

function hashToken(token: string) {
	return createHash('sha256').update(token).digest('hex');
}
