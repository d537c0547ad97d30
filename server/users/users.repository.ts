import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { ProjectRole, Role } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';

export const USER_COLUMNS = ['id', 'email', 'name', 'role', 'is_active', 'settings', 'created_at', 'updated_at'] as const;

export function countUsers(db: Db) {
	return db
		.selectFrom('user')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.executeTakeFirstOrThrow()
		.then((row) => Number(row.count));
}

export function findUserByEmail(db: Db, email: string) {
	return db
		.selectFrom('user')
		.select([...USER_COLUMNS, 'password_hash'])
		.where('email', '=', normalizeEmail(email))
		.executeTakeFirst();
}

export function findUserById(db: Db, id: string) {
	return db.selectFrom('user').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Db) {
	return db.selectFrom('user').select(USER_COLUMNS).orderBy('created_at').execute();
}

export async function insertUser(
	db: Db,
	user: { email: string; name: string; passwordHash: string; role: Role }
) {
	const now = nowIso();
	return db
		.insertInto('user')
		.values({
			id: newId(),
			email: normalizeEmail(user.email),
			name: user.name,
			password_hash: user.passwordHash,
			role: user.role,
			is_active: 1,
			settings: '{}',
			created_at: now,
			updated_at: now
		})
		.returning(USER_COLUMNS)
		.executeTakeFirstOrThrow();
}

export function updateUserSettings(db: Db, id: string, settings: Record<string, unknown>) {
	return db
		.updateTable('user')
		.set({ settings: JSON.stringify(settings), updated_at: nowIso() })
		.where('id', '=', id)
		.returning(USER_COLUMNS)
		.executeTakeFirst();
}

export function normalizeEmail(email: string) {
	return email.trim().toLowerCase();
}

export function updateUser(
	db: Db,
	id: string,
	patch: Partial<{ name: string; role: Role; is_active: 0 | 1; password_hash: string }>
) {
	return db
		.updateTable('user')
		.set({ ...patch, updated_at: nowIso() })
		.where('id', '=', id)
		.returning(USER_COLUMNS)
		.executeTakeFirst();
}

/** Ends every session of the user at once (deactivation, a new password); every app server sees it on the next request. */
export function deleteUserSessions(db: Db, userId: string) {
	return db.deleteFrom('session').where('user_id', '=', userId).execute();
}

export async function countActiveAdmins(db: Db): Promise<number> {
	const row = await db
		.selectFrom('user')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('role', '=', 'admin')
		.where('is_active', '=', 1)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * Accounts with their project count and last sign-in (the newest `auth.sign_in` in the audit trail:
 * one step of the partial sign-in index per account); the hash only tells whether an invitation is
 * still open. The action is a literal so that a generic plan (PostgreSQL's, for a statement
 * prepared many times) can still prove the index's condition.
 */
export function accountsQuery(db: Db) {
	return db
		.selectFrom('user')
		.select([...USER_COLUMNS.map((c) => `user.${c}` as const), 'user.password_hash'])
		.select((eb) =>
			eb
				.selectFrom('project_member')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('project_member.user_id', '=', 'user.id')
				.as('project_count')
		)
		.select((eb) =>
			eb
				.selectFrom('audit_log')
				.select('audit_log.created_at')
				.whereRef('audit_log.actor_id', '=', 'user.id')
				.where('audit_log.action', '=', sql.lit('auth.sign_in'))
				.orderBy('audit_log.created_at', 'desc')
				.limit(1)
				.as('last_sign_in_at')
		);
}

type AccountBase = Awaited<ReturnType<ReturnType<typeof accountsQuery>['execute']>>[number];
export type AccountMembership = { projectId: string; slug: string; name: string; role: ProjectRole };
export type AccountRow = AccountBase & { memberships: AccountMembership[] };

/** The projects each of `userIds` belongs to, with the role, by project name. */
async function membershipsOf(db: Db, userIds: string[]): Promise<Map<string, AccountMembership[]>> {
	const byUser = new Map<string, AccountMembership[]>(userIds.map((id) => [id, []]));
	if (userIds.length === 0) return byUser;
	const rows = await db
		.selectFrom('project_member')
		.innerJoin('project', 'project.id', 'project_member.project_id')
		.select(['project_member.user_id', 'project_member.role', 'project.id', 'project.slug', 'project.name'])
		.$if(userIds.length === 1, (q) => q.where('project_member.user_id', '=', userIds[0]))
		.orderBy('project.name')
		.orderBy('project.id')
		.execute();
	for (const r of rows) byUser.get(r.user_id)?.push({ projectId: r.id, slug: r.slug, name: r.name, role: r.role });
	return byUser;
}

export async function listAccounts(db: Db): Promise<AccountRow[]> {
	const rows = await accountsQuery(db).orderBy('user.name').orderBy('user.id').execute();
	const memberships = await membershipsOf(db, rows.map((r) => r.id));
	return rows.map((r) => ({ ...r, memberships: memberships.get(r.id) ?? [] }));
}

export async function findAccount(db: Db, id: string): Promise<AccountRow | undefined> {
	const row = await accountsQuery(db).where('user.id', '=', id).executeTakeFirst();
	if (!row) return undefined;
	return { ...row, memberships: (await membershipsOf(db, [id])).get(id) ?? [] };
}
