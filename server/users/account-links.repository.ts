import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { AccountLinkPurpose } from '../db/schema.ts';
import { nowIso } from '../lib/ids.ts';

/** How long an invitation or reset link stays good. */
export const ACCOUNT_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function hashLinkToken(token: string) {
	return createHash('sha256').update(token).digest('hex');
}

/**
 * A new link for the user; their earlier unused links are spent (only the newest one works).
 * Returns the token, which is stored only as its hash.
 */
export async function issueAccountLink(
	db: Db,
	link: { userId: string; purpose: AccountLinkPurpose; createdBy: string | null; now?: Date }
): Promise<{ token: string; expiresAt: string }> {
	const now = link.now ?? new Date();
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(now.getTime() + ACCOUNT_LINK_TTL_MS).toISOString();
	await db.updateTable('account_link').set({ used_at: now.toISOString() }).where('user_id', '=', link.userId).where('used_at', 'is', null).execute();
	await db
		.insertInto('account_link')
		.values({
			id: hashLinkToken(token),
			user_id: link.userId,
			purpose: link.purpose,
			created_by: link.createdBy,
			created_at: now.toISOString(),
			expires_at: expiresAt,
			used_at: null
		})
		.execute();
	return { token, expiresAt };
}

/** The live (unused, unexpired) link a token names, with its user, or undefined. */
export function findLiveAccountLink(db: Db, token: string) {
	return db
		.selectFrom('account_link')
		.innerJoin('user', 'user.id', 'account_link.user_id')
		.select(['account_link.id', 'account_link.user_id', 'account_link.purpose', 'account_link.expires_at', 'user.email', 'user.name', 'user.is_active'])
		.where('account_link.id', '=', hashLinkToken(token))
		.where('account_link.used_at', 'is', null)
		.where('account_link.expires_at', '>', nowIso())
		.executeTakeFirst();
}

/** Spends the link; false when it was spent meanwhile (two tabs racing), so only one use wins. */
export async function spendAccountLink(db: Db, id: string): Promise<boolean> {
	const result = await db
		.updateTable('account_link')
		.set({ used_at: nowIso() })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.where('expires_at', '>', nowIso())
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}
