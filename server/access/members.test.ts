import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';

describe.each(DB_KINDS)('project members on %s', (kind) => {
	let ctx: TestContext;
	let admin: TestUser;
	let manager: TestUser;
	let projectId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		manager = await ctx.createUser('manager', 'lead@example.org');
		projectId = (await (await ctx.json('POST', '/api/projects', { name: 'Members' }, admin.cookie)).json()).project.id;
		await ctx.addMember(projectId, manager);
		// The creator is a manager too; leave the lead as the only one, so the last-manager rule can be seen.
		await ctx.deps.db.deleteFrom('project_member').where('user_id', '=', admin.id).execute();
	});
	afterAll(() => ctx.close());

	const url = (rest = '') => `/api/projects/${projectId}/members${rest}`;
	const members = async (cookie = manager.cookie) => (await (await ctx.json('GET', url(), undefined, cookie)).json()).members;

	it('a manager adds an account by email, changes its role and removes it; each change is in the audit trail', async () => {
		const user = await ctx.createUser('member', 'tx@example.org');
		const added = await ctx.json('POST', url(), { email: 'TX@example.org', role: 'transcriber' }, manager.cookie);
		expect(added.status).toBe(201);
		expect((await added.json()).member).toMatchObject({ userId: user.id, email: 'tx@example.org', role: 'transcriber', isActive: true });
		// The new member reads the project, and cannot manage it.
		expect((await ctx.json('GET', `/api/projects/${projectId}`, undefined, user.cookie)).status).toBe(200);
		expect((await ctx.json('GET', url(), undefined, user.cookie)).status).toBe(403);

		const again = await ctx.json('POST', url(), { email: 'tx@example.org', role: 'reviewer' }, manager.cookie);
		expect(again.status).toBe(200);
		const patched = await ctx.json('PATCH', url(`/${user.id}`), { role: 'exporter' }, manager.cookie);
		expect((await patched.json()).member.role).toBe('exporter');
		expect((await members()).map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
			['lead@example.org', 'manager'],
			['tx@example.org', 'exporter']
		]);
		expect((await ctx.json('DELETE', url(`/${user.id}`), undefined, manager.cookie)).status).toBe(200);
		expect((await ctx.json('GET', `/api/projects/${projectId}`, undefined, user.cookie)).status).toBe(404);
		expect((await ctx.json('DELETE', url(`/${user.id}`), undefined, manager.cookie)).status).toBe(404);

		const log = await ctx.deps.db.selectFrom('audit_log').select(['action', 'actor_id', 'project_id']).where('target_id', '=', user.id).orderBy('id').execute();
		expect(log).toEqual(
			['member.add', 'member.role', 'member.role', 'member.remove'].map((action) => ({ action, actor_id: manager.id, project_id: projectId }))
		);
	});

	it('refuses an unknown email with 422, and a bad role with 400', async () => {
		const unknown = await ctx.json('POST', url(), { email: 'nobody@example.org', role: 'transcriber' }, manager.cookie);
		expect(unknown.status).toBe(422);
		expect((await unknown.json()).error.code).toBe('unknown_user');
		expect((await ctx.json('POST', url(), { email: 'lead@example.org', role: 'owner' }, manager.cookie)).status).toBe(400);
	});

	it('keeps a manager: the last one cannot demote or remove themselves, an admin can', async () => {
		for (const [method, body] of [['PATCH', { role: 'reviewer' }], ['DELETE', undefined]] as const) {
			const res = await ctx.json(method, url(`/${manager.id}`), body, manager.cookie);
			expect(res.status).toBe(409);
			expect((await res.json()).error.code).toBe('last_manager');
		}
		const second = await ctx.createUser('member', 'second@example.org');
		await ctx.json('POST', url(), { email: 'second@example.org', role: 'manager' }, manager.cookie);
		expect((await ctx.json('PATCH', url(`/${manager.id}`), { role: 'reviewer' }, manager.cookie)).status).toBe(200);
		// The second manager is now the last one; an admin may still take them away.
		expect((await ctx.json('DELETE', url(`/${second.id}`), undefined, second.cookie)).status).toBe(409);
		expect((await ctx.json('DELETE', url(`/${second.id}`), undefined, admin.cookie)).status).toBe(200);
		expect(await members(admin.cookie)).toEqual([expect.objectContaining({ email: 'lead@example.org', role: 'reviewer' })]);
	});
});
