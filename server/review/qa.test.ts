import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { QaBatchDetailDto, RecordingMetricsDto } from './review.schemas.ts';

type Who = { id: string; cookie: string };

describe.each(DB_KINDS)('QA sampling and review metrics on %s', (kind) => {
	let ctx: TestContext;
	let admin: Who;
	let ann: Who;
	let bo: Who;
	let reviewer: Who;
	let project: ProjectDto;
	let recordings: string[];
	const segments: SegmentDto[] = [];

	const tag = (code: string) => project.dialectTags.find((t) => t.code === code)!.id;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		ann = await ctx.createUser('transcriber');
		bo = await ctx.createUser('transcriber');
		reviewer = await ctx.createUser('reviewer');
		project = (await (await ctx.json('POST', '/api/projects', { name: 'QA' }, admin.cookie)).json()).project;
		for (const who of [ann, bo, reviewer]) await ctx.addMember(project.id, who);
		recordings = [
			(await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 600_000 })).id,
			(await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 600_000 })).id
		];
		// ann: 20 yue + 10 wuu on the first recording; bo: 10 yue on the second.
		const plan: [Who, string, string, number][] = [
			[ann, recordings[0], 'yue', 20],
			[ann, recordings[0], 'wuu', 10],
			[bo, recordings[1], 'yue', 10]
		];
		let t = 0;
		for (const [who, recordingId, code, n] of plan) {
			for (let i = 0; i < n; i++, t += 2000) {
				const res = await ctx.json(
					'POST',
					`/api/recordings/${recordingId}/segments`,
					{ startMs: t, endMs: t + 1500, dialectTagId: tag(code), texts: { transcript: '我哋今日去饮茶' } },
					who.cookie
				);
				segments.push((await res.json()).segment);
			}
		}
	});
	afterAll(() => ctx.close());

	const draw = (body: Record<string, unknown>, who = reviewer) => ctx.json('POST', `/api/projects/${project.slug}/qa-batches`, body, who.cookie);
	const draw2 = (slug: string, body: Record<string, unknown>) => ctx.json('POST', `/api/projects/${slug}/qa-batches`, body, reviewer.cookie);

	it('draws a stratified sample, reproducible from its seed', async () => {
		const res = await draw({ recordingIds: recordings, percent: 20, seed: 'week-49' });
		expect(res.status).toBe(201);
		const first: QaBatchDetailDto = await res.json();
		expect(first.batch).toMatchObject({ population: 40, sampled: 8, seed: 'week-49', state: 'open', stage: 1 });
		const strata = Object.fromEntries(first.strata.map((s) => [`${s.transcriberId}|${s.dialectTagId}`, [s.population, s.sampled]]));
		expect(strata).toEqual({ [`${ann.id}|${tag('yue')}`]: [20, 4], [`${ann.id}|${tag('wuu')}`]: [10, 2], [`${bo.id}|${tag('yue')}`]: [10, 2] });
		const again: QaBatchDetailDto = await (await draw({ recordingIds: [...recordings].reverse(), percent: 20, seed: 'week-49' })).json();
		expect(again.items.map((i) => i.segmentId)).toEqual(first.items.map((i) => i.segmentId));
		const random: QaBatchDetailDto = await (await draw({ recordingIds: recordings, percent: 20 })).json();
		expect(random.batch.seed).toMatch(/^[0-9a-f]{12}$/);
		const list = await ctx.json('GET', `/api/projects/${project.id}/qa-batches`, undefined, ann.cookie);
		expect((await list.json()).batches).toHaveLength(3);
	});

	it('refuses transcribers, unknown recordings and empty scopes', async () => {
		expect((await draw({ recordingIds: recordings, percent: 20 }, ann)).status).toBe(403);
		expect((await draw({ recordingIds: ['0'.repeat(20)], percent: 20 })).status).toBe(404);
		const empty = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		expect((await draw({ recordingIds: [empty], percent: 20 })).status).toBe(422);
		expect((await draw({ recordingIds: recordings, percent: 0 })).status).toBe(400);
	});

	async function reviewSample(detail: QaBatchDetailDto, corrections: number) {
		for (const [i, item] of detail.items.entries()) {
			const s = segments.find((x) => x.id === item.segmentId)!;
			const body =
				i < corrections
					? { decision: 'correct', corrected: { texts: { transcript: '我哋今日去飲茶' } }, categories: ['substitution'] }
					: { decision: 'accept' };
			const res = await ctx.json('POST', `/api/segments/${s.id}/reviews`, { baseVersion: s.version, ...body }, reviewer.cookie);
			expect(res.status).toBe(201);
		}
	}

	it('decides the whole batch from the sample error rate against the threshold', async () => {
		await ctx.json(
			'PUT',
			`/api/projects/${project.id}/review-settings`,
			{ stages: [{ nameEn: 'QC', nameZh: '质检' }], categories: [{ key: 'substitution', nameEn: 'Sub', nameZh: '替换' }], qaThreshold: 0.02 },
			admin.cookie
		);
		// Batch A: 1 correction in 8 segments of 7 characters: 1/56 ≈ 0.018 ≤ 0.02 → accepted.
		const a: QaBatchDetailDto = await (await draw({ recordingIds: recordings, percent: 20, seed: 'a' })).json();
		expect(a.batch.threshold).toBe(0.02);
		const early = await ctx.json('POST', `/api/qa-batches/${a.batch.id}/decision`, undefined, reviewer.cookie);
		expect(early.status).toBe(409);
		expect((await early.json()).error).toMatchObject({ code: 'sample_incomplete', remaining: 8 });
		await reviewSample(a, 1);
		expect((await ctx.json('POST', `/api/qa-batches/${a.batch.id}/decision`, undefined, ann.cookie)).status).toBe(403);
		const decidedA = await ctx.json('POST', `/api/qa-batches/${a.batch.id}/decision`, undefined, reviewer.cookie);
		expect(decidedA.status).toBe(200);
		const detailA: QaBatchDetailDto = await decidedA.json();
		expect(detailA.batch.state).toBe('accepted');
		expect(detailA.batch.errorRate).toBeCloseTo(1 / 56);
		expect(detailA.progress).toEqual({ decided: 8, sampled: 8 });
		expect((await ctx.json('POST', `/api/qa-batches/${a.batch.id}/decision`, undefined, reviewer.cookie)).status).toBe(409);
		const logged = await ctx.deps.db.selectFrom('audit_log').select(['target_id', 'details']).where('action', '=', 'review.batch').where('target_id', '=', a.batch.id).execute();
		expect(logged.map((r) => JSON.parse(r.details).event).sort()).toEqual(['decide', 'draw']);

		// Batch B over the second recording only, 100 %: the segments not yet reviewed get 2 corrections in 10 → 2/70 > 0.02.
		const b: QaBatchDetailDto = await (await draw({ recordingIds: [recordings[1]], percent: 100, seed: 'b' })).json();
		const undecided = { ...b, items: b.items.filter((i) => i.state === 'unreviewed') };
		await reviewSample(undecided, 2);
		const detailB: QaBatchDetailDto = await (await ctx.json('POST', `/api/qa-batches/${b.batch.id}/decision`, undefined, reviewer.cookie)).json();
		expect(detailB.batch.state).toBe('returned');
		expect(detailB.batch.errorRate!).toBeGreaterThan(0.02);
	});

	it("moves the submitted tasks a batch stands for: passed on at a first stage, returned with the reason at the last, one in review left alone", async () => {
		const p2: ProjectDto = (await (await ctx.json('POST', '/api/projects', { name: 'QA tasks' }, admin.cookie)).json()).project;
		for (const who of [ann, reviewer]) await ctx.addMember(p2.id, who);
		const stages = [
			{ nameEn: 'QC', nameZh: '质检' },
			{ nameEn: 'Second check', nameZh: '二审' }
		];
		expect((await ctx.json('PUT', `/api/projects/${p2.id}/review-settings`, { stages, categories: [{ key: 'substitution', nameEn: 'Sub', nameZh: '替换' }], qaThreshold: 0.02 }, admin.cookie)).status).toBe(200);
		const recs = [];
		for (let i = 0; i < 3; i++) recs.push((await insertTestRecording(ctx.deps.db, { projectId: p2.id, durationMs: 60_000 })).id);
		expect((await ctx.json('POST', `/api/projects/${p2.id}/tasks`, {}, admin.cookie)).status).toBe(201);
		// ann takes, transcribes and submits the three tasks (one window each).
		const mine: SegmentDto[] = [];
		const taskIds: string[] = [];
		for (let i = 0; i < 3; i++) {
			const { task } = await (await ctx.json('POST', `/api/projects/${p2.id}/tasks/next`, undefined, ann.cookie)).json();
			taskIds.push(task.id);
			for (let k = 0; k < 2; k++) {
				const res = await ctx.json('POST', `/api/recordings/${task.recordingId}/segments`, { startMs: k * 2000, endMs: k * 2000 + 1500, texts: { transcript: '我哋今日去饮茶' } }, ann.cookie);
				mine.push((await res.json()).segment);
			}
			expect((await ctx.json('POST', `/api/tasks/${task.id}/transitions`, { action: 'submit' }, ann.cookie)).status).toBe(200);
		}
		const taskOf = async (id: string) => (await (await ctx.json('GET', `/api/tasks/${id}`, undefined, admin.cookie)).json()).task;
		const decideAll = async (detail: QaBatchDetailDto, stage: number, corrections: number) => {
			for (const [i, item] of detail.items.entries()) {
				const seg = mine.find((m) => m.id === item.segmentId)!;
				const body = i < corrections ? { decision: 'correct', corrected: { texts: { transcript: '我哋今日去飲茶' } }, categories: ['substitution'] } : { decision: 'accept' };
				expect((await ctx.json('POST', `/api/segments/${seg.id}/reviews`, { baseVersion: seg.version, stage, ...body }, reviewer.cookie)).status).toBe(201);
			}
		};

		// Stage 1, the whole sample accepted: the three tasks wait for the second check.
		const first: QaBatchDetailDto = await (await draw2(p2.slug, { recordingIds: recs, percent: 100, seed: 's1', stage: 1 })).json();
		expect([...first.batch.taskIds].sort()).toEqual([...taskIds].sort());
		await decideAll(first, 1, 0);
		const decided1: QaBatchDetailDto = await (await ctx.json('POST', `/api/qa-batches/${first.batch.id}/decision`, undefined, reviewer.cookie)).json();
		expect(decided1.batch.state).toBe('accepted');
		for (const id of taskIds) expect(await taskOf(id)).toMatchObject({ state: 'submitted', reviewStage: 2 });

		// Stage 2: a batch is drawn, then the reviewer takes one task for review themselves.
		const second: QaBatchDetailDto = await (await draw2(p2.slug, { recordingIds: recs, percent: 100, seed: 's2', stage: 2 })).json();
		expect(second.batch.taskIds).toHaveLength(3);
		const held = (await (await ctx.json('POST', `/api/projects/${p2.id}/tasks/next-review`, undefined, reviewer.cookie)).json()).task;
		expect(held.state).toBe('in_review');
		await decideAll(second, 2, 2);
		const decided2: QaBatchDetailDto = await (await ctx.json('POST', `/api/qa-batches/${second.batch.id}/decision`, undefined, reviewer.cookie)).json();
		expect(decided2.batch.state).toBe('returned');
		for (const id of taskIds) {
			const task = await taskOf(id);
			if (id === held.id) expect(task).toMatchObject({ state: 'in_review', reviewStage: 2 });
			else expect(task).toMatchObject({ state: 'returned', reviewStage: 1, assigneeId: ann.id });
		}
		const returned = taskIds.find((id) => id !== held.id)!;
		const { events } = await (await ctx.json('GET', `/api/tasks/${returned}/events`, undefined, admin.cookie)).json();
		const last = events[events.length - 1];
		expect(last).toMatchObject({ action: 'batch_return', fromState: 'submitted', toState: 'returned' });
		expect(last.note).toMatch(/error rate .* above the threshold of 2\.0 %/);
		const audit = await ctx.deps.db.selectFrom('audit_log').select('details').where('action', '=', 'review.batch').where('target_id', '=', second.batch.id).execute();
		expect(audit.map((r) => JSON.parse(r.details)).find((d) => d.event === 'decide')).toMatchObject({ tasksMoved: 2, tasksSkipped: 1 });
		// The transcriber's "Next task" gives the returned work back first.
		const next = (await (await ctx.json('POST', `/api/projects/${p2.id}/tasks/next`, undefined, ann.cookie)).json()).task;
		expect(taskIds.filter((id) => id !== held.id)).toContain(next.id);
		expect(next.state).toBe('in_progress');
	});

	it('gives reviewers CER/WER of the transcribers against the accepted versions, and agreement on tags', async () => {
		// A transcriber does not see how others scored (their own corrections are in the review view).
		const refused = await ctx.json('GET', `/api/recordings/${recordings[0]}/metrics`, undefined, ann.cookie);
		expect(refused.status).toBe(403);
		const res = await ctx.json('GET', `/api/recordings/${recordings[0]}/metrics`, undefined, reviewer.cookie);
		expect(res.status).toBe(200);
		const metrics: RecordingMetricsDto = await res.json();
		const corrected = metrics.transcriberVsAccepted.items.filter((i) => i.state === 'corrected');
		expect(metrics.layer).toBe('transcript');
		expect(metrics.unit).toBe('char');
		expect(metrics.transcriberVsAccepted.total.substitutions).toBe(corrected.length);
		expect(metrics.transcriberVsAccepted.total.refLength).toBe(7 * metrics.transcriberVsAccepted.reviewedSegments);
		// Nobody changed a tag: full agreement on the diagonal.
		const m = metrics.agreement.dialectTags.matrix;
		expect(m.n).toBe(metrics.transcriberVsAccepted.reviewedSegments);
		expect(m.counts.flatMap((row, i) => row.filter((_, j) => j !== i)).every((x) => x === 0)).toBe(true);
		expect(metrics.variants).toBeNull();

		const folded: RecordingMetricsDto = await (await ctx.json('GET', `/api/recordings/${recordings[0]}/metrics?foldVariants=1&unit=char`, undefined, reviewer.cookie)).json();
		expect(folded.transcriberVsAccepted.total.errors).toBe(0);
		expect(folded.normalization).toEqual(['foldVariants']);
		expect((await ctx.json('GET', `/api/recordings/${recordings[0]}/metrics?layer=nope`, undefined, reviewer.cookie)).status).toBe(422);
		expect((await ctx.json('GET', `/api/recordings/${recordings[0]}/metrics?unit=bogus`, undefined, reviewer.cookie)).status).toBe(400);
	});
});
