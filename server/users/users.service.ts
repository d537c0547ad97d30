import { audit, changedFields } from '../audit/audit.ts';
import { DUMMY_HASH, hashPassword } from '../auth/password.ts';
import type { Db } from '../db/connection.ts';
import type { AccountLinkPurpose, Role } from '../db/schema.ts';
import { isUniqueViolation } from '../projects/projects.repository.ts';
import { findLiveAccountLink, issueAccountLink, spendAccountLink } from './account-links.repository.ts';
import { toUserDto, type UserDto } from './users.mapper.ts';
import {
	countActiveAdmins,
	deleteUserSessions,
	findUserByEmail,
	findUserById,
	insertUser,
	normalizeEmail,
	updateUser
} from './users.repository.ts';

export const LINK_INVALID = 'This link is unknown, already used or expired: ask an admin for a new one';

type Failure = { ok: false; status: 404 | 409; code: string; message: string };
const fail = (status: 404 | 409, code: string, message: string): Failure => ({ ok: false, status, code, message });

/** A link as the admin hands it on: the token goes into `/account/<token>` (the client builds the URL). */
export interface IssuedLink {
	purpose: AccountLinkPurpose;
	token: string;
	expiresAt: string;
}

/**
 * An invitee's account exists from the invitation on (so it can be put in projects at once) but
 * has no password: DUMMY_HASH matches none and costs a sign-in the same time as a real one.
 */
const isPending = (passwordHash: string) => passwordHash === DUMMY_HASH;

/**
 * Creates an account: with `password` it is ready to sign in; without, it is an invitation whose
 * one-time link lets the invitee choose their name and password.
 */
export async function createAccount(
	db: Db,
	input: { email: string; name: string; role: Role; password?: string; createdBy: string }
): Promise<{ ok: true; user: UserDto; link: IssuedLink | null } | Failure> {
	const passwordHash = input.password ? await hashPassword(input.password) : DUMMY_HASH;
	if (await findUserByEmail(db, input.email)) return fail(409, 'email_taken', `There is already an account for ${normalizeEmail(input.email)}`);
	try {
		return await db.transaction().execute(async (trx) => {
			const row = await insertUser(trx, { email: input.email, name: input.name, role: input.role, passwordHash });
			const target = { type: 'user' as const, id: row.id };
			await audit(trx, { projectId: null, actorId: input.createdBy, action: 'user.create', target, details: { email: row.email, role: row.role, invited: !input.password } });
			if (input.password) return { ok: true as const, user: toUserDto(row), link: null };
			const link = { purpose: 'invite' as const, ...(await issueAccountLink(trx, { userId: row.id, purpose: 'invite', createdBy: input.createdBy })) };
			await audit(trx, { projectId: null, actorId: input.createdBy, action: 'invite.create', target, details: { email: row.email, expiresAt: link.expiresAt } });
			return { ok: true as const, user: toUserDto(row), link };
		});
	} catch (err) {
		if (isUniqueViolation(err)) return fail(409, 'email_taken', `There is already an account for ${normalizeEmail(input.email)}`);
		throw err;
	}
}

/**
 * A new one-time link for the user: an invitation again while they never set a password, else a
 * password reset. Earlier links stop working.
 */
export async function issueLinkFor(db: Db, userId: string, createdBy: string): Promise<{ ok: true; link: IssuedLink } | Failure> {
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('user').select(['id', 'email', 'password_hash']).where('id', '=', userId).executeTakeFirst();
		if (!row) return fail(404, 'not_found', 'User not found');
		const purpose: AccountLinkPurpose = isPending(row.password_hash) ? 'invite' : 'reset';
		const link = { purpose, ...(await issueAccountLink(trx, { userId, purpose, createdBy })) };
		await audit(trx, {
			projectId: null,
			actorId: createdBy,
			action: purpose === 'invite' ? 'invite.create' : 'user.password_reset',
			target: { type: 'user', id: userId },
			details: { email: row.email, via: 'link', expiresAt: link.expiresAt }
		});
		return { ok: true as const, link };
	});
}

/**
 * Changes a user's name, instance role, activity or password. Deactivating or a new password ends
 * all their sessions in the same transaction (every app server looks sessions up per request, so
 * they are signed out everywhere at once). The last active admin cannot be demoted or deactivated.
 */
export async function changeAccount(
	db: Db,
	userId: string,
	patch: { name?: string; role?: Role; isActive?: boolean; password?: string },
	actorId: string
): Promise<{ ok: true; user: UserDto } | Failure> {
	const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
	return db.transaction().execute(async (trx) => {
		const current = await findUserById(trx, userId);
		if (!current) return fail(404, 'not_found', 'User not found');
		const losesAdmin =
			current.role === 'admin' && current.is_active === 1 && (patch.role === 'member' || patch.isActive === false);
		if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
			return fail(409, 'last_admin', 'This is the only active admin: make someone else admin first');
		}
		const row = await updateUser(trx, userId, {
			...(patch.name !== undefined ? { name: patch.name } : {}),
			...(patch.role !== undefined ? { role: patch.role } : {}),
			...(patch.isActive !== undefined ? { is_active: patch.isActive ? (1 as const) : (0 as const) } : {}),
			...(passwordHash ? { password_hash: passwordHash } : {})
		});
		if (patch.isActive === false || passwordHash) await deleteUserSessions(trx, userId);
		const record = (action: Parameters<typeof audit>[1]['action'], details: Record<string, unknown>) =>
			audit(trx, { projectId: null, actorId, action, target: { type: 'user', id: userId }, details: { email: current.email, ...details } });
		if (patch.name !== undefined && patch.name !== current.name) await record('user.update', changedFields({ name: current.name }, { name: patch.name }));
		if (patch.role !== undefined && patch.role !== current.role) await record('user.role', changedFields({ role: current.role }, { role: patch.role }));
		if (patch.isActive !== undefined && patch.isActive !== (current.is_active === 1)) {
			await record(patch.isActive ? 'user.reactivate' : 'user.deactivate', {});
		}
		if (passwordHash) await record('user.password_reset', { via: 'admin' });
		return { ok: true as const, user: toUserDto(row!) };
	});
}

/** What an account link's page shows before it is used; undefined when the link is unknown, used or expired. */
export async function describeAccountLink(db: Db, token: string) {
	const link = await findLiveAccountLink(db, token);
	if (!link || link.is_active !== 1) return undefined;
	return { purpose: link.purpose, email: link.email, name: link.name, expiresAt: link.expires_at };
}

/**
 * Uses a link once: sets the password (and, for an invitation, the name) and spends the link, in
 * one transaction; a reset ends the user's other sessions. Returns the user to sign in.
 */
export async function acceptAccountLink(
	db: Db,
	input: { token: string; password: string; name?: string }
): Promise<{ ok: true; userId: string } | Failure> {
	const passwordHash = await hashPassword(input.password);
	return db.transaction().execute(async (trx) => {
		const link = await findLiveAccountLink(trx, input.token);
		if (!link || link.is_active !== 1 || !(await spendAccountLink(trx, link.id))) {
			return fail(404, 'link_invalid', LINK_INVALID);
		}
		await updateUser(trx, link.user_id, {
			password_hash: passwordHash,
			...(link.purpose === 'invite' && input.name ? { name: input.name } : {})
		});
		await deleteUserSessions(trx, link.user_id);
		await audit(trx, {
			projectId: null,
			actorId: link.user_id,
			action: link.purpose === 'invite' ? 'invite.accept' : 'user.password_reset',
			target: { type: 'user', id: link.user_id },
			details: { email: link.email, ...(link.purpose === 'reset' ? { via: 'link_used' } : {}) }
		});
		return { ok: true as const, userId: link.user_id };
	});
}
