import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieFrom, createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { ACCOUNT_LINK_TTL_MS, hashLinkToken } from './account-links.repository.ts';
import { accountsQuery } from './users.repository.ts';

const NEW_PASSWORD = 'a brand new passphrase';

describe.each(DB_KINDS)('accounts on %s', (kind) => {
	let ctx: TestContext;
	let admin: TestUser;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
	});
	afterAll(() => ctx.close());

	const login = (email: string, password: string) => ctx.json('POST', '/api/auth/login', { email, password });
	const auditActions = async (userId: string) =>
		(await ctx.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', userId).orderBy('id').execute()).map((r) => r.action);

	async function invite(email: string, name = 'Invitee') {
		const res = await ctx.json('POST', '/api/users', { email, name }, admin.cookie);
		expect(res.status).toBe(201);
		return (await res.json()) as { user: { id: string; invitePending: boolean; role: string }; link: { token: string; purpose: string; expiresAt: string } };
	}

	it('creates an account with a password, which signs in at once', async () => {
		const res = await ctx.json('POST', '/api/users', { email: 'Ready@Example.org', name: ' Ready ', password: TEST_PASSWORD }, admin.cookie);
		expect(res.status).toBe(201);
		const body = await res.json();
		expect(body.link).toBeNull();
		expect(body.user).toMatchObject({ email: 'ready@example.org', name: 'Ready', role: 'member', isActive: true, invitePending: false, projectCount: 0 });
		expect((await login('ready@example.org', TEST_PASSWORD)).status).toBe(200);
		const again = await ctx.json('POST', '/api/users', { email: 'ready@example.org', name: 'Twice' }, admin.cookie);
		expect(again.status).toBe(409);
		expect((await again.json()).error.code).toBe('email_taken');
		expect(await auditActions(body.user.id)).toEqual(['user.create', 'auth.sign_in']);
	});

	it('invites: a one-time link, stored hashed, good for 7 days; accepting sets name and password and signs in', async () => {
		const { user, link } = await invite('new@example.org', 'New Person');
		expect(user.invitePending).toBe(true);
		expect(link.purpose).toBe('invite');
		expect(link.token).toMatch(/^[\w-]{43}$/);
		expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(ACCOUNT_LINK_TTL_MS - 60_000);
		const stored = await ctx.deps.db.selectFrom('account_link').select('id').where('user_id', '=', user.id).execute();
		expect(stored).toEqual([{ id: hashLinkToken(link.token) }]);
		// No password works before the invitation is accepted.
		expect((await login('new@example.org', '')).status).toBe(401);
		expect((await login('new@example.org', 'anything at all')).status).toBe(401);

		const info = await ctx.json('POST', '/api/auth/link', { token: link.token });
		expect(info.status).toBe(200);
		expect((await info.json()).link).toMatchObject({ purpose: 'invite', email: 'new@example.org', name: 'New Person' });

		const accepted = await ctx.json('POST', '/api/auth/link/accept', { token: link.token, password: NEW_PASSWORD, name: '新人' });
		expect(accepted.status).toBe(200);
		expect((await accepted.json()).user).toMatchObject({ email: 'new@example.org', name: '新人' });
		const cookie = sessionCookieFrom(accepted)!;
		expect((await ctx.request('/api/auth/me', { cookie })).status).toBe(200);
		expect((await login('new@example.org', NEW_PASSWORD)).status).toBe(200);

		// Once only.
		const reused = await ctx.json('POST', '/api/auth/link/accept', { token: link.token, password: 'another long password' });
		expect(reused.status).toBe(404);
		expect((await reused.json()).error.code).toBe('link_invalid');
		expect((await ctx.json('POST', '/api/auth/link', { token: link.token })).status).toBe(404);
		expect(await auditActions(user.id)).toEqual(['user.create', 'invite.create', 'invite.accept', 'auth.sign_in', 'auth.sign_in']);
	});

	it('refuses an expired link and one replaced by a newer link', async () => {
		const { user, link } = await invite('late@example.org');
		await ctx.deps.db.updateTable('account_link').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', user.id).execute();
		expect((await ctx.json('POST', '/api/auth/link/accept', { token: link.token, password: NEW_PASSWORD })).status).toBe(404);

		const first = (await (await ctx.json('POST', `/api/users/${user.id}/link`, undefined, admin.cookie)).json()).link;
		expect(first.purpose).toBe('invite');
		const second = (await (await ctx.json('POST', `/api/users/${user.id}/link`, undefined, admin.cookie)).json()).link;
		expect((await ctx.json('POST', '/api/auth/link', { token: first.token })).status).toBe(404);
		expect((await ctx.json('POST', '/api/auth/link/accept', { token: second.token, password: NEW_PASSWORD })).status).toBe(200);
		expect((await ctx.json('POST', '/api/auth/link', { token: 'x'.repeat(43) })).status).toBe(404);
	});

	it('resets a password: by the admin setting one, or by a reset link; either ends the user’s sessions', async () => {
		const user = await ctx.createUser('member', 'forgot@example.org');
		const byAdmin = await ctx.json('PATCH', `/api/users/${user.id}`, { password: NEW_PASSWORD }, admin.cookie);
		expect(byAdmin.status).toBe(200);
		expect((await ctx.request('/api/auth/me', { cookie: user.cookie })).status).toBe(401);
		expect((await login('forgot@example.org', TEST_PASSWORD)).status).toBe(401);
		const signedIn = await login('forgot@example.org', NEW_PASSWORD);
		expect(signedIn.status).toBe(200);
		const cookie = sessionCookieFrom(signedIn)!;

		const issued = await ctx.json('POST', `/api/users/${user.id}/link`, undefined, admin.cookie);
		expect(issued.status).toBe(201);
		const { link } = await issued.json();
		expect(link.purpose).toBe('reset');
		const used = await ctx.json('POST', '/api/auth/link/accept', { token: link.token, password: 'the third password', name: 'Ignored' });
		expect(used.status).toBe(200);
		expect((await used.json()).user.name).toBe('Test member');
		expect((await ctx.request('/api/auth/me', { cookie })).status).toBe(401);
		expect((await login('forgot@example.org', 'the third password')).status).toBe(200);
		expect((await auditActions(user.id)).filter((a) => a === 'user.password_reset')).toHaveLength(3);
	});

	it('deactivating signs the user out at once; reactivating lets them sign in again', async () => {
		const user = await ctx.createUser('member', 'leaving@example.org');
		expect((await ctx.request('/api/auth/me', { cookie: user.cookie })).status).toBe(200);
		const off = await ctx.json('PATCH', `/api/users/${user.id}`, { isActive: false }, admin.cookie);
		expect(off.status).toBe(200);
		expect((await off.json()).user.isActive).toBe(false);
		expect(await ctx.deps.db.selectFrom('session').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
		expect((await ctx.request('/api/auth/me', { cookie: user.cookie })).status).toBe(401);
		expect((await login('leaving@example.org', TEST_PASSWORD)).status).toBe(401);
		// A link cannot bring a deactivated account back either.
		const { link } = await (await ctx.json('POST', `/api/users/${user.id}/link`, undefined, admin.cookie)).json();
		expect((await ctx.json('POST', '/api/auth/link/accept', { token: link.token, password: NEW_PASSWORD })).status).toBe(404);

		expect((await ctx.json('PATCH', `/api/users/${user.id}`, { isActive: true }, admin.cookie)).status).toBe(200);
		expect((await login('leaving@example.org', TEST_PASSWORD)).status).toBe(200);
		expect(await auditActions(user.id)).toEqual(expect.arrayContaining(['user.deactivate', 'user.reactivate']));
	});

	it('changes the instance role; the only active admin cannot be demoted or deactivated', async () => {
		const other = await ctx.createUser('member');
		const promoted = await ctx.json('PATCH', `/api/users/${other.id}`, { role: 'admin' }, admin.cookie);
		expect((await promoted.json()).user.role).toBe('admin');
		expect((await ctx.json('GET', '/api/users', undefined, other.cookie)).status).toBe(200);
		expect((await ctx.json('PATCH', `/api/users/${other.id}`, { role: 'member' }, admin.cookie)).status).toBe(200);
		for (const patch of [{ role: 'member' }, { isActive: false }]) {
			const res = await ctx.json('PATCH', `/api/users/${admin.id}`, patch, admin.cookie);
			expect(res.status).toBe(409);
			expect((await res.json()).error.code).toBe('last_admin');
		}
		expect((await ctx.json('PATCH', `/api/users/${other.id}`, {}, admin.cookie)).status).toBe(400);
		expect((await ctx.json('PATCH', `/api/users/${'0'.repeat(20)}`, { name: 'x' }, admin.cookie)).status).toBe(404);
		expect(await auditActions(other.id)).toEqual(['user.role', 'user.role']);
	});

	it('lists each account with its projects and roles, and its last sign-in', async () => {
		const project = (await (await ctx.json('POST', '/api/projects', { name: 'Zhuang roles' }, admin.cookie)).json()).project;
		const other = (await (await ctx.json('POST', '/api/projects', { name: 'Amoy roles' }, admin.cookie)).json()).project;
		const created = await ctx.json('POST', '/api/users', { email: 'roles@example.org', name: 'Roles', password: TEST_PASSWORD }, admin.cookie);
		const { user } = await created.json();
		expect(user).toMatchObject({ lastSignInAt: null, projects: [] });
		await ctx.addMember(project.id, user, 'exporter');
		await ctx.addMember(other.id, user, 'reviewer');
		expect((await login('roles@example.org', TEST_PASSWORD)).status).toBe(200);
		const { users } = await (await ctx.json('GET', '/api/users', undefined, admin.cookie)).json();
		const listed = users.find((u: { id: string }) => u.id === user.id);
		expect(listed.projectCount).toBe(2);
		expect(listed.projects).toEqual([
			{ projectId: other.id, slug: other.slug, name: 'Amoy roles', role: 'reviewer' },
			{ projectId: project.id, slug: project.slug, name: 'Zhuang roles', role: 'exporter' }
		]);
		expect(Date.parse(listed.lastSignInAt)).toBeGreaterThan(Date.parse(user.createdAt) - 1000);
		const patched = await (await ctx.json('PATCH', `/api/users/${user.id}`, { name: 'Roles again' }, admin.cookie)).json();
		expect(patched.user.projects).toEqual(listed.projects);
		expect(patched.user.lastSignInAt).toBe(listed.lastSignInAt);
	});

	it("reads each account's last sign-in through the partial sign-in index", async () => {
		const db = ctx.deps.db;
		const { sql: text, parameters } = accountsQuery(db).compile();
		const plan = await db.transaction().execute(async (trx) => {
			// A handful of rows makes a sequential scan cheaper; the point is that the index applies.
			if (kind === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
			const explain = kind === 'postgres' ? 'explain ' : 'explain query plan ';
			const { rows } = await trx.executeQuery(CompiledQuery.raw(explain + text, [...parameters]));
			return JSON.stringify(rows);
		});
		expect(plan).toContain('audit_log_sign_in_index');
	});

	it('lists accounts with their project counts and open invitations, for admins only', async () => {
		const res = await ctx.json('GET', '/api/users', undefined, admin.cookie);
		const { users } = await res.json();
		expect(users.find((u: { email: string }) => u.email === admin.email)).toMatchObject({ role: 'admin', invitePending: false });
		expect(users.every((u: Record<string, unknown>) => !('settings' in u) && !('passwordHash' in u))).toBe(true);
		const member = await ctx.createUser('member');
		for (const [method, url] of [['GET', '/api/users'], ['POST', '/api/users'], ['PATCH', `/api/users/${member.id}`], ['POST', `/api/users/${member.id}/link`]]) {
			expect((await ctx.json(method, url, method === 'GET' ? undefined : { name: 'x', email: 'x@example.org' }, member.cookie)).status).toBe(403);
		}
	});
});
