import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import type { TaskDto } from '../tasks/tasks.mapper.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { DEFAULT_ERROR_CATEGORIES } from './review-settings.ts';

type User = { id: string; cookie: string };

describe.each(DB_KINDS)('review inside tasks on %s', (kind) => {
	let ctx: TestContext;
	let admin: User;
	let transcriber: User;
	let first: User;
	let second: User;
	let projectId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		first = await ctx.createUser('reviewer');
		second = await ctx.createUser('reviewer');
		projectId = (await (await ctx.json('POST', '/api/projects', { name: 'Task review' }, admin.cookie)).json()).project.id;
		for (const who of [transcriber, first, second]) await ctx.addMember(projectId, who);
		const stages = [
			{ nameEn: 'First check', nameZh: '一审' },
			{ nameEn: 'Acceptance', nameZh: '验收' }
		];
		expect((await ctx.json('PUT', `/api/projects/${projectId}/review-settings`, { stages, categories: DEFAULT_ERROR_CATEGORIES, qaThreshold: 0.05 }, admin.cookie)).status).toBe(200);
		await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		expect((await ctx.json('POST', `/api/projects/${projectId}/tasks`, {}, admin.cookie)).status).toBe(201);
	});
	afterAll(() => ctx.close());

	const act = (taskId: string, user: User, action: string, note?: string) => ctx.json('POST', `/api/tasks/${taskId}/transitions`, { action, note }, user.cookie);
	const claim = async (user: User, what: 'next' | 'next-review'): Promise<TaskDto> => {
		const res = await ctx.json('POST', `/api/projects/${projectId}/tasks/${what}`, undefined, user.cookie);
		expect(res.status).toBe(200);
		return (await res.json()).task;
	};
	const decide = (s: SegmentDto, task: TaskDto, user: User, body: Record<string, unknown>) =>
		ctx.json('POST', `/api/segments/${s.id}/reviews`, { baseVersion: s.version, taskId: task.id, ...body }, user.cookie);

	it('decides per segment at the task stage, accepts only when all are decided, passes stage 1 on, returns with a comment', async () => {
		let task = await claim(transcriber, 'next');
		const segments: SegmentDto[] = [];
		for (const [i, text] of ['我哋去饮茶', '好耐冇见'].entries()) {
			const res = await ctx.json('POST', `/api/recordings/${task.recordingId}/segments`, { startMs: i * 3000, endMs: i * 3000 + 2000, texts: { transcript: text } }, transcriber.cookie);
			segments.push((await res.json()).segment);
		}
		expect((await act(task.id, transcriber, 'submit')).status).toBe(200);

		// Not in review yet: no decision inside the task.
		expect((await (await decide(segments[0], task, first, { decision: 'accept' })).json()).error.code).toBe('task_not_in_review');
		task = await claim(first, 'next-review');
		expect(task.state).toBe('in_review');
		expect((await (await decide(segments[0], task, second, { decision: 'accept' })).json()).error.code).toBe('not_yours');
		expect((await decide(segments[0], task, first, { decision: 'accept', stage: 2 })).status).toBe(422);

		const corrected = await decide(segments[0], task, first, { decision: 'correct', corrected: { texts: { transcript: '我哋去飲茶' } }, categories: ['substitution'] });
		expect(corrected.status).toBe(201);
		expect((await corrected.json()).review).toMatchObject({ taskId: task.id, stage: 1 });
		const early = await act(task.id, first, 'pass');
		expect(early.status).toBe(409);
		expect((await early.json()).error).toMatchObject({ code: 'review_incomplete', remaining: 1 });
		expect((await decide(segments[1], task, first, { decision: 'accept' })).status).toBe(201);
		// Stage 1 of 2: accepting outright would skip the acceptance stage.
		expect((await (await act(task.id, first, 'accept')).json()).error.code).toBe('more_stages');
		const passed = await act(task.id, first, 'pass');
		expect(passed.status).toBe(200);
		expect((await passed.json()).task).toMatchObject({ state: 'submitted', reviewStage: 2 });

		// Stage 2 takes it, sees stage 1's correction as the text to judge, and returns it with a comment.
		task = await claim(second, 'next-review');
		expect(task).toMatchObject({ state: 'in_review', reviewStage: 2 });
		const view = await (await ctx.json('GET', `/api/recordings/${task.recordingId}/review`, undefined, second.cookie)).json();
		expect(view.segments[0].accepted.fields.texts.transcript).toBe('我哋去飲茶');
		expect((await decide(segments[0], task, second, { decision: 'reject', categories: ['omission'], comment: '漏字' })).status).toBe(201);
		expect((await decide(segments[1], task, second, { decision: 'accept' })).status).toBe(201);
		expect((await (await act(task.id, second, 'pass')).json()).error.code).toBe('last_stage');
		const returned = await act(task.id, second, 'return', 'Please fix segment 1');
		expect(returned.status).toBe(200);
		expect((await returned.json()).task).toMatchObject({ state: 'returned', reviewStage: 1, reviewRound: 1 });

		// The transcriber fixes the rejected segment and resubmits; only that segment waits for a new decision.
		expect((await act(task.id, transcriber, 'start')).status).toBe(200);
		const fixed = await ctx.json('PATCH', `/api/segments/${segments[0].id}`, { version: segments[0].version, texts: { transcript: '我哋一齊去飲茶' } }, transcriber.cookie);
		expect(fixed.status).toBe(200);
		const fixedSegment: SegmentDto = (await fixed.json()).segment;
		expect((await act(task.id, transcriber, 'submit')).status).toBe(200);
		task = await claim(first, 'next-review');
		expect(task.reviewStage).toBe(1);
		const notYet = await act(task.id, first, 'pass');
		expect((await notYet.json()).error).toMatchObject({ code: 'review_incomplete', remaining: 1 });
		expect((await decide(fixedSegment, task, first, { decision: 'accept' })).status).toBe(201);
		expect((await act(task.id, first, 'pass')).status).toBe(200);
		task = await claim(second, 'next-review');
		// Stage 2's earlier decision on the unchanged segment still counts; the fixed one needs one.
		expect((await (await act(task.id, second, 'accept')).json()).error).toMatchObject({ code: 'review_incomplete', remaining: 1 });
		expect((await decide(fixedSegment, task, second, { decision: 'accept' })).status).toBe(201);
		const accepted = await act(task.id, second, 'accept');
		expect(accepted.status).toBe(200);
		expect((await accepted.json()).task.state).toBe('accepted');
	});
});
