import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBurstRecording } from '../presegment/test-audio.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext, type TestUser } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { TaskDto } from './tasks.mapper.ts';

/**
 * Who sees and writes a recording's variants (server/tasks/variant-access.ts): the primary is for
 * every member; a double transcription's variant k > 0 for the transcriber holding its task (read
 * only once submitted) and for reviewers and managers; a foreign variant is a 404, like an unknown id.
 */
describe.each(DB_KINDS)('variants of a double transcription on %s', (kind) => {
	let ctx: TestContext;
	let admin: TestUser;
	let first: TestUser;
	let second: TestUser;
	let reviewer: TestUser;
	let manager: TestUser;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		first = await ctx.createUser('transcriber');
		second = await ctx.createUser('transcriber');
		reviewer = await ctx.createUser('reviewer');
		manager = await ctx.createUser('manager');
	});
	afterAll(() => ctx.close());

	/** A project asking for two transcriptions per window, with its members. */
	async function doubleProject(chunkMinutes = 10) {
		const projectId = (await (await ctx.json('POST', '/api/projects', { name: `Double ${Math.random().toString(36).slice(2)}` }, admin.cookie)).json()).project.id as string;
		for (const user of [first, second, reviewer, manager]) await ctx.addMember(projectId, user);
		const put = await ctx.json('PUT', `/api/projects/${projectId}/tasks/settings`, { chunkMinutes, overlapSeconds: 5, leaseMinutes: 30, transcriptionsPerTask: 2, goldPercent: 0 }, admin.cookie);
		expect(put.status).toBe(200);
		return projectId;
	}

	/** Creates the tasks and gives `first` variant 1 and `second` variant 0 of the first window, both claimed. */
	async function claimBoth(projectId: string, recordingId: string) {
		expect((await ctx.json('POST', `/api/projects/${projectId}/tasks`, {}, admin.cookie)).status).toBe(201);
		const tasks = ((await (await ctx.json('GET', `/api/projects/${projectId}/tasks`, undefined, admin.cookie)).json()).tasks as TaskDto[])
			.filter((t) => t.recordingId === recordingId && t.startMs === 0);
		const of = (variant: number) => tasks.find((t) => t.variant === variant)!;
		for (const [task, user] of [[of(1), first], [of(0), second]] as const) {
			expect((await ctx.json('PATCH', `/api/tasks/${task.id}`, { assigneeId: user.id }, admin.cookie)).status).toBe(200);
			const claimed = await (await ctx.json('POST', `/api/projects/${projectId}/tasks/next`, undefined, user.cookie)).json();
			expect(claimed.task).toMatchObject({ id: task.id, state: 'in_progress', assigneeId: user.id });
		}
		return { mine: of(1), theirs: of(0) };
	}

	const list = (recordingId: string, variant: number, user: TestUser) =>
		ctx.json('GET', `/api/recordings/${recordingId}/segments?variant=${variant}`, undefined, user.cookie);
	const create = (recordingId: string, user: TestUser, body: Record<string, unknown>) =>
		ctx.json('POST', `/api/recordings/${recordingId}/segments`, body, user.cookie);

	it('keeps the first transcriber’s variant from the second: 404 to read or write it, as for an unknown id', async () => {
		const projectId = await doubleProject();
		const recording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		await claimBoth(projectId, recording.id);

		const made = await create(recording.id, first, { startMs: 1000, endMs: 2000, variant: 1, texts: { transcript: '我哋去饮茶' } });
		expect(made.status, await made.clone().text()).toBe(201);
		const segment = (await made.json()).segment;
		expect(segment.variant).toBe(1);

		// The second transcriber: the variant, its segment and its history are not there for them.
		const refused = [
			await list(recording.id, 1, second),
			await ctx.json('GET', `/api/recordings/${recording.id}/review?variant=1`, undefined, second.cookie),
			await ctx.json('GET', `/api/segments/${segment.id}/revisions`, undefined, second.cookie),
			await ctx.json('GET', `/api/segments/${segment.id}/reviews`, undefined, second.cookie),
			await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, texts: { transcript: '抄' } }, second.cookie),
			await ctx.json('DELETE', `/api/segments/${segment.id}?version=1`, undefined, second.cookie),
			await create(recording.id, second, { startMs: 3000, endMs: 4000, variant: 1 }),
			// A variant nobody has is answered the same: existence does not leak either.
			await list(recording.id, 7, second)
		];
		for (const res of refused) {
			expect(res.status, res.url).toBe(404);
			expect((await res.json()).error.message).toMatch(/^(Segment|Transcription \d of this recording) not found$/);
		}
		// Their own variant (the primary) is theirs as ever, and the first's segment is not in it.
		expect((await create(recording.id, second, { startMs: 1000, endMs: 2000, texts: { transcript: '饮茶' } })).status).toBe(201);
		const primary = (await (await list(recording.id, 0, second)).json()).segments;
		expect(primary.map((s: { variant: number }) => s.variant)).toEqual([0]);

		// A QA sample over the recording lists the variant's segment to the reviewer who drew it, not to the second transcriber.
		const drawn = await ctx.json('POST', `/api/projects/${projectId}/qa-batches`, { recordingIds: [recording.id], percent: 100, seed: 'v' }, reviewer.cookie);
		expect(drawn.status).toBe(201);
		const batchId = (await drawn.json()).batch.id;
		const sampled = async (user: TestUser) =>
			((await (await ctx.json('GET', `/api/qa-batches/${batchId}`, undefined, user.cookie)).json()).items as { segmentId: string }[]).map((i) => i.segmentId);
		expect(await sampled(reviewer)).toContain(segment.id);
		expect(await sampled(first)).toContain(segment.id);
		expect(await sampled(second)).not.toContain(segment.id);
		expect((await sampled(second)).length).toBe((await sampled(reviewer)).length - 1);

		// Nothing was written by the refused calls.
		const mine = (await (await list(recording.id, 1, first)).json()).segments;
		expect(mine).toMatchObject([{ id: segment.id, version: 1, texts: { transcript: '我哋去饮茶' } }]);
		expect((await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, texts: { transcript: '我哋去饮早茶' } }, first.cookie)).status).toBe(200);
	});

	it('lets reviewers and managers read every variant; only the holder writes it, while the task is in progress and in its window', async () => {
		const projectId = await doubleProject();
		const recording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 25 * 60_000 });
		const { mine } = await claimBoth(projectId, recording.id);
		expect(mine.endMs).toBeLessThan(25 * 60_000);
		const segment = (await (await create(recording.id, first, { startMs: 0, endMs: 900, variant: 1, texts: { transcript: '一' } })).json()).segment;

		for (const user of [reviewer, manager, admin]) {
			const res = await list(recording.id, 1, user);
			expect(res.status).toBe(200);
			expect((await res.json()).segments.map((s: { id: string }) => s.id)).toEqual([segment.id]);
			expect((await ctx.json('GET', `/api/segments/${segment.id}/revisions`, undefined, user.cookie)).status).toBe(200);
		}
		// Reading is not writing: a reviewer has no `transcribe` (403); a manager is not the holder (409, saying so).
		expect((await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, startMs: 10 }, reviewer.cookie)).status).toBe(403);
		const managerEdit = await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, startMs: 10 }, manager.cookie);
		expect(managerEdit.status).toBe(409);
		expect((await managerEdit.json()).error).toMatchObject({ code: 'variant_not_editable', message: expect.stringMatching(/another transcriber's task/) });

		// Outside the holder's window (the task is the first 10 minutes): 409, for a new segment and for a move.
		const outside = await create(recording.id, first, { startMs: mine.endMs + 60_000, endMs: mine.endMs + 61_000, variant: 1 });
		expect(outside.status).toBe(409);
		expect((await outside.json()).error).toMatchObject({ code: 'variant_not_editable', message: expect.stringMatching(/window \(0:00–10:00\)/) });
		const moved = await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, startMs: mine.endMs + 1000, endMs: mine.endMs + 2000 }, first.cookie);
		expect(moved.status).toBe(409);

		// Submitted: still theirs to read, no longer to write.
		expect((await ctx.json('POST', `/api/tasks/${mine.id}/transitions`, { action: 'submit' }, first.cookie)).status).toBe(200);
		expect((await list(recording.id, 1, first)).status).toBe(200);
		const afterSubmit = [
			await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, texts: { transcript: '二' } }, first.cookie),
			await ctx.json('DELETE', `/api/segments/${segment.id}?version=1`, undefined, first.cookie),
			await create(recording.id, first, { startMs: 2000, endMs: 3000, variant: 1 })
		];
		for (const res of afterSubmit) {
			expect(res.status).toBe(409);
			expect((await res.json()).error).toMatchObject({ code: 'variant_not_editable', variant: 1, message: 'Transcription 1 of this recording is your task\'s, which is submitted: it is read-only now' });
		}
		expect((await (await list(recording.id, 1, admin)).json()).segments).toMatchObject([{ id: segment.id, version: 1, texts: { transcript: '一' } }]);
	});

	it('a lapsed lease ends the right to write; a released task ends the right to read', async () => {
		const projectId = await doubleProject();
		const recording = await insertTestRecording(ctx.deps.db, { projectId, durationMs: 60_000 });
		const { mine } = await claimBoth(projectId, recording.id);
		expect((await create(recording.id, first, { startMs: 0, endMs: 900, variant: 1 })).status).toBe(201);
		await ctx.deps.db.updateTable('task').set({ lease_expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', mine.id).execute();
		const lapsed = await create(recording.id, first, { startMs: 1000, endMs: 1900, variant: 1 });
		expect(lapsed.status).toBe(409);
		expect((await lapsed.json()).error.message).toMatch(/lease of your task lapsed/);
		await ctx.deps.db.updateTable('task').set({ lease_expires_at: '2999-01-01T00:00:00.000Z' }).where('id', '=', mine.id).execute();
		expect((await ctx.json('POST', `/api/tasks/${mine.id}/transitions`, { action: 'release' }, first.cookie)).status).toBe(200);
		expect((await list(recording.id, 1, first)).status).toBe(404);
	});

	it('pre-segments into the variant of the task held, in its window; a variant not theirs is refused before any decoding', async () => {
		const projectId = await doubleProject(1);
		const { recordingId } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			projectId,
			durationMs: 90_000,
			bursts: [
				{ startMs: 1000, endMs: 3000, amplitude: 0.5 },
				{ startMs: 6000, endMs: 8000, amplitude: 0.5 },
				// In the second window only (1:00–1:30).
				{ startMs: 75_000, endMs: 77_000, amplitude: 0.5 }
			]
		});
		await claimBoth(projectId, recordingId);
		const presegment = (user: TestUser, body: Record<string, unknown>) => ctx.json('POST', `/api/recordings/${recordingId}/presegment`, body, user.cookie);

		const preview = await presegment(first, { apply: false });
		expect(preview.status).toBe(200);
		const proposed = await preview.json();
		expect(proposed.variant).toBe(1);
		expect(proposed.proposals).toHaveLength(2);

		const applied = await presegment(first, { apply: true });
		expect(applied.status).toBe(201);
		const body = await applied.json();
		expect(body).toMatchObject({ variant: 1, skipped: 0 });
		expect(body.segments.map((s: { variant: number; origin: string }) => [s.variant, s.origin])).toEqual([[1, 'presegment'], [1, 'presegment']]);
		expect((await (await list(recordingId, 1, first)).json()).segments).toHaveLength(2);
		expect((await (await list(recordingId, 0, admin)).json()).segments).toHaveLength(0);
		// Applying again inserts nothing: the proposals overlap that variant's segments.
		expect(await (await presegment(first, { apply: true })).json()).toMatchObject({ segments: [], skipped: 2, variant: 1 });

		// The second transcriber holds variant 0: theirs by default; variant 1 is not there for them.
		const foreign = await presegment(second, { apply: true, variant: 1 });
		expect(foreign.status).toBe(404);
		const own = await (await presegment(second, { apply: true })).json();
		expect(own).toMatchObject({ variant: 0, skipped: 0 });
		expect(own.segments).toHaveLength(3);
		// A manager names the variant but holds no task of it.
		const managers = await presegment(manager, { apply: true, variant: 1 });
		expect(managers.status).toBe(409);
		expect((await managers.json()).error.code).toBe('variant_not_editable');
		expect((await (await list(recordingId, 1, admin)).json()).segments).toHaveLength(2);
	});
});
