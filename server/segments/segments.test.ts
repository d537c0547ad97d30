import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { newId } from '../lib/ids.ts';
import type { RevisionDto, SegmentDto } from './segments.mapper.ts';
import { createSegments } from './segments.service.ts';
import { insertTestRecording } from './test-fixtures.ts';

describe.each(DB_KINDS)('segments on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let exporter: { id: string; cookie: string };
	let project: ProjectDto;
	let other: ProjectDto;
	let recordingId: string;
	let speakerId: string;
	let otherSpeakerId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		exporter = await ctx.createUser('exporter');
		project = (await (await ctx.json('POST', '/api/projects', { name: 'Segments' }, admin.cookie)).json()).project;
		other = (await (await ctx.json('POST', '/api/projects', { name: 'Other' }, admin.cookie)).json()).project;
		await ctx.addMember(project.id, transcriber);
		await ctx.addMember(project.id, exporter);
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 })).id;
		const speaker = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'One' }, admin.cookie);
		speakerId = (await speaker.json()).speaker.id;
		const foreign = await ctx.json('POST', `/api/projects/${other.id}/speakers`, { code: 'S1', name: 'One' }, admin.cookie);
		otherSpeakerId = (await foreign.json()).speaker.id;
	});
	afterAll(() => ctx.close());

	const tag = (p: ProjectDto, code: string) => p.dialectTags.find((t) => t.code === code)!.id;

	async function post(body: Record<string, unknown>, cookie = transcriber.cookie, recording = recordingId) {
		return ctx.json('POST', `/api/recordings/${recording}/segments`, body, cookie);
	}

	async function createOk(body: Record<string, unknown>): Promise<SegmentDto> {
		const res = await post(body);
		expect(res.status).toBe(201);
		return (await res.json()).segment;
	}

	const patch = (id: string, body: Record<string, unknown>, cookie = transcriber.cookie) =>
		ctx.json('PATCH', `/api/segments/${id}`, body, cookie);

	async function revisions(id: string): Promise<RevisionDto[]> {
		const res = await ctx.json('GET', `/api/segments/${id}/revisions`, undefined, exporter.cookie);
		expect(res.status).toBe(200);
		return (await res.json()).revisions;
	}

	it('creates a segment with NFC texts, speaker and tag, and lists them by start then id', async () => {
		const decomposed = 'ca\u0301 gwong\u0301 dung'; // combining acute accents
		const segment = await createOk({
			startMs: 5000,
			endMs: 7250,
			speakerId,
			dialectTagId: tag(project, 'yue-gz'),
			texts: { transcript: '我哋去饮茶', romanization: decomposed, mandarin: '' }
		});
		expect(segment).toMatchObject({
			recordingId,
			startMs: 5000,
			endMs: 7250,
			speakerId,
			dialectTagId: tag(project, 'yue-gz'),
			texts: { transcript: '我哋去饮茶', romanization: decomposed.normalize('NFC') },
			status: 'new',
			version: 1,
			createdBy: transcriber.id,
			updatedBy: transcriber.id
		});
		expect(segment.texts.romanization).not.toBe(decomposed);
		await createOk({ startMs: 1000, endMs: 2000 });
		await createOk({ startMs: 5000, endMs: 6000, status: 'transcribed' });

		const res = await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, exporter.cookie);
		expect(res.status).toBe(200);
		const list: SegmentDto[] = (await res.json()).segments;
		const keys = list.map((s) => [s.startMs, s.id]);
		expect(keys).toEqual([...keys].sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]))));
		expect(list.map((s) => s.startMs)).toEqual([1000, 5000, 5000]);

		const history = await revisions(segment.id);
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({ action: 'create', version: 1, before: null, after: segment, userId: transcriber.id, userName: 'Test transcriber' });
	});

	it('replays a POST with a client-made id idempotently', async () => {
		const id = 'offline-0000000000001';
		const first = await post({ id, startMs: 10_000, endMs: 11_000, texts: { transcript: '一' } });
		expect(first.status).toBe(201);
		const again = await post({ id, startMs: 10_000, endMs: 11_000, texts: { transcript: '一' } });
		expect(again.status).toBe(200);
		expect((await again.json()).segment).toEqual((await first.json()).segment);
		expect(await revisions(id)).toHaveLength(1);

		const elsewhere = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		const clash = await post({ id, startMs: 0, endMs: 100 }, transcriber.cookie, elsewhere);
		expect(clash.status).toBe(409);
		expect((await clash.json()).error.code).toBe('id_taken');

		expect((await post({ id: 'TOO-SHORT', startMs: 0, endMs: 100 })).status).toBe(400);
		expect((await post({ id: 'Has_Capitals_And_Underscores', startMs: 0, endMs: 100 })).status).toBe(400);
	});

	it('rejects times outside the recording with 422 invalid_times', async () => {
		for (const [startMs, endMs] of [
			[2000, 2000],
			[3000, 2000],
			[-1, 500],
			[59_000, 60_001]
		]) {
			const res = await post({ startMs, endMs });
			expect(res.status, `${startMs}–${endMs}`).toBe(422);
			expect((await res.json()).error).toMatchObject({ code: 'invalid_times', durationMs: 60_000 });
		}
		expect((await post({ startMs: 59_000, endMs: 60_000 })).status).toBe(201);
		expect((await post({ startMs: 1.5, endMs: 20 })).status).toBe(400);
		expect((await post({ startMs: '0', endMs: 20 })).status).toBe(400);

		const segment = await createOk({ startMs: 100, endMs: 200 });
		const res = await patch(segment.id, { version: 1, endMs: 61_000 });
		expect(res.status).toBe(422);
		expect((await res.json()).error.code).toBe('invalid_times');
		expect((await patch(segment.id, { version: 1, startMs: 300 })).status).toBe(422);
	});

	it('allows segments on a queued recording whose duration is known', async () => {
		const queued = await insertTestRecording(ctx.deps.db, { projectId: project.id, state: 'queued', durationMs: 5000 });
		const res = await post({ startMs: 0, endMs: 5000 }, transcriber.cookie, queued.id);
		expect(res.status).toBe(201);
	});

	it('rejects unknown layers, and speakers or tags of another project, with 422', async () => {
		const layer = await post({ startMs: 0, endMs: 100, texts: { transcript: 'x', gloss: 'y' } });
		expect(layer.status).toBe(422);
		expect((await layer.json()).error).toMatchObject({ code: 'unknown_layer', keys: ['gloss'] });

		const speaker = await post({ startMs: 0, endMs: 100, speakerId: otherSpeakerId });
		expect(speaker.status).toBe(422);
		expect((await speaker.json()).error.code).toBe('unknown_speaker');

		const foreignTag = await post({ startMs: 0, endMs: 100, dialectTagId: tag(other, 'yue') });
		expect(foreignTag.status).toBe(422);
		expect((await foreignTag.json()).error.code).toBe('unknown_tag');

		const segment = await createOk({ startMs: 0, endMs: 100 });
		for (const [body, code] of [
			[{ texts: { gloss: 'y' } }, 'unknown_layer'],
			[{ speakerId: otherSpeakerId }, 'unknown_speaker'],
			[{ speakerId: newId() }, 'unknown_speaker'],
			[{ dialectTagId: tag(other, 'cmn') }, 'unknown_tag']
		] as const) {
			const res = await patch(segment.id, { version: 1, ...body });
			expect(res.status, JSON.stringify(body)).toBe(422);
			expect((await res.json()).error.code).toBe(code);
		}
		expect(await revisions(segment.id)).toHaveLength(1);

		// An id that cannot exist is refused before any query, naming the field.
		const malformed = await patch(segment.id, { version: 1, speakerId: 'nope' });
		expect(malformed.status).toBe(400);
		expect((await malformed.json()).error.issues).toEqual([{ path: 'speakerId', message: 'Not an id' }]);
	});

	it('answers unknown ids with 404 and malformed JSON with 400', async () => {
		expect((await ctx.json('GET', '/api/recordings/nope/segments', undefined, admin.cookie)).status).toBe(404);
		expect((await post({ startMs: 0, endMs: 100 }, admin.cookie, 'nope')).status).toBe(404);
		expect((await patch('nope', { version: 1, startMs: 0 })).status).toBe(404);
		expect((await ctx.json('DELETE', '/api/segments/nope?version=1', undefined, admin.cookie)).status).toBe(404);
		expect((await ctx.json('GET', '/api/segments/nope/revisions', undefined, admin.cookie)).status).toBe(404);
		expect((await ctx.json('POST', '/api/segments/nope/restore', { revisionId: 'x' }, admin.cookie)).status).toBe(404);

		const segment = await createOk({ startMs: 0, endMs: 100 });
		for (const [method, path] of [
			['PATCH', `/api/segments/${segment.id}`],
			['POST', `/api/recordings/${recordingId}/segments`]
		]) {
			const res = await ctx.request(path, {
				method,
				cookie: transcriber.cookie,
				headers: { 'content-type': 'application/json' },
				body: '{"version": 1, "startMs": '
			});
			expect(res.status).toBe(400);
			expect((await res.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/malformed json/i) });
		}
		expect((await patch(segment.id, { startMs: 0 })).status).toBe(400);
	});

	it('patches the version it edits, merges texts per layer, and returns 409 with the current segment when stale', async () => {
		const segment = await createOk({ startMs: 0, endMs: 1000, texts: { transcript: '食咗飯未', romanization: 'sik6 zo2' } });
		const res = await patch(segment.id, { version: 1, texts: { romanization: 'sik6 zo2 faan6 mei6', mandarin: '吃饭了吗' } });
		expect(res.status).toBe(200);
		const v2: SegmentDto = (await res.json()).segment;
		expect(v2).toMatchObject({
			version: 2,
			startMs: 0,
			endMs: 1000,
			texts: { transcript: '食咗飯未', romanization: 'sik6 zo2 faan6 mei6', mandarin: '吃饭了吗' },
			createdBy: transcriber.id,
			createdAt: segment.createdAt
		});

		const cleared = await patch(segment.id, { version: 2, texts: { mandarin: '' }, speakerId, status: 'transcribed' }, admin.cookie);
		expect(cleared.status).toBe(200);
		const v3: SegmentDto = (await cleared.json()).segment;
		expect(v3.texts).toEqual({ transcript: '食咗飯未', romanization: 'sik6 zo2 faan6 mei6' });
		expect(v3).toMatchObject({ version: 3, speakerId, status: 'transcribed', updatedBy: admin.id });

		const stale = await patch(segment.id, { version: 2, texts: { transcript: 'overwrite?' } });
		expect(stale.status).toBe(409);
		const body = await stale.json();
		expect(body.error.code).toBe('version_conflict');
		expect(body.segment).toEqual(v3);

		const unset = await patch(segment.id, { version: 3, speakerId: null });
		expect((await unset.json()).segment).toMatchObject({ version: 4, speakerId: null });

		const history = await revisions(segment.id);
		expect(history.map((r) => [r.action, r.version])).toEqual([
			['update', 4],
			['update', 3],
			['update', 2],
			['create', 1]
		]);
		expect(history[2].before).toEqual(segment);
		expect(history[2].after).toEqual(v2);
		expect(history[1]).toMatchObject({ userId: admin.id, before: v2, after: v3 });
	});

	it('deletes with the version, keeps the history, and restores', async () => {
		const segment = await createOk({ startMs: 2000, endMs: 3000, texts: { transcript: '第一版' } });
		const v2 = (await (await patch(segment.id, { version: 1, texts: { transcript: '第二版' } })).json()).segment;

		expect((await ctx.json('DELETE', `/api/segments/${segment.id}`, undefined, transcriber.cookie)).status).toBe(400);
		const stale = await ctx.json('DELETE', `/api/segments/${segment.id}?version=1`, undefined, transcriber.cookie);
		expect(stale.status).toBe(409);
		expect((await stale.json()).segment).toEqual(v2);

		const del = await ctx.json('DELETE', `/api/segments/${segment.id}?version=2`, undefined, transcriber.cookie);
		expect(del.status).toBe(200);
		expect(await del.json()).toEqual({ ok: true });
		const list: SegmentDto[] = (await (await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, admin.cookie)).json()).segments;
		expect(list.find((s) => s.id === segment.id)).toBeUndefined();
		expect((await patch(segment.id, { version: 2, startMs: 0 })).status).toBe(404);

		let history = await revisions(segment.id);
		expect(history.map((r) => r.action)).toEqual(['delete', 'update', 'create']);
		expect(history[0]).toMatchObject({ version: 2, before: v2, after: null });

		// A replayed offline create of a deleted segment must not resurrect it silently.
		const replay = await post({ id: segment.id, startMs: 2000, endMs: 3000 });
		expect(replay.status).toBe(409);
		expect((await replay.json()).error.code).toBe('segment_deleted');

		// Restoring the delete brings back what was deleted, with the next version.
		const restored = await ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: history[0].id }, transcriber.cookie);
		expect(restored.status).toBe(200);
		const back: SegmentDto = (await restored.json()).segment;
		expect(back).toMatchObject({ id: segment.id, version: 3, texts: { transcript: '第二版' }, createdAt: segment.createdAt });

		// Restoring the create revision goes back to the first text; a stale version is refused.
		const createRev = history[2];
		const staleRestore = await ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: createRev.id, version: 2 }, transcriber.cookie);
		expect(staleRestore.status).toBe(409);
		expect((await staleRestore.json()).segment).toEqual(back);
		const first = await ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: createRev.id, version: 3 }, transcriber.cookie);
		expect(first.status).toBe(200);
		expect((await first.json()).segment).toMatchObject({ version: 4, texts: { transcript: '第一版' } });

		history = await revisions(segment.id);
		expect(history.map((r) => [r.action, r.version])).toEqual([
			['restore', 4],
			['restore', 3],
			['delete', 2],
			['update', 2],
			['create', 1]
		]);
		expect(history[1].before).toBeNull();
		expect(history[0].before).toEqual(back);

		const unknownRevision = await ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: newId() }, transcriber.cookie);
		expect(unknownRevision.status).toBe(404);
		const malformedRevision = await ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: 'nope' }, transcriber.cookie);
		expect(malformedRevision.status).toBe(400);
	});

	it('lets exporters read but not write', async () => {
		const segment = await createOk({ startMs: 4000, endMs: 4500 });
		const [rev] = await revisions(segment.id);
		const attempts = [
			post({ startMs: 0, endMs: 100 }, exporter.cookie),
			patch(segment.id, { version: 1, startMs: 4100 }, exporter.cookie),
			ctx.json('DELETE', `/api/segments/${segment.id}?version=1`, undefined, exporter.cookie),
			ctx.json('POST', `/api/segments/${segment.id}/restore`, { revisionId: rev.id }, exporter.cookie)
		];
		for (const res of await Promise.all(attempts)) {
			expect(res.status).toBe(403);
			expect((await res.json()).error.code).toBe('forbidden');
		}
		expect((await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, exporter.cookie)).status).toBe(200);
		expect(await revisions(segment.id)).toHaveLength(1);

		// An id that cannot exist is refused before any query, naming the field.
		const malformed = await patch(segment.id, { version: 1, speakerId: 'nope' });
		expect(malformed.status).toBe(400);
		expect((await malformed.json()).error.issues).toEqual([{ path: 'speakerId', message: 'Not an id' }]);
	});

	it('createSegments inserts a batch with revisions, all or nothing', async () => {
		const fresh = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 10_000 })).id;
		const ok = await createSegments(ctx.deps.db, {
			recordingId: fresh,
			userId: admin.id,
			inputs: [
				{ startMs: 0, endMs: 1000, texts: { transcript: '一' } },
				{ startMs: 1000, endMs: 2000 }
			]
		});
		expect(ok.ok).toBe(true);
		const bad = await createSegments(ctx.deps.db, {
			recordingId: fresh,
			userId: admin.id,
			inputs: [
				{ startMs: 3000, endMs: 4000 },
				{ startMs: 9000, endMs: 11_000 }
			]
		});
		expect(bad).toMatchObject({ ok: false, status: 422 });
		const list = (await (await ctx.json('GET', `/api/recordings/${fresh}/segments`, undefined, admin.cookie)).json()).segments;
		expect(list.map((s: SegmentDto) => s.startMs)).toEqual([0, 1000]);
		const count = await ctx.deps.db
			.selectFrom('segment_revision')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('recording_id', '=', fresh)
			.executeTakeFirstOrThrow();
		expect(Number(count.n)).toBe(2);
	});
});
