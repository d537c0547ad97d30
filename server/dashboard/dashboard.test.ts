import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { recordSegmentWrite, segmentDeltas } from './dashboard-facts.ts';
import type { DashboardDto } from './dashboard.schemas.ts';

describe(segmentDeltas.name, () => {
	const row = (ms: number, texts: Record<string, string>, tag: string | null) => ({ start_ms: 0, end_ms: ms, texts: JSON.stringify(texts), dialect_tag_id: tag });
	it('counts a create, moves hours on a retag, takes them back on a delete', () => {
		expect(segmentDeltas(null, row(1500, { transcript: '饮茶' }, 't1'))).toEqual([
			{ tagId: 't1', counters: { segments: 1, segmented_ms: 1500, transcribed: 1, transcribed_ms: 1500 } }
		]);
		expect(segmentDeltas(row(1500, { transcript: '' }, 't1'), row(1500, { transcript: '' }, 't2'))).toEqual([
			{ tagId: 't1', counters: { segments: -1, segmented_ms: -1500 } },
			{ tagId: 't2', counters: { segments: 1, segmented_ms: 1500 } }
		]);
		expect(segmentDeltas(row(1000, { transcript: ' ' }, null), null)).toEqual([{ tagId: '', counters: { segments: -1, segmented_ms: -1000 } }]);
		expect(segmentDeltas(row(1000, { transcript: 'a' }, null), row(1000, { transcript: 'b' }, null))).toEqual([]);
	});
});

describe.each(DB_KINDS)('dashboard on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let ana: { id: string; cookie: string };
	let bo: { id: string; cookie: string };
	let reviewer: { id: string; cookie: string };
	let project: ProjectDto;
	let t1: string;
	let t2: string;
	let dashboard: DashboardDto;
	const today = new Date().toISOString().slice(0, 10);

	async function segment(user: { cookie: string }, recordingId: string, body: Record<string, unknown>) {
		const res = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, body, user.cookie);
		expect(res.status).toBe(201);
		return (await res.json()).segment as { id: string; version: number };
	}
	async function review(segmentId: string, body: Record<string, unknown>) {
		const res = await ctx.json('POST', `/api/segments/${segmentId}/reviews`, { baseVersion: 1, ...body }, reviewer.cookie);
		expect(res.status).toBe(201);
	}

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		ana = await ctx.createUser('transcriber', 'ana@example.test');
		bo = await ctx.createUser('transcriber', 'bo@example.test');
		reviewer = await ctx.createUser('reviewer');
		project = (await (await ctx.json('POST', '/api/projects', { name: 'Dashboard' }, admin.cookie)).json()).project;
		for (const member of [ana, bo, reviewer]) await ctx.addMember(project.id, member);
		[t1, t2] = [project.dialectTags[0]!.id, project.dialectTags[1]!.id];
		const rec = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 600_000 })).id;
		const doomedRec = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 600_000 })).id;

		// Ana: 3 segments (2 s, 3 s untranscribed then transcribed, 1 s deleted) → 2 segments, 5 s, all transcribed.
		const s1 = await segment(ana, rec, { startMs: 0, endMs: 2000, dialectTagId: t1, texts: { transcript: '我哋去饮茶' } });
		const s2 = await segment(ana, rec, { startMs: 2000, endMs: 5000, dialectTagId: t2, texts: {} });
		const s3 = await segment(ana, rec, { startMs: 5000, endMs: 6000, dialectTagId: t1, texts: { transcript: '删' } });
		expect((await ctx.json('PATCH', `/api/segments/${s2.id}`, { version: 1, texts: { transcript: '食咗饭未' } }, ana.cookie)).status).toBe(200);
		expect((await ctx.json('DELETE', `/api/segments/${s3.id}?version=1`, undefined, ana.cookie)).status).toBe(200);
		// Bo: 4 s transcribed on t1, and 10 s in a recording that is then deleted (its hours go).
		const s4 = await segment(bo, rec, { startMs: 6000, endMs: 10_000, dialectTagId: t1, texts: { transcript: 'abcd' } });
		await segment(bo, doomedRec, { startMs: 0, endMs: 10_000, texts: { transcript: 'gone' } });
		expect((await ctx.json('DELETE', `/api/recordings/${doomedRec}`, undefined, admin.cookie)).status).toBe(200);

		// Reviews (one stage, so accepted counts): s1 accepted, s2 corrected (one character missing), s4 rejected.
		await review(s1.id, { decision: 'accept' });
		await review(s2.id, { baseVersion: 2, decision: 'correct', corrected: { texts: { transcript: '食咗饭未呀' } }, categories: ['omission'] });
		await review(s4.id, { decision: 'reject', categories: ['boundary', 'other'] });

		const res = await ctx.request(`/api/projects/${project.id}/dashboard`, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		dashboard = await res.json();
	});
	afterAll(() => ctx.close());

	it('sums hours segmented, transcribed, reviewed and accepted per day', () => {
		expect(dashboard.progress).toEqual([
			{
				day: today,
				segments: 3,
				segmentedHours: Math.round((9000 / 3_600_000) * 1000) / 1000,
				transcribedHours: Math.round((9000 / 3_600_000) * 1000) / 1000,
				reviewedHours: Math.round((9000 / 3_600_000) * 1000) / 1000,
				acceptedHours: Math.round((5000 / 3_600_000) * 1000) / 1000
			}
		]);
	});

	it('gives each transcriber their audio, review outcomes and CER against the reviewer', () => {
		const byEmail = Object.fromEntries(dashboard.transcribers.map((t) => [t.email, t]));
		expect(byEmail['ana@example.test']).toMatchObject({
			segments: 2,
			audioMinutes: Math.round((5000 / 60_000) * 100) / 100,
			reviewed: 2,
			corrected: 1,
			rejected: 0,
			rejectionRate: 0,
			// 我哋去饮茶 accepted (0 of 5), 食咗饭未 against 食咗饭未呀 (1 deletion of 5): 1 / 10.
			cer: 0.1,
			goldCer: null
		});
		// Bo's 10 s went with the deleted recording: the deletion is the admin's write.
		expect(byEmail['bo@example.test']).toMatchObject({ segments: 2, reviewed: 1, rejected: 1, rejectionRate: 1, cer: null });
		const admin = dashboard.transcribers.find((t) => t.userId === adminId());
		expect(admin).toMatchObject({ segments: -1, audioMinutes: -Math.round((10_000 / 60_000) * 100) / 100 });
		expect(byEmail['ana@example.test']!.workingHours).toBeGreaterThan(0);
	});
	const adminId = () => admin.id;

	it('counts error categories per day and quality per day', () => {
		expect(dashboard.categories).toEqual([
			{ day: today, category: 'boundary', count: 1 },
			{ day: today, category: 'omission', count: 1 },
			{ day: today, category: 'other', count: 1 }
		]);
		expect(dashboard.quality).toEqual([{ day: today, reviewed: 3, rejectionRate: Math.round((1 / 3) * 10_000) / 10_000, cer: 0.1 }]);
	});

	it('gives each dialect tag its counts, hours and agreement with the reviewer', () => {
		const byTag = Object.fromEntries(dashboard.dialects.map((d) => [d.tagId ?? 'none', d]));
		// t1: s1 (2 s, accepted as is) + s4 (4 s, rejected); t2: s2 (3 s, corrected).
		expect(byTag[t1]).toMatchObject({ segments: 2, hours: Math.round((6000 / 3_600_000) * 1000) / 1000, reviewed: 2, agreement: 0.5 });
		expect(byTag[t2]).toMatchObject({ segments: 1, reviewed: 1, agreement: 0 });
		expect(byTag.none).toBeUndefined();
		// No double transcription in this project: nothing to measure between transcribers.
		expect(byTag[t1]).toMatchObject({ kappa: null, alpha: null, doubleUnits: 0 });
	});

	it('measures agreement per dialect tag between double transcriptions (Cohen’s κ, Krippendorff’s α), gold copies left out', async () => {
		const double = (await (await ctx.json('POST', '/api/projects', { name: 'Double dashboard' }, admin.cookie)).json()).project as ProjectDto;
		for (const member of [ana, bo]) await ctx.addMember(double.id, member);
		const [d1, d2] = [double.dialectTags[0]!.id, double.dialectTags[1]!.id];
		const settings = { chunkMinutes: 10, overlapSeconds: 5, leaseMinutes: 30, transcriptionsPerTask: 2, goldPercent: 0 };
		expect((await ctx.json('PUT', `/api/projects/${double.id}/tasks/settings`, settings, admin.cookie)).status).toBe(200);
		const rec = (await insertTestRecording(ctx.deps.db, { projectId: double.id, durationMs: 60_000 })).id;
		expect((await ctx.json('POST', `/api/projects/${double.id}/tasks`, {}, admin.cookie)).status).toBe(201);
		const tasks = (await (await ctx.json('GET', `/api/projects/${double.id}/tasks`, undefined, admin.cookie)).json()).tasks as { id: string; variant: number }[];
		const second = tasks.find((t) => t.variant === 1)!;
		expect((await ctx.json('PATCH', `/api/tasks/${second.id}`, { assigneeId: bo.id }, admin.cookie)).status).toBe(200);
		expect((await (await ctx.json('POST', `/api/projects/${double.id}/tasks/next`, undefined, bo.cookie)).json()).task.id).toBe(second.id);
		// Four time-paired segments: (d1, d1), (d1, d2), (d2, d2), (d2, d2); and one only Ana has (missing for Bo).
		const pairs: [string, string | null][] = [[d1, d1], [d1, d2], [d2, d2], [d2, d2], [d1, null]];
		for (const [i, [a, b]] of pairs.entries()) {
			await segment(ana, rec, { startMs: i * 2000, endMs: i * 2000 + 1500, dialectTagId: a });
			if (b) await segment(bo, rec, { startMs: i * 2000 + 100, endMs: i * 2000 + 1600, dialectTagId: b, variant: 1 });
		}
		// A gold copy's variant is scored against gold, not counted as a transcriber's agreement.
		await ctx.deps.db
			.insertInto('task')
			.values({ id: `gold-${double.id}`, project_id: double.id, recording_id: rec, window_id: `gold-${double.id}`, start_ms: 0, end_ms: 60_000, variant: 5, gold_source_id: second.id, created_at: new Date().toISOString(), updated_at: new Date().toISOString() })
			.execute();
		await ctx.deps.db
			.insertInto('segment')
			.values({ id: `gold-seg-${double.id}`, recording_id: rec, start_ms: 0, end_ms: 1500, speaker_id: null, dialect_tag_id: d2, texts: '{}', status: 'new', version: 1, variant: 5, created_by: null, created_at: new Date().toISOString(), updated_by: null, updated_at: new Date().toISOString() })
			.execute();

		const body: DashboardDto = await (await ctx.request(`/api/projects/${double.id}/dashboard`, { cookie: admin.cookie })).json();
		const byTag = Object.fromEntries(body.dialects.map((d) => [d.tagId ?? 'none', d]));
		// d1 versus the rest over the 4 pairs: p_o = 3/4, p_e = (2/4)(1/4) + (2/4)(3/4) = 1/2, κ = 0.5; the same for d2.
		expect(byTag[d1]).toMatchObject({ kappa: 0.5, doubleUnits: 3 });
		expect(byTag[d2]).toMatchObject({ kappa: 0.5, doubleUnits: 3 });
		// α by its definition on the same pairs (nominal, 2 coders, n = 8 pairable values): 1 − (n − 1)·o_disagree / Σ n_c·n_k.
		// d1: values d1 ×3, other ×5; one disagreeing pair counted both ways (2): α = 1 − 7·2 / (2·3·5) = 0.5333.
		expect(byTag[d1]!.alpha).toBeCloseTo(1 - (7 * 2) / (2 * 3 * 5), 4);
		// d2: d2 ×5, other ×3: the same.
		expect(byTag[d2]!.alpha).toBeCloseTo(1 - (7 * 2) / (2 * 5 * 3), 4);
	});

	it('counts working time in 5-minute spans with a saved edit, each once', async () => {
		const rec = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		const userId = bo.id;
		const write = (at: string) =>
			ctx.deps.db.transaction().execute((trx) => recordSegmentWrite(trx, { recordingId: rec, before: null, after: { start_ms: 0, end_ms: 1000, texts: '{}', dialect_tag_id: null }, userId, at }));
		for (const at of ['2026-01-05T10:01:00.000Z', '2026-01-05T10:03:59.000Z', '2026-01-05T10:07:00.000Z', '2026-01-05T10:31:00.000Z']) await write(at);
		const res = await ctx.request(`/api/projects/${project.id}/dashboard?from=2026-01-05&to=2026-01-05`, { cookie: admin.cookie });
		const body: DashboardDto = await res.json();
		// Spans 10:00, 10:05 and 10:30: 15 minutes; 4 s of audio segmented (not transcribed).
		expect(body.transcribers).toEqual([expect.objectContaining({ userId, workingHours: 0.25, segments: 4, audioMinutes: 0, throughput: 0 })]);
		expect(body.progress).toEqual([expect.objectContaining({ day: '2026-01-05', segments: 4, transcribedHours: 0 })]);
	});

	it('downloads each table as CSV', async () => {
		const res = await ctx.request(`/api/projects/${project.id}/dashboard/csv/dialects`, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
		const lines = (await res.text()).split('\r\n').filter(Boolean);
		expect(lines[0]).toBe('tagId,code,nameEn,nameZh,segments,hours,reviewed,agreement,kappa,alpha,doubleUnits');
		const now: DashboardDto = await (await ctx.request(`/api/projects/${project.id}/dashboard`, { cookie: admin.cookie })).json();
		expect(lines).toHaveLength(1 + now.dialects.length);
		const quality = await (await ctx.request(`/api/projects/${project.id}/dashboard/csv/quality?user=${ana.id}`, { cookie: admin.cookie })).text();
		expect(quality.split('\r\n')[1]).toBe(`${today},2,0,0.1`);
		expect((await ctx.request(`/api/projects/${project.id}/dashboard/csv/nope`, { cookie: admin.cookie })).status).toBe(404);
	});

	it('leaves each review decision in the audit trail, with who decided what', async () => {
		const res = await ctx.request(`/api/projects/${project.id}/audit?action=review.decision`, { cookie: admin.cookie });
		const entries = (await res.json()).entries as { actor: { id: string }; details: { decision: string; categories: string[] } }[];
		expect(entries.map((e) => e.details.decision)).toEqual(['reject', 'correct', 'accept']);
		expect(entries.every((e) => e.actor.id === reviewer.id)).toBe(true);
		expect(entries[0]!.details.categories).toEqual(['boundary', 'other']);
	});

	it('is for managers', async () => {
		expect((await ctx.request(`/api/projects/${project.id}/dashboard`, { cookie: ana.cookie })).status).toBe(403);
		expect((await ctx.request(`/api/projects/no-such/dashboard`, { cookie: admin.cookie })).status).toBe(404);
	});
});
