import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../lib/ids.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { Interval } from './intervals.ts';
import { withoutOverlaps } from './presegment.service.ts';
import { insertBurstRecording, writeBurstAudio, type Burst } from './test-audio.ts';

/**
 * 20 s of known "speech" (tone bursts; everything else digital silence):
 *   A 1.0–3.0 s, B 6.0–8.0 s             loud
 *   Q 10.0–12.0 s                         −40 dBFS: silence at −35 dB, speech at −50 dB
 *   click 13.2–13.3 s                     100 ms, more than 1 s from any speech
 *   C 15.0–19.0 s, with a dip to −26 dBFS at 16.6–16.8 s (not silence, but its quietest point)
 */
const DURATION_MS = 20_000;
const BURSTS: Burst[] = [
	{ startMs: 1000, endMs: 3000, amplitude: 0.5 },
	{ startMs: 6000, endMs: 8000, amplitude: 0.5 },
	{ startMs: 10_000, endMs: 12_000, amplitude: 0.01 },
	{ startMs: 13_200, endMs: 13_300, amplitude: 0.5 },
	{ startMs: 15_000, endMs: 16_600, amplitude: 0.5 },
	{ startMs: 16_600, endMs: 16_800, amplitude: 0.05 },
	{ startMs: 16_800, endMs: 19_000, amplitude: 0.5 }
];
/** What the defaults (−35 dB, 300 ms silences and segments, 100 ms pad, 15 s max) should find. */
const DEFAULT_PROPOSALS: [number, number][] = [
	[900, 3100],
	[5900, 8100],
	[14_900, 19_100]
];
const TOLERANCE_MS = 50;

function expectNear(actual: Interval[], expected: [number, number][]) {
	expect(actual.map((p) => [p.startMs, p.endMs]), JSON.stringify(actual)).toHaveLength(expected.length);
	actual.forEach((p, i) => {
		expect(Number.isInteger(p.startMs) && Number.isInteger(p.endMs)).toBe(true);
		expect(Math.abs(p.startMs - expected[i][0]), `start of #${i}: ${JSON.stringify(actual)}`).toBeLessThanOrEqual(TOLERANCE_MS);
		expect(Math.abs(p.endMs - expected[i][1]), `end of #${i}: ${JSON.stringify(actual)}`).toBeLessThanOrEqual(TOLERANCE_MS);
	});
}

describe.each(DB_KINDS)('presegment API on %s', (kind) => {
	let ctx: TestContext;
	let transcriber: { id: string; cookie: string };
	let recordingId: string;
	let projectId: string;

	const presegment = (id: string, body?: Record<string, unknown>, cookie = transcriber.cookie) =>
		ctx.json('POST', `/api/recordings/${id}/presegment`, body, cookie);

	const countRows = async (table: 'segment' | 'segment_revision', id: string) => {
		const row = await ctx.deps.db
			.selectFrom(table)
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('recording_id', '=', id)
			.executeTakeFirstOrThrow();
		return Number(row.n);
	};

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		transcriber = await ctx.createUser('transcriber');
		({ recordingId, projectId } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: DURATION_MS,
			bursts: BURSTS
		}));
		await ctx.addMember(projectId, transcriber);
	});
	afterAll(() => ctx.close());

	it('previews proposals that match the known bursts, padded, without writing anything', async () => {
		const res = await presegment(recordingId, {});
		expect(res.status).toBe(200);
		const body = (await res.json()) as { proposals: Interval[] };
		expectNear(body.proposals, DEFAULT_PROPOSALS);
		expect(await countRows('segment', recordingId)).toBe(0);
	});

	it('uses the contract defaults when the body is empty', async () => {
		const res = await ctx.request(`/api/recordings/${recordingId}/presegment`, { method: 'POST', cookie: transcriber.cookie });
		expect(res.status).toBe(200);
		expectNear(((await res.json()) as { proposals: Interval[] }).proposals, DEFAULT_PROPOSALS);
	});

	it('finds exact burst edges without padding', async () => {
		const res = await presegment(recordingId, { padMs: 0 });
		expectNear(((await res.json()) as { proposals: Interval[] }).proposals, [
			[1000, 3000],
			[6000, 8000],
			[15_000, 19_000]
		]);
	});

	it.each<[string, Record<string, unknown>, [number, number][]]>([
		['a lower threshold hears the quiet burst', { thresholdDb: -50 }, [[900, 3100], [5900, 8100], [9900, 12_100], [14_900, 19_100]]],
		// Only pauses of 3.5 s or more still separate: the 1 s lead-in and tail become speech too.
		['a longer minimum silence joins A and B', { minSilenceMs: 3500 }, [[0, 8100], [13_100, 20_000]]],
		['a shorter minimum segment keeps the click', { minSegmentMs: 50 }, [[900, 3100], [5900, 8100], [13_100, 13_400], [14_900, 19_100]]],
		['a wider pad widens every proposal', { padMs: 400 }, [[600, 3400], [5600, 8400], [14_600, 19_400]]]
	])('%s', async (_name, body, expected) => {
		const res = await presegment(recordingId, body);
		expect(res.status).toBe(200);
		expectNear(((await res.json()) as { proposals: Interval[] }).proposals, expected);
	});

	it('cuts speech longer than maxSegmentMs at its quietest point', async () => {
		const res = await presegment(recordingId, { maxSegmentMs: 3000, padMs: 0 });
		const { proposals } = (await res.json()) as { proposals: Interval[] };
		expect(proposals).toHaveLength(4);
		const [, , first, second] = proposals;
		expect(first.startMs).toBeGreaterThanOrEqual(15_000 - TOLERANCE_MS);
		expect(first.endMs).toBeGreaterThanOrEqual(16_600);
		expect(first.endMs).toBeLessThanOrEqual(16_800);
		expect(second.startMs).toBe(first.endMs);
		expect(Math.abs(second.endMs - 19_000)).toBeLessThanOrEqual(TOLERANCE_MS);
		for (const p of proposals) expect(p.endMs - p.startMs).toBeLessThanOrEqual(3000);
	});

	it('ignores mains hum with the band-pass, and hears it as speech without', async () => {
		const { recordingId: humId } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: 8000,
			bursts: [{ startMs: 2000, endMs: 5000, amplitude: 0.5 }],
			humAmplitude: 0.03, // −30 dBFS at 50 Hz: above −35 dB, below it after the 80 Hz high-pass
			projectId
		});
		const filtered = (await (await presegment(humId, {})).json()) as { proposals: Interval[] };
		expectNear(filtered.proposals, [[1900, 5100]]);
		const full = (await (await presegment(humId, { bandPass: false })).json()) as { proposals: Interval[] };
		expectNear(full.proposals, [[0, 8000]]);
	});

	it('analyses the playback rendition when there is one', async () => {
		const { recordingId: id } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: 6000,
			bursts: [{ startMs: 1000, endMs: 2000, amplitude: 0.5 }],
			projectId
		});
		// Different content from the original, so the result shows which file was read.
		await writeBurstAudio(ctx.deps.media.ffmpeg, ctx.deps.storage.playbackPath(id), {
			durationMs: 6000,
			bursts: [{ startMs: 3000, endMs: 5000, amplitude: 0.5 }],
			sampleRate: 48_000
		});
		const res = await presegment(id, { padMs: 0 });
		expectNear(((await res.json()) as { proposals: Interval[] }).proposals, [[3000, 5000]]);
	});

	it('applies: inserts the proposals as new segments, each with a create revision', async () => {
		const { recordingId: id } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: DURATION_MS,
			bursts: BURSTS.slice(0, 2),
			projectId
		});
		const res = await presegment(id, { apply: true });
		expect(res.status).toBe(201);
		const body = (await res.json()) as { segments: Record<string, unknown>[]; skipped: number };
		expect(body.skipped).toBe(0);
		expectNear(body.segments as unknown as Interval[], [[900, 3100], [5900, 8100]]);
		expect(body.segments[0]).toMatchObject({
			recordingId: id,
			speakerId: null,
			dialectTagId: null,
			texts: {},
			status: 'new',
			version: 1,
			origin: 'presegment',
			createdBy: transcriber.id,
			updatedBy: transcriber.id
		});

		const rows = await ctx.deps.db
			.selectFrom('segment')
			.select(['id', 'start_ms', 'end_ms', 'version', 'origin'])
			.where('recording_id', '=', id)
			.orderBy('start_ms')
			.execute();
		expect(rows.map((r) => r.id)).toEqual(body.segments.map((s) => s.id));
		expect(rows.map((r) => r.origin)).toEqual(['presegment', 'presegment']);
		const revisions = await ctx.deps.db
			.selectFrom('segment_revision')
			.select(['segment_id', 'action', 'version', 'before', 'after', 'user_id'])
			.where('recording_id', '=', id)
			.execute();
		expect(revisions).toHaveLength(2);
		for (const revision of revisions) {
			expect(revision).toMatchObject({ action: 'create', before: null, user_id: transcriber.id });
			expect(Number(revision.version)).toBe(1);
			const after = JSON.parse(revision.after!);
			expect(after).toEqual(body.segments.find((s) => s.id === revision.segment_id));
		}

		// Applying again finds every proposal taken: nothing new, nothing lost.
		const again = await presegment(id, { apply: true });
		expect(again.status).toBe(201);
		expect(await again.json()).toEqual({ segments: [], skipped: 2, variant: 0 });
		expect(await countRows('segment', id)).toBe(2);
		expect(await countRows('segment_revision', id)).toBe(2);
	});

	it('skips proposals that overlap existing segments, and keeps those', async () => {
		const { recordingId: id } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: DURATION_MS,
			bursts: [...BURSTS.slice(0, 2), BURSTS[4], BURSTS[5], BURSTS[6]],
			projectId
		});
		const preview = (await (await presegment(id, {})).json()) as { proposals: Interval[] };
		const firstEnd = preview.proposals[0].endMs;
		const now = nowIso();
		const existing = { id: newId(), recording_id: id, start_ms: 7000, end_ms: 7500, speaker_id: null, dialect_tag_id: null, texts: '{"transcript":"早晨"}', status: 'transcribed', version: 3, created_by: null, created_at: now, updated_by: null, updated_at: now };
		// Touching a proposal's edge is not an overlap.
		const touching = { ...existing, id: newId(), start_ms: firstEnd, end_ms: firstEnd + 300, texts: '{}', status: 'new', version: 1 };
		await ctx.deps.db.insertInto('segment').values([existing, touching]).execute();

		const res = await presegment(id, { apply: true });
		expect(res.status).toBe(201);
		const body = (await res.json()) as { segments: Interval[]; skipped: number };
		expect(body.skipped).toBe(1);
		expectNear(body.segments, [[900, 3100], [14_900, 19_100]]);
		const untouched = await ctx.deps.db.selectFrom('segment').select(['texts', 'version']).where('id', '=', existing.id).executeTakeFirstOrThrow();
		expect(untouched).toEqual({ texts: '{"transcript":"早晨"}', version: 3 });
		expect(await countRows('segment', id)).toBe(4);
		expect(await countRows('segment_revision', id)).toBe(2);
	});

	it('lets admins and transcribers run it, not reviewers or exporters (they do not edit segments), and not anonymous callers', async () => {
		const admin = await ctx.createUser('admin');
		const reviewer = await ctx.createUser('reviewer');
		const exporter = await ctx.createUser('exporter');
		await ctx.addMember(projectId, reviewer);
		await ctx.addMember(projectId, exporter);
		expect((await presegment(recordingId, { maxSegmentMs: 20_000 }, admin.cookie)).status).toBe(200);
		expect((await presegment(recordingId, {}, transcriber.cookie)).status).toBe(200);
		for (const user of [reviewer, exporter]) {
			const forbidden = await presegment(recordingId, {}, user.cookie);
			expect(forbidden.status).toBe(403);
			expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
		}
		expect((await ctx.json('POST', `/api/recordings/${recordingId}/presegment`, {})).status).toBe(401);
	});

	it('answers 404 for an unknown recording', async () => {
		const res = await presegment('no-such-recording', {});
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
	});

	it.each(['queued', 'processing', 'failed'] as const)('answers 409 not_ready while the recording is %s', async (state) => {
		const { recordingId: id } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: 3000 + ['queued', 'processing', 'failed'].indexOf(state) * 100, // distinct bytes per recording
			bursts: [{ startMs: 500, endMs: 1500, amplitude: 0.5 }],
			state,
			projectId
		});
		const res = await presegment(id, { apply: true });
		expect(res.status).toBe(409);
		expect(((await res.json()) as { error: { code: string; state: string } }).error).toMatchObject({ code: 'not_ready', state });
		expect(await countRows('segment', id)).toBe(0);
	});

	it('answers 409 no_audio when the audio file is missing', async () => {
		const { recordingId: id, originalPath } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: 4000,
			bursts: [{ startMs: 500, endMs: 1500, amplitude: 0.5 }],
			projectId
		});
		rmSync(originalPath);
		const res = await presegment(id, {});
		expect(res.status).toBe(409);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_audio');
	});

	it.each<[string, Record<string, unknown>, string]>([
		['a threshold above −10 dB', { thresholdDb: -5 }, 'thresholdDb'],
		['a threshold below −80 dB', { thresholdDb: -90 }, 'thresholdDb'],
		['a threshold that is not a number', { thresholdDb: '-35' }, 'thresholdDb'],
		['a zero minimum silence', { minSilenceMs: 0 }, 'minSilenceMs'],
		['a fractional pad', { padMs: 10.5 }, 'padMs'],
		['a negative pad', { padMs: -1 }, 'padMs'],
		['a maximum under one second', { maxSegmentMs: 500 }, 'maxSegmentMs'],
		['a maximum under twice the minimum', { minSegmentMs: 4000, maxSegmentMs: 6000 }, 'maxSegmentMs'],
		['apply that is not a boolean', { apply: 'yes' }, 'apply']
	])('rejects %s with 400', async (_name, body, field) => {
		const res = await presegment(recordingId, body);
		expect(res.status).toBe(400);
		const error = ((await res.json()) as { error: { code: string; issues: { path: string }[] } }).error;
		expect(error.code).toBe('invalid_request');
		expect(error.issues.map((i) => i.path)).toContain(field);
	});
});

describe(withoutOverlaps.name, () => {
	const iv = (...pairs: [number, number][]): Interval[] => pairs.map(([startMs, endMs]) => ({ startMs, endMs }));

	it.each<[string, Interval[], Interval[], Interval[]]>([
		['no segments: all proposals', iv([0, 10], [20, 30]), [], iv([0, 10], [20, 30])],
		['an overlapped proposal is skipped', iv([0, 10], [20, 30]), iv([25, 26]), iv([0, 10])],
		['touching is not overlapping', iv([0, 10], [20, 30]), iv([10, 20]), iv([0, 10], [20, 30])],
		['a long segment covers several proposals', iv([0, 10], [20, 30], [40, 50]), iv([5, 45]), []],
		['an early long segment still counts after short ones', iv([0, 10], [100, 110]), iv([1, 105], [2, 3]), []],
		['unsorted overlapping segments', iv([0, 10], [20, 30], [40, 50]), iv([45, 60], [8, 9], [29, 41]), []],
		['a segment between proposals', iv([0, 10], [40, 50]), iv([15, 35]), iv([0, 10], [40, 50])]
	])('%s', (_name, proposals, existing, expected) => {
		expect(withoutOverlaps(proposals, existing)).toEqual(expected);
	});
});
