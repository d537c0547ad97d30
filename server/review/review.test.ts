import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { DEFAULT_ERROR_CATEGORIES } from './review-settings.ts';
import type { RecordingReviewDto, SegmentReviewEntryDto } from './review.schemas.ts';

type Who = { id: string; cookie: string };

describe.each(DB_KINDS)('review on %s', (kind) => {
	let ctx: TestContext;
	let admin: Who;
	let transcriber: Who;
	let reviewer: Who;
	let linguist: Who;
	let exporter: Who;
	let project: ProjectDto;
	let recordingId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		reviewer = await ctx.createUser('reviewer');
		linguist = await ctx.createUser('reviewer');
		exporter = await ctx.createUser('exporter');
		project = (await (await ctx.json('POST', '/api/projects', { name: 'Review' }, admin.cookie)).json()).project;
		for (const who of [transcriber, reviewer, linguist, exporter]) await ctx.addMember(project.id, who);
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 })).id;
	});
	afterAll(() => ctx.close());

	async function segment(texts: Record<string, string>, startMs = 0): Promise<SegmentDto> {
		const res = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs, endMs: startMs + 2000, texts }, transcriber.cookie);
		expect(res.status).toBe(201);
		return (await res.json()).segment;
	}

	const decide = (s: Pick<SegmentDto, 'id' | 'version'>, body: Record<string, unknown>, who = reviewer) =>
		ctx.json('POST', `/api/segments/${s.id}/reviews`, { baseVersion: s.version, ...body }, who.cookie);

	async function decideOk(s: Pick<SegmentDto, 'id' | 'version'>, body: Record<string, unknown>, who = reviewer): Promise<SegmentReviewEntryDto> {
		const res = await decide(s, body, who);
		expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
		return (await res.json()).entry;
	}

	async function view(who = reviewer): Promise<RecordingReviewDto> {
		const res = await ctx.json('GET', `/api/recordings/${recordingId}/review`, undefined, who.cookie);
		expect(res.status).toBe(200);
		return res.json();
	}

	it('starts every project with one stage and the default error categories', async () => {
		const res = await ctx.json('GET', `/api/projects/${project.slug}/review-settings`, undefined, transcriber.cookie);
		expect(res.status).toBe(200);
		const { settings } = await res.json();
		expect(settings.stages).toHaveLength(1);
		expect(settings.categories.map((c: { key: string }) => c.key)).toEqual(DEFAULT_ERROR_CATEGORIES.map((c) => c.key));
		expect(settings.qaThreshold).toBeGreaterThan(0);
	});

	it('stores a correction beside the original and never over it', async () => {
		const s = await segment({ transcript: '我哋去食饭', romanization: 'ngo dei heoi sik faan' });
		const entry = await decideOk(s, {
			decision: 'correct',
			corrected: { texts: { transcript: '我哋去食飯', romanization: 'ngo dei heoi sik faan' } },
			categories: ['substitution'],
			comment: '飯 not 饭 in this project'
		});
		expect(entry.accepted.state).toBe('corrected');
		expect(entry.accepted.fields.texts).toEqual({ transcript: '我哋去食飯', romanization: 'ngo dei heoi sik faan' });
		// Only the changed layer is stored.
		expect(entry.reviews[0].corrected).toEqual({ texts: { transcript: '我哋去食飯' } });
		expect(entry.reviews[0]).toMatchObject({ stage: 1, decision: 'correct', categories: ['substitution'], comment: '飯 not 饭 in this project' });

		const list = await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, reviewer.cookie);
		const stored = (await list.json()).segments.find((x: SegmentDto) => x.id === s.id);
		expect(stored.texts.transcript).toBe('我哋去食饭');
		expect(stored.version).toBe(s.version);
		const row = await ctx.deps.db.selectFrom('segment').select('texts').where('id', '=', s.id).executeTakeFirstOrThrow();
		expect(JSON.parse(row.texts).transcript).toBe('我哋去食饭');

		const history = await ctx.json('GET', `/api/segments/${s.id}/reviews`, undefined, transcriber.cookie);
		expect((await history.json()).reviews).toHaveLength(1);
		// The decision is in the audit trail, written in the same transaction.
		const logged = await ctx.deps.db.selectFrom('audit_log').select(['action', 'actor_id', 'target_id', 'details']).where('action', '=', 'review.decision').execute();
		expect(logged).toHaveLength(1);
		expect(logged[0]).toMatchObject({ actor_id: reviewer.id, target_id: entry.reviews[0].id });
		expect(JSON.parse(logged[0].details)).toMatchObject({ segmentId: s.id, stage: 1, decision: 'correct', categories: ['substitution'] });
	});

	it('validates decisions: categories, corrections, version, own work and the role', async () => {
		const s = await segment({ transcript: '佢哋' }, 5000);
		expect((await decide(s, { decision: 'accept', categories: ['nonsense'] })).status).toBe(422);
		expect((await (await decide(s, { decision: 'correct', corrected: { texts: { transcript: '佢哋' } } })).json()).error.code).toBe('no_correction');
		expect((await decide(s, { decision: 'accept', corrected: { texts: { transcript: 'x' } } })).status).toBe(422);
		expect((await (await decide(s, { decision: 'correct', corrected: { endMs: 70_000 } })).json()).error.code).toBe('invalid_times');
		expect((await (await decide(s, { decision: 'correct', corrected: { texts: { nope: 'x' } } })).json()).error.code).toBe('unknown_layer');
		expect((await decide({ ...s, version: s.version + 1 }, { decision: 'accept' })).status).toBe(409);
		const own = await decide(s, { decision: 'accept' }, transcriber);
		expect(own.status).toBe(403);
		const exporterTry = await decide(s, { decision: 'accept' }, exporter);
		expect(exporterTry.status).toBe(403);
		expect((await decide({ id: 'x'.repeat(20), version: 1 }, { decision: 'accept' })).status).toBe(404);
		expect((await ctx.json('GET', `/api/segments/${s.id}/reviews`, undefined, reviewer.cookie).then((r) => r.json())).reviews).toEqual([]);
		expect((await decide(s, { decision: 'reject', categories: ['omission'], comment: 'missing a word' })).status).toBe(201);
	});

	it('runs stages in order: stage 2 sees stage 1, the accepted version folds both', async () => {
		const put = await ctx.json(
			'PUT',
			`/api/projects/${project.id}/review-settings`,
			{
				stages: [
					{ nameEn: 'First check', nameZh: '一审' },
					{ nameEn: 'Second check', nameZh: '二审' }
				],
				categories: [...DEFAULT_ERROR_CATEGORIES, { key: 'lexicon', nameEn: 'Dialect word', nameZh: '方言词' }],
				qaThreshold: 0.1
			},
			admin.cookie
		);
		expect(put.status).toBe(200);
		const settingsLog = await ctx.deps.db.selectFrom('audit_log').select('details').where('action', '=', 'project.update').execute();
		expect(settingsLog.some((r) => 'stages' in (JSON.parse(r.details).reviewSettings ?? {}))).toBe(true);
		expect((await ctx.json('PUT', `/api/projects/${project.id}/review-settings`, { stages: [], categories: [], qaThreshold: 0.1 }, admin.cookie)).status).toBe(400);
		expect((await ctx.json('PUT', `/api/projects/${project.id}/review-settings`, { stages: [{ nameEn: 'a', nameZh: 'b' }], categories: [], qaThreshold: 0.1 }, reviewer.cookie)).status).toBe(403);

		const s = await segment({ transcript: '今日好热' }, 10_000);
		expect((await (await decide(s, { stage: 2, decision: 'accept' }, linguist)).json()).error.code).toBe('stage_not_ready');
		const first = await decideOk(s, { decision: 'correct', corrected: { texts: { transcript: '今日好熱' } }, categories: ['lexicon'] });
		expect(first.accepted.stage).toBe(1);
		// Default stage: the next undecided one.
		const second = await decideOk(s, { decision: 'correct', corrected: { texts: { transcript: '今日好熱呀' } }, categories: ['omission'] }, linguist);
		expect(second.reviews[0].stage).toBe(2);
		expect(second.accepted).toMatchObject({ state: 'corrected', stage: 2, fields: { texts: { transcript: '今日好熱呀' } } });
		expect(second.reviews[0].corrected).toEqual({ texts: { transcript: '今日好熱呀' } });
		expect((await decide(s, { stage: 3, decision: 'accept' }, linguist)).status).toBe(422);

		// The transcriber edits it (returned work): the reviews are superseded, the original stays as edited.
		const patched = await ctx.json('PATCH', `/api/segments/${s.id}`, { version: s.version, texts: { transcript: '今日好熱呀' } }, transcriber.cookie);
		expect(patched.status).toBe(200);
		const entry = (await view()).segments.find((e) => e.segment.id === s.id)!;
		expect(entry.accepted.state).toBe('unreviewed');
		expect(entry.reviews).toHaveLength(2);
		expect(entry.segment.texts.transcript).toBe('今日好熱呀');
	});

	it('summarises states and tells the viewer whether they may review', async () => {
		const mine = await view(transcriber);
		expect(mine.canReview).toBe(false);
		const theirs = await view(reviewer);
		expect(theirs.canReview).toBe(true);
		expect(theirs.counts.corrected).toBeGreaterThanOrEqual(1);
		expect(theirs.counts.rejected).toBe(1);
		expect(Object.values(theirs.counts).reduce((a, b) => a + b, 0)).toBe(theirs.segments.length);
		expect((await ctx.json('GET', `/api/recordings/${'0'.repeat(20)}/review`, undefined, reviewer.cookie)).status).toBe(404);
		// Another variant (a double transcription's second version) has none of these segments.
		const other = await ctx.json('GET', `/api/recordings/${recordingId}/review?variant=1`, undefined, reviewer.cookie);
		expect(other.status).toBe(200);
		expect((await other.json()).segments).toEqual([]);
	});
});
