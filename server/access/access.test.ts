import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocumentOf } from '../app.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext, type TestUser } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { accessForRecording, accessForSegment, projectAccess } from './access.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** One project's resources, by the path parameter that names them. */
interface ProjectFixture {
	projectId: string;
	slug: string;
	recordingId: string;
	segmentId: string;
	deletedSegmentId: string;
	speakerId: string;
	qaBatchId: string;
	memberId: string;
	taskId: string;
	exportId: string;
}

/**
 * Which of a project's ids goes into a path parameter. A new route with an id of a new kind fails
 * the enumeration below until its kind is added here, so no route escapes the check.
 */
function idFor(path: string, param: string, p: ProjectFixture, deleted = false): string {
	if (param === 'projectId') return p.projectId;
	if (param === 'recordingId') return p.recordingId;
	if (param === 'speakerId') return p.speakerId;
	if (param === 'batchId') return p.qaBatchId;
	if (param === 'taskId') return p.taskId;
	if (param === 'exportId') return p.exportId;
	// Not an id: the dashboard table a CSV download names.
	if (param === 'table' && path.includes('/dashboard/csv/')) return 'progress';
	// A member of the project (its creator, the admin, is its manager).
	if (param === 'userId' && path.includes('/members/')) return p.memberId;
	if (param === 'id' && path.startsWith('/api/recordings/')) return p.recordingId;
	if (param === 'id' && path.startsWith('/api/segments/')) return deleted ? p.deletedSegmentId : p.segmentId;
	throw new Error(`No id of project B for {${param}} in ${path}: add its kind to idFor() in server/access/access.test.ts`);
}

/** The answer a refused id gets from requireProjectAccess (and from a truly unknown id). */
const REFUSED = /^(Project|Recording|Segment|Speaker|Project or speaker|QA batch|Task|Export|Resource) not found$/;

describe.each(DB_KINDS)('project access on %s', (kind) => {
	let ctx: TestContext;
	let admin: TestUser;
	let a: ProjectFixture;
	let b: ProjectFixture;
	const membersOfA: Record<string, TestUser> = {};
	let managerOfB: TestUser;

	async function makeProject(name: string): Promise<ProjectFixture> {
		const project = (await (await ctx.json('POST', '/api/projects', { name }, admin.cookie)).json()).project;
		const recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 })).id;
		const segment = async (startMs: number) =>
			(await (await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs, endMs: startMs + 500 }, admin.cookie)).json())
				.segment;
		const kept = await segment(0);
		const gone = await segment(1000);
		expect((await ctx.json('DELETE', `/api/segments/${gone.id}?version=1`, undefined, admin.cookie)).status).toBe(200);
		const speaker = (await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'One' }, admin.cookie)).json())
			.speaker;
		const batch = await ctx.json('POST', `/api/projects/${project.id}/qa-batches`, { recordingIds: [recordingId], percent: 100, seed: 'x' }, admin.cookie);
		expect(batch.status).toBe(201);
		const qaBatchId = (await batch.json()).batch.id;
		expect((await ctx.json('POST', `/api/projects/${project.id}/tasks`, {}, admin.cookie)).status).toBe(201);
		const taskId = (await (await ctx.json('GET', `/api/projects/${project.id}/tasks`, undefined, admin.cookie)).json()).tasks[0].id;
		const exported = await ctx.json('POST', `/api/projects/${project.id}/exports`, { format: 'csv' }, admin.cookie);
		expect(exported.status).toBe(201);
		const exportId = (await exported.json()).export.id;
		return { projectId: project.id, slug: project.slug, recordingId, segmentId: kept.id, deletedSegmentId: gone.id, speakerId: speaker.id, qaBatchId, memberId: admin.id, taskId, exportId };
	}

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		a = await makeProject('Alpha');
		b = await makeProject('Beta');
		for (const role of ['manager', 'reviewer', 'transcriber', 'exporter'] as const) {
			membersOfA[role] = await ctx.createUser(role);
			await ctx.addMember(a.projectId, membersOfA[role]);
		}
		managerOfB = await ctx.createUser('manager');
		await ctx.addMember(b.projectId, managerOfB);
	});
	afterAll(() => ctx.close());

	/** Every operation of the generated document whose path names something by id, and whether it is for admins only. */
	async function routesWithIds() {
		const doc = await openApiDocumentOf(ctx.app);
		return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
			METHODS.filter((m) => item?.[m] && path.includes('{')).map((method) => {
				const roles = (item![method] as { 'x-roles'?: string[] })['x-roles'];
				return { method, path, adminOnly: roles !== undefined && !roles.includes('member') };
			})
		);
	}

	const fill = (path: string, p: ProjectFixture, deleted = false) =>
		path.replace(/\{(\w+)\}/g, (_, param: string) => idFor(path, param, p, deleted));

	const call = (method: string, url: string, cookie?: string) =>
		ctx.json(method.toUpperCase(), url, ['post', 'put', 'patch'].includes(method) ? {} : undefined, cookie);

	it('answers 404 to every member of project A for every route given project B’s ids, and 401 signed out', async () => {
		const routes = await routesWithIds();
		expect(routes.length).toBeGreaterThan(20);
		// No route is left out: exports (by project and by export job), the dashboard and the audit trail are walked like the rest.
		for (const part of ['/exports/{exportId}/download', '/exports/count', '/dashboard/csv/{table}', '/audit/csv', '/audit/filters']) {
			expect(routes.some((r) => r.path.endsWith(part)), part).toBe(true);
		}
		for (const { method, path, adminOnly } of routes) {
			if (adminOnly) {
				// Instance routes (accounts): a member is refused outright, whatever the id.
				const url = path.replace(/\{\w+\}/g, admin.id);
				for (const member of Object.values(membersOfA)) expect((await call(method, url, member.cookie)).status, `${method} ${url}`).toBe(403);
				expect((await call(method, url)).status, `signed out: ${method} ${url}`).toBe(401);
				continue;
			}
			const urls = [fill(path, b), ...(path.startsWith('/api/segments/') ? [fill(path, b, true)] : [])];
			if (path.includes('{projectId}')) urls.push(path.replace('{projectId}', b.slug).replace(/\{(\w+)\}/g, (_, param: string) => idFor(path, param, b)));
			for (const [i, url] of urls.entries()) {
				for (const [role, member] of Object.entries(membersOfA)) {
					const res = await call(method, url, member.cookie);
					const body = await res.json();
					expect(res.status, `${role}: ${method} ${url}`).toBe(404);
					expect(body.error.message, `${role}: ${method} ${url}`).toMatch(REFUSED);
				}
				expect((await call(method, url)).status, `signed out: ${method} ${url}`).toBe(401);
				// The ids are real: B's own manager is not refused by them (deletes are left out: B keeps its data).
				if (method === 'delete' || i > 0) continue;
				const own = await call(method, url, managerOfB.cookie);
				const ownBody = own.headers.get('content-type')?.includes('json') ? await own.json() : {};
				const refused = own.status === 404 && REFUSED.test(ownBody.error?.message ?? '');
				expect(refused || own.status === 401 || own.status === 403, `B's manager: ${method} ${url} → ${own.status}`).toBe(false);
			}
		}
	});

	it('lists only the projects the user belongs to; an admin sees all', async () => {
		const names = async (cookie: string) =>
			(await (await ctx.json('GET', '/api/projects', undefined, cookie)).json()).projects.map((p: { name: string }) => p.name);
		expect(await names(membersOfA.transcriber.cookie)).toEqual(['Alpha']);
		expect(await names(managerOfB.cookie)).toEqual(['Beta']);
		expect(await names(admin.cookie)).toEqual(['Alpha', 'Beta']);
		const outsider = await ctx.createUser('member');
		expect(await names(outsider.cookie)).toEqual([]);
	});

	it('refuses a member without the capability with 403, before reading the body', async () => {
		const { transcriber, reviewer, exporter, manager } = membersOfA;
		const refusals: [TestUser, string, string, unknown][] = [
			[transcriber, 'PATCH', `/api/projects/${a.projectId}`, { name: 'x' }],
			[transcriber, 'POST', `/api/projects/${a.projectId}/recordings`, {}],
			[transcriber, 'DELETE', `/api/recordings/${a.recordingId}`, undefined],
			[reviewer, 'PATCH', `/api/segments/${a.segmentId}`, { version: 1, startMs: 10 }],
			[reviewer, 'POST', `/api/recordings/${a.recordingId}/segments`, { startMs: 5000, endMs: 5100 }],
			[exporter, 'PATCH', `/api/segments/${a.segmentId}`, { version: 1, startMs: 10 }],
			[exporter, 'POST', `/api/projects/${a.projectId}/speakers`, { code: '' }]
		];
		for (const [user, method, url, body] of refusals) {
			const res = await ctx.json(method, url, body, user.cookie);
			expect(res.status, `${method} ${url}`).toBe(403);
			expect((await res.json()).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^Your role in this project \(\w+\) may not /) });
		}
		// What they may do, they do.
		expect((await ctx.json('PATCH', `/api/segments/${a.segmentId}`, { version: 1, startMs: 10 }, transcriber.cookie)).status).toBe(200);
		expect((await ctx.json('PATCH', `/api/projects/${a.projectId}`, { description: 'managed' }, manager.cookie)).status).toBe(200);
		for (const user of [reviewer, exporter]) {
			expect((await ctx.json('GET', `/api/recordings/${a.recordingId}/segments`, undefined, user.cookie)).status).toBe(200);
		}
	});

	it('resolves recordings and segments (also deleted ones) to their project', async () => {
		const user = { id: membersOfA.exporter.id, role: 'member' as const };
		expect(await accessForRecording(ctx.deps.db, user, a.recordingId)).toMatchObject({ projectId: a.projectId, role: 'exporter' });
		expect(await accessForSegment(ctx.deps.db, user, a.deletedSegmentId)).toMatchObject({ projectId: a.projectId });
		expect(await accessForSegment(ctx.deps.db, user, b.segmentId)).toBeNull();
		expect(await accessForRecording(ctx.deps.db, user, 'no-such-recording')).toBeNull();
		expect(await projectAccess(ctx.deps.db, { id: admin.id, role: 'admin' }, b.projectId)).toMatchObject({ role: 'admin', can: { manage: true } });
	});

	it('holds a membership change at once', async () => {
		const user = await ctx.createUser('transcriber');
		const url = `/api/recordings/${b.recordingId}/segments`;
		expect((await ctx.json('GET', url, undefined, user.cookie)).status).toBe(404);
		await ctx.addMember(b.projectId, user);
		expect((await ctx.json('GET', url, undefined, user.cookie)).status).toBe(200);
		await ctx.deps.db.deleteFrom('project_member').where('user_id', '=', user.id).execute();
		expect((await ctx.json('GET', url, undefined, user.cookie)).status).toBe(404);
	});
});
