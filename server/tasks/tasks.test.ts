import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../db/connection.ts';
import { createSegments } from '../segments/segments.service.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { taskAccess } from './task-access.ts';
import type { TaskDto } from './tasks.mapper.ts';
import { claimNextTask } from './tasks.service.ts';

type User = { id: string; cookie: string };

describe.each(DB_KINDS)('tasks and the queue on %s', (kind) => {
	let ctx: TestContext;
	let admin: User;
	let alice: User;
	let bob: User;
	let carol: User;
	let reviewer: User;
	let exporter: User;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		alice = await ctx.createUser('transcriber');
		bob = await ctx.createUser('transcriber');
		carol = await ctx.createUser('transcriber');
		reviewer = await ctx.createUser('reviewer');
		exporter = await ctx.createUser('exporter');
	});
	afterAll(() => ctx.close());

	async function newProject(settings: Partial<Record<string, number>> = {}) {
		const res = await ctx.json('POST', '/api/projects', { name: `Tasks ${Math.random().toString(36).slice(2)}` }, admin.cookie);
		const projectId = (await res.json()).project.id as string;
		for (const user of [alice, bob, carol, reviewer, exporter]) await ctx.addMember(projectId, user);
		if (Object.keys(settings).length) {
			const put = await ctx.json(
				'PUT',
				`/api/projects/${projectId}/tasks/settings`,
				{ chunkMinutes: 10, overlapSeconds: 5, leaseMinutes: 30, transcriptionsPerTask: 1, goldPercent: 0, ...settings },
				admin.cookie
			);
			expect(put.status).toBe(200);
		}
		return projectId;
	}

	async function createTasks(projectId: string) {
		const res = await ctx.json('POST', `/api/projects/${projectId}/tasks`, {}, admin.cookie);
		expect(res.status).toBe(201);
		return (await res.json()) as { created: number; recordings: number };
	}

	async function next(projectId: string, user: User): Promise<{ task: TaskDto | null; resumed: boolean }> {
		const res = await ctx.json('POST', `/api/projects/${projectId}/tasks/next`, undefined, user.cookie);
		expect(res.status).toBe(200);
		return res.json();
	}

	const act = (taskId: string, user: User, action: string, note?: string) =>
		ctx.json('POST', `/api/tasks/${taskId}/transitions`, { action, note }, user.cookie);

	async function actOk(taskId: string, user: User, action: string, note?: string): Promise<TaskDto> {
		const res = await act(taskId, user, action, note);
		expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
		return (await res.json()).task;
	}

	async function events(taskId: string) {
		const res = await ctx.json('GET', `/api/tasks/${taskId}/events`, undefined, admin.cookie);
		expect(res.status).toBe(200);
		return (await res.json()).events as { action: string; fromState: string; toState: string; userId: string | null; note: string }[];
	}

	it('creates one task per window of a long recording and one for a short one; pressing again adds nothing', async () => {
		const projectId = await newProject();
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 25 * 60_000 });
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 90_000 });
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 90_000, state: 'processing' });
		expect(await createTasks(projectId)).toEqual({ created: 4, recordings: 2 });
		expect(await createTasks(projectId)).toEqual({ created: 0, recordings: 0 });
		const res = await ctx.json('GET', `/api/projects/${projectId}/tasks`, undefined, admin.cookie);
		const body = await res.json();
		expect(body.total).toBe(4);
		expect(body.counts.new).toBe(4);
		const windows = (body.tasks as TaskDto[]).map((t) => [t.startMs, t.endMs]).sort((a, b) => a[1] - a[0] - (b[1] - b[0]) || a[0] - b[0]);
		expect(windows).toEqual([
			[0, 90_000],
			[1_190_000, 1_500_000],
			[0, 600_000],
			[595_000, 1_195_000]
		]);
	});

	it('serves the queue by priority, then age; a claimed task is leased to its claimer and nobody else gets it', async () => {
		const projectId = await newProject();
		const first = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		const urgent = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		const urgentRes = await ctx.json('POST', `/api/projects/${projectId}/tasks`, { recordingIds: [urgent.id], priority: 5 }, admin.cookie);
		expect((await urgentRes.json()).created).toBe(1);

		const a = await next(projectId, alice);
		expect(a.task).toMatchObject({ recordingId: urgent.id, state: 'in_progress', assigneeId: alice.id, priority: 5 });
		expect(a.task!.leaseMsLeft).toBeGreaterThan(29 * 60_000);
		// Pressing again while holding it gives the same task back.
		expect((await next(projectId, alice)).task!.id).toBe(a.task!.id);
		const b = await next(projectId, bob);
		expect(b.task).toMatchObject({ recordingId: first.id, assigneeId: bob.id });
		expect((await next(projectId, carol)).task).toBeNull();
		expect((await events(a.task!.id)).map((e) => [e.action, e.fromState, e.toState, e.userId])).toEqual([['claim', 'new', 'in_progress', alice.id]]);
	});

	it('refuses illegal transitions with 409 and says why; only the holder may submit', async () => {
		const projectId = await newProject();
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		const { task } = await next(projectId, alice);
		const byBob = await act(task!.id, bob, 'submit');
		expect(byBob.status).toBe(409);
		expect((await byBob.json()).error.code).toBe('not_yours');
		const accept = await act(task!.id, reviewer, 'accept');
		expect(accept.status).toBe(409);
		expect((await accept.json()).error).toMatchObject({
			code: 'illegal_transition',
			message: 'Cannot accept a task that is in progress: only a task that is in review can be.',
			state: 'in_progress'
		});
		const exporterTries = await act(task!.id, exporter, 'submit');
		expect(exporterTries.status).toBe(403);
		expect((await actOk(task!.id, alice, 'submit')).state).toBe('submitted');
		const again = await act(task!.id, alice, 'submit');
		expect(again.status).toBe(409);
		expect((await again.json()).error.message).toBe('Cannot submit a task that is submitted: only a task that is in progress can be.');
		const heartbeat = await ctx.json('POST', `/api/tasks/${task!.id}/heartbeat`, undefined, alice.cookie);
		expect(heartbeat.status).toBe(409);
	});

	it('reviews: never hands a reviewer their own transcription; return needs a comment; resubmission counts rounds', async () => {
		const projectId = await newProject();
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		// The admin may transcribe and review: their own submitted work is not theirs to review.
		const { task } = await next(projectId, admin);
		await actOk(task!.id, admin, 'submit');
		const own = await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, admin.cookie);
		expect((await own.json()).task).toBeNull();
		const transcriberReviews = await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, alice.cookie);
		expect(transcriberReviews.status).toBe(403);

		const review = await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, reviewer.cookie);
		const taken = (await review.json()).task as TaskDto;
		expect(taken).toMatchObject({ id: task!.id, state: 'in_review', reviewerId: reviewer.id });
		const noComment = await act(task!.id, reviewer, 'return');
		expect(noComment.status).toBe(422);
		expect((await actOk(task!.id, reviewer, 'return', 'Segment 2: 佢 not 渠')).state).toBe('returned');
		// Next task brings the returned work back to its transcriber first.
		const back = await next(projectId, admin);
		expect(back).toMatchObject({ resumed: true, task: { id: task!.id, state: 'in_progress', reviewRound: 1 } });
		await actOk(task!.id, admin, 'submit');
		await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, reviewer.cookie);
		const accepted = await actOk(task!.id, reviewer, 'accept');
		expect(accepted).toMatchObject({ state: 'accepted', reviewRound: 1 });
		expect(accepted.acceptedAt).not.toBeNull();
		expect((await events(task!.id)).map((e) => e.action)).toEqual([
			'claim', 'submit', 'claim_review', 'return', 'start', 'submit', 'claim_review', 'accept'
		]);
		expect((await events(task!.id))[3].note).toBe('Segment 2: 佢 not 渠');
		// Every transition is in the audit trail too, with who and what.
		const trail = await ctx.deps.db.selectFrom('audit_log').select(['action', 'actor_id', 'details', 'project_id', 'target_type']).where('target_id', '=', task!.id).orderBy('created_at').orderBy('id').execute();
		expect(trail.every((a) => a.project_id === projectId && a.target_type === 'task')).toBe(true);
		expect(trail[0]).toMatchObject({ actor_id: admin.id });
		expect(trail.map((a) => [a.action, JSON.parse(a.details).action])).toEqual([
			['task.transition', 'claim'], ['task.transition', 'submit'], ['task.transition', 'claim_review'], ['task.transition', 'return'],
			['task.transition', 'start'], ['task.transition', 'submit'], ['task.transition', 'claim_review'], ['task.transition', 'accept']
		]);
		expect(trail[3]).toMatchObject({ actor_id: reviewer.id });
	});

	it('a lapsed lease returns the task to the queue, counted as a lapse; the former holder cannot submit', async () => {
		const projectId = await newProject();
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		const { task } = await next(projectId, alice);
		const renewed = await ctx.json('POST', `/api/tasks/${task!.id}/heartbeat`, undefined, alice.cookie);
		expect(renewed.status).toBe(200);
		await ctx.deps.db.updateTable('task').set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', task!.id).execute();
		// Listing sweeps lapsed leases (claims do too, at most once a second per server).
		const list = await (await ctx.json('GET', `/api/projects/${projectId}/tasks`, undefined, admin.cookie)).json();
		expect(list.counts).toMatchObject({ new: 1, in_progress: 0 });
		const lapse = (await events(task!.id)).at(-1)!;
		expect(lapse).toMatchObject({ action: 'lapse', fromState: 'in_progress', toState: 'new', userId: null });
		const stale = await act(task!.id, alice, 'submit');
		expect(stale.status).toBe(409);
		const b = await next(projectId, bob);
		expect(b.task).toMatchObject({ id: task!.id, assigneeId: bob.id });
	});

	it('a save renews the lease of the task held on that recording', async () => {
		const projectId = await newProject();
		const recording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		const { task } = await next(projectId, carol);
		const soon = new Date(Date.now() + 60_000).toISOString();
		await ctx.deps.db.updateTable('task').set({ lease_expires_at: soon }).where('id', '=', task!.id).execute();
		const save = await ctx.json('POST', `/api/recordings/${recording.id}/segments`, { startMs: 0, endMs: 1000 }, carol.cookie);
		expect(save.status).toBe(201);
		const row = await ctx.deps.db.selectFrom('task').select('lease_expires_at').where('id', '=', task!.id).executeTakeFirstOrThrow();
		expect(Date.parse(row.lease_expires_at!)).toBeGreaterThan(Date.now() + 29 * 60_000);
	});

	it('double transcription: N variants per window, never two to one person, segments kept apart by variant', async () => {
		const projectId = await newProject({ transcriptionsPerTask: 2 });
		const recording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		expect((await createTasks(projectId)).created).toBe(2);
		const a = (await next(projectId, alice)).task!;
		await actOk(a.id, alice, 'submit');
		// Alice already had this window: the other variant is not hers.
		expect((await next(projectId, alice)).task).toBeNull();
		const b = (await next(projectId, bob)).task!;
		expect(new Set([a.variant, b.variant])).toEqual(new Set([0, 1]));
		const variantOfBob = b.variant;
		const made = await ctx.json('POST', `/api/recordings/${recording.id}/segments`, { startMs: 0, endMs: 1000, variant: variantOfBob, texts: { transcript: '我哋' } }, bob.cookie);
		expect(made.status).toBe(201);
		const list = async (variant?: number, user = bob) => {
			const q = variant === undefined ? '' : `?variant=${variant}`;
			return (await (await ctx.json('GET', `/api/recordings/${recording.id}/segments${q}`, undefined, user.cookie)).json()).segments;
		};
		expect(await list(variantOfBob)).toHaveLength(1);
		// Variant 1 is only for its task's transcriber (and reviewers): Bob reads it only when it is his.
		expect(await list(variantOfBob === 0 ? 1 : 0, variantOfBob === 0 ? admin : bob)).toHaveLength(0);
		expect((await list()).length).toBe(variantOfBob === 0 ? 1 : 0);
	});

	it('managers assign, prioritise and see all; transcribers see only theirs; others get 403', async () => {
		const projectId = await newProject();
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		const all = (await (await ctx.json('GET', `/api/projects/${projectId}/tasks`, undefined, admin.cookie)).json()).tasks as TaskDto[];
		const target = all[1];
		const assigned = await ctx.json('PATCH', `/api/tasks/${target.id}`, { assigneeId: carol.id, priority: 3 }, admin.cookie);
		expect(assigned.status).toBe(200);
		expect((await assigned.json()).task).toMatchObject({ assigneeId: carol.id, priority: 3, state: 'new' });
		const forbidden = await ctx.json('PATCH', `/api/tasks/${target.id}`, { priority: 9 }, alice.cookie);
		expect(forbidden.status).toBe(403);
		const toExporter = await ctx.json('PATCH', `/api/tasks/${target.id}`, { assigneeId: exporter.id }, admin.cookie);
		expect(toExporter.status).toBe(422);
		// The assigned task is carol's: alice gets the other one, carol hers.
		expect((await next(projectId, alice)).task!.id).not.toBe(target.id);
		expect((await next(projectId, carol)).task!.id).toBe(target.id);
		const mine = await (await ctx.json('GET', `/api/projects/${projectId}/tasks`, undefined, carol.cookie)).json();
		expect(mine.tasks.map((t: TaskDto) => t.id)).toEqual([target.id]);
		const othersTask = await ctx.json('GET', `/api/tasks/${target.id}`, undefined, alice.cookie);
		expect(othersTask.status).toBe(404);
		const markNotAccepted = await ctx.json('PATCH', `/api/tasks/${target.id}`, { isGold: true }, admin.cookie);
		expect(markNotAccepted.status).toBe(409);
		const settings = await ctx.json('PUT', `/api/projects/${projectId}/tasks/settings`, { chunkMinutes: 5, overlapSeconds: 2, leaseMinutes: 20, transcriptionsPerTask: 1, goldPercent: 10 }, alice.cookie);
		expect(settings.status).toBe(403);
		const unknown = await ctx.json('GET', `/api/projects/no-such-project/tasks`, undefined, alice.cookie);
		expect(unknown.status).toBe(404);
	});

	it('gold: copies served at the project rate without telling, scored by CER against the gold text', async () => {
		const projectId = await newProject({ goldPercent: 50 });
		const goldRecording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);
		// The admin transcribes the gold window, a reviewer accepts it, the manager marks it gold.
		const goldTask = (await next(projectId, admin)).task!;
		const made = await createSegments(ctx.deps.db, {
			recordingId: goldRecording.id,
			userId: admin.id,
			inputs: [
				{ startMs: 0, endMs: 2000, texts: { transcript: '我哋去饮茶，' } },
				{ startMs: 3000, endMs: 5000, texts: { transcript: '好唔好' } }
			]
		});
		expect(made.ok).toBe(true);
		await actOk(goldTask.id, admin, 'submit');
		await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, reviewer.cookie);
		// The reviewer corrects the second segment: the gold text is the accepted version, not the original.
		const second = made.ok ? made.segments[1] : undefined;
		const correction = await ctx.json(
			'POST',
			`/api/segments/${second!.id}/reviews`,
			{ baseVersion: 1, decision: 'correct', corrected: { texts: { transcript: '好唔好呀' } }, categories: ['omission'], taskId: goldTask.id },
			reviewer.cookie
		);
		expect(correction.status).toBe(201);
		// A task is accepted once every segment of its window has a decision.
		const firstSegment = made.ok ? made.segments[0] : undefined;
		const acceptFirst = await ctx.json('POST', `/api/segments/${firstSegment!.id}/reviews`, { baseVersion: 1, decision: 'accept', taskId: goldTask.id }, reviewer.cookie);
		expect(acceptFirst.status).toBe(201);
		await actOk(goldTask.id, reviewer, 'accept');
		const marked = await ctx.json('PATCH', `/api/tasks/${goldTask.id}`, { isGold: true }, admin.cookie);
		expect((await marked.json()).task.isGold).toBe(true);
		for (let i = 0; i < 3; i++) await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await createTasks(projectId);

		// 50 %: the first claim is ordinary, the second a gold copy (a quota, so predictable here).
		const first = (await next(projectId, bob)).task!;
		expect(first.recordingId).not.toBe(goldRecording.id);
		await actOk(first.id, bob, 'submit');
		const copy = (await next(projectId, bob)).task!;
		expect(copy).toMatchObject({ recordingId: goldRecording.id, startMs: 0, endMs: 60_000, isGold: false, goldSourceId: null, goldScore: null });
		expect(copy.variant).toBeGreaterThan(0);
		const seeded = (await (await ctx.json('GET', `/api/recordings/${goldRecording.id}/segments?variant=${copy.variant}`, undefined, bob.cookie)).json()).segments;
		expect(seeded.map((s: { startMs: number; endMs: number; texts: object }) => [s.startMs, s.endMs, s.texts])).toEqual([
			[0, 2000, {}],
			[3000, 5000, {}]
		]);
		// Bob hears 我哋去饮茶 好唔好呀 and writes one character wrong and drops two.
		await ctx.json('PATCH', `/api/segments/${seeded[0].id}`, { version: 1, texts: { transcript: '我地去饮茶' } }, bob.cookie);
		await ctx.json('PATCH', `/api/segments/${seeded[1].id}`, { version: 1, texts: { transcript: '好唔' } }, bob.cookie);
		await actOk(copy.id, bob, 'submit');
		const scored = (await (await ctx.json('GET', `/api/tasks/${copy.id}`, undefined, admin.cookie)).json()).task as TaskDto;
		expect(scored).toMatchObject({ goldSourceId: goldTask.id, goldScore: { errors: 3, refLength: 9, cer: 3 / 9 } });
		const accuracy = await (await ctx.json('GET', `/api/projects/${projectId}/tasks/gold-accuracy`, undefined, admin.cookie)).json();
		expect(accuracy.transcribers).toEqual([{ userId: bob.id, name: 'Test transcriber', goldTasks: 1, errors: 3, refLength: 9, cer: 3 / 9, accuracy: 1 - 3 / 9 }]);
		// Gold copies never reach reviewers, and nobody gets the same gold window twice.
		const reviewQueue = await (await ctx.json('POST', `/api/projects/${projectId}/tasks/next-review`, undefined, reviewer.cookie)).json();
		expect(reviewQueue.task.id).toBe(first.id);
		const third = (await next(projectId, bob)).task!;
		await actOk(third.id, bob, 'submit');
		const fourth = (await next(projectId, bob)).task!;
		expect(fourth.recordingId).not.toBe(goldRecording.id);
		const noGoldForBob = await ctx.json('GET', `/api/projects/${projectId}/tasks/gold-accuracy`, undefined, bob.cookie);
		expect(noGoldForBob.status).toBe(403);
	});

	it('many concurrent claimers never get the same task', async () => {
		const projectId = await newProject();
		for (let i = 0; i < 12; i++) await insertTestRecording(ctx.deps.db, { projectId, durationMs: 30 * 60_000 });
		const created = (await createTasks(projectId)).created;
		// 30 minutes: windows at 0, 9:55, 19:50 and a short one from 29:45.
		expect(created).toBe(48);
		const users = await Promise.all(Array.from({ length: 60 }, () => ctx.createUser('transcriber')));
		for (const u of users) await ctx.addMember(projectId, u);
		// A second pool, so PostgreSQL sees many transactions at once (SQLite: one writer, as in production).
		const handle = kind === 'postgres' ? createDb({ url: inject('pgUrl'), schema: await schemaOf(ctx), poolSize: 30 }) : undefined;
		const db = handle?.db ?? ctx.deps.db;
		try {
			const results = await Promise.all(
				users.map(async (u) => {
					const access = (await taskAccess(db, { id: u.id, role: 'member' }, projectId))!;
					const result = await claimNextTask(db, { projectId, user: u, access });
					return result.ok ? result.task : null;
				})
			);
			const ids = results.filter((t) => t !== null).map((t) => t!.id);
			expect(ids).toHaveLength(created);
			expect(new Set(ids).size).toBe(created);
			const rows = await ctx.deps.db.selectFrom('task').select(['assignee_id', 'state']).where('project_id', '=', projectId).execute();
			expect(rows.every((r) => r.state === 'in_progress' && r.assignee_id !== null)).toBe(true);
			const claims = await ctx.deps.db.selectFrom('task_event').select('task_id').where('project_id', '=', projectId).where('action', '=', 'claim').execute();
			expect(claims).toHaveLength(created);
		} finally {
			await handle?.close();
		}
	});
});

async function schemaOf(ctx: TestContext): Promise<string> {
	const row = await sql<{ s: string }>`select current_schema() as s`.execute(ctx.deps.db);
	return row.rows[0].s;
}
