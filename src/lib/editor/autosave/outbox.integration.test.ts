import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../../../../server/projects/projects.mapper.ts';
import type { RevisionDto, SegmentDto } from '../../../../server/segments/segments.mapper.ts';
import { insertTestRecording } from '../../../../server/segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../../../../server/test/context.ts';
import { DB_KINDS } from '../../../../server/test/db.ts';
import { MemoryLiveness } from './liveness.ts';
import { Outbox, type OutboxOptions, type Transport } from './outbox.ts';
import { listRevisions, restoreRevision } from './revisions-api.ts';
import { MemoryOutboxStorage } from './storage.ts';
import type { SegmentData } from './types.ts';

/**
 * The outbox against the real app and database: the segments API's versions, 409s, idempotent
 * creates and restore, as the browser will meet them. Timers are real but short.
 */
describe.each(DB_KINDS)('autosave outbox against the API on %s', (kind) => {
	let ctx: TestContext;
	let me: { id: string; cookie: string };
	let colleague: { id: string; cookie: string };
	let recordingId: string;
	let counter = 0;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		const admin = await ctx.createUser('admin');
		me = await ctx.createUser('transcriber');
		colleague = await ctx.createUser('transcriber');
		const res = await ctx.json('POST', '/api/projects', { name: 'Autosave' }, admin.cookie);
		const project: ProjectDto = (await res.json()).project;
		await ctx.addMember(project.id, me);
		await ctx.addMember(project.id, colleague);
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 600_000 })).id;
	});
	afterAll(() => ctx.close());

	/** A transport to the in-process app as `me`, which can go offline or lose responses. */
	function network() {
		const state = { offline: false, dropResponses: 0, requests: [] as string[] };
		const transport: Transport = async (url, init) => {
			if (state.offline) throw new TypeError('fetch failed');
			state.requests.push(`${init.method} ${url}`);
			const res = await ctx.request(url, { ...init, cookie: me.cookie });
			if (state.dropResponses > 0) {
				state.dropResponses -= 1;
				throw new TypeError('network connection lost');
			}
			return res;
		};
		return { state, transport };
	}

	const opened: Outbox[] = [];
	afterAll(() => {
		for (const o of opened) o.stop();
	});

	async function open(transport: Transport, options: Partial<OutboxOptions> = {}) {
		const outbox = new Outbox({
			storage: new MemoryOutboxStorage(),
			liveness: new MemoryLiveness(),
			transport,
			userId: me.id,
			debounceMs: 5,
			maxWaitMs: 10,
			retryInitialMs: 5,
			retryMaxMs: 20,
			claimIntervalMs: 0,
			...options
		});
		await outbox.start();
		opened.push(outbox);
		return outbox;
	}

	function newSegment(startMs: number, transcript = ''): SegmentData {
		counter += 1;
		return {
			id: `it-${kind}-${String(counter).padStart(4, '0')}-${Date.now().toString(36)}`,
			recordingId,
			startMs,
			endMs: startMs + 1500,
			speakerId: null,
			dialectTagId: null,
			texts: transcript ? { transcript } : {},
			status: 'new',
			version: 0
		};
	}

	const withText = (s: SegmentData, transcript: string): SegmentData => ({ ...s, texts: { ...s.texts, transcript } });

	async function serverSegment(id: string): Promise<SegmentDto | null> {
		const res = await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, me.cookie);
		const { segments } = (await res.json()) as { segments: SegmentDto[] };
		return segments.find((s) => s.id === id) ?? null;
	}

	async function revisions(id: string): Promise<RevisionDto[]> {
		const res = await ctx.json('GET', `/api/segments/${id}/revisions`, undefined, me.cookie);
		return (await res.json()).revisions;
	}

	/** Creates a segment through the API directly, as if saved in an earlier session. */
	async function existing(startMs: number, transcript: string): Promise<SegmentDto> {
		const s = newSegment(startMs, transcript);
		const res = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { id: s.id, startMs: s.startMs, endMs: s.endMs, texts: s.texts }, me.cookie);
		expect(res.status).toBe(201);
		return (await res.json()).segment;
	}

	it('saves a new segment and the typing that follows, one revision per save, versions chained', async () => {
		const { transport } = network();
		const outbox = await open(transport);
		let s = newSegment(1000);
		void outbox.record({ type: 'create', segment: s });
		expect(await outbox.flush()).toBe(true);
		for (const text of ['我', '我哋', '我哋去', '我哋去飲茶']) {
			const next = withText(s, text);
			void outbox.record({ type: 'update', segment: next, previous: s });
			s = next;
			expect(await outbox.flush()).toBe(true);
		}
		expect(await serverSegment(s.id)).toMatchObject({ version: 5, texts: { transcript: '我哋去飲茶' }, createdBy: me.id });
		const history = await revisions(s.id);
		expect(history.map((r) => [r.action, r.version])).toEqual([
			['update', 5],
			['update', 4],
			['update', 3],
			['update', 2],
			['create', 1]
		]);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
	});

	it('queues edits while offline, survives a reload, and replays them in order', async () => {
		const a = await existing(10_000, '舊文');
		const c = await existing(14_000, '刪咗佢');
		const { state, transport } = network();
		const storage = new MemoryOutboxStorage();
		const liveness = new MemoryLiveness();
		const first = await open(transport, { storage, liveness });
		state.offline = true;

		const a1 = withText(a, '新文');
		void first.record({ type: 'update', segment: a1, previous: a });
		expect(await first.flush()).toBe(false);
		const b = newSegment(12_000, '離線新段');
		void first.record({ type: 'create', segment: b });
		const a2 = { ...withText(a1, '新文再改'), endMs: a.endMs + 300 };
		void first.record({ type: 'update', segment: a2, previous: a1 });
		void first.record({ type: 'delete', segment: c });
		expect(await first.flush()).toBe(false);
		// The first edit of a went out (and failed) before the others: it stays as sent, so a's
		// later edit is a second entry; b's create and c's delete make four.
		expect(first.snapshot()).toMatchObject({ status: 'offline', pendingCount: 4 });
		await first.stop(); // the page reloads while still offline

		state.offline = false;
		const second = await open(transport, { storage, liveness });
		expect(second.overlay([a, c], recordingId).map((s) => s.texts.transcript)).toEqual(['新文再改', '離線新段']);
		expect(await second.flush()).toBe(true);

		expect(await serverSegment(a.id)).toMatchObject({ version: 3, endMs: a.endMs + 300, texts: { transcript: '新文再改' } });
		expect((await revisions(a.id)).map((r) => r.after?.texts.transcript)).toEqual(['新文再改', '新文', '舊文']);
		expect(await serverSegment(b.id)).toMatchObject({ version: 1, texts: { transcript: '離線新段' } });
		expect(await serverSegment(c.id)).toBeNull();
		expect((await revisions(c.id))[0]).toMatchObject({ action: 'delete', userId: me.id });
		expect(storage.entries.size).toBe(0);
	});

	it('replays a create whose response was lost without duplicating it', async () => {
		const { state, transport } = network();
		const outbox = await open(transport);
		const s = newSegment(20_000, '一次');
		state.dropResponses = 1;
		void outbox.record({ type: 'create', segment: s });
		expect(await outbox.flush()).toBe(false);
		outbox.resume();
		expect(await outbox.flush()).toBe(true);
		expect(state.requests.filter((r) => r.startsWith('POST'))).toHaveLength(2);
		expect((await revisions(s.id)).map((r) => r.action)).toEqual(['create']);
		expect(outbox.snapshot().conflicts).toEqual([]);
	});

	it("does not call a lost PATCH response a conflict when the server has our edit", async () => {
		const a = await existing(22_000, '甲');
		const { state, transport } = network();
		const outbox = await open(transport);
		state.dropResponses = 1;
		void outbox.record({ type: 'update', segment: withText(a, '甲乙'), previous: a });
		expect(await outbox.flush()).toBe(false);
		outbox.resume();
		expect(await outbox.flush()).toBe(true);
		expect(outbox.snapshot().conflicts).toEqual([]);
		expect(await serverSegment(a.id)).toMatchObject({ version: 2, texts: { transcript: '甲乙' } });
	});

	it("turns a colleague's edit into a conflict, never an overwrite; keepMine re-applies only my fields", async () => {
		const a = await existing(30_000, '原文');
		const theirs = await ctx.json('PATCH', `/api/segments/${a.id}`, { version: 1, endMs: a.endMs + 500, texts: { transcript: '佢改' } }, colleague.cookie);
		expect(theirs.status).toBe(200);
		const { transport } = network();
		const outbox = await open(transport);
		void outbox.record({ type: 'update', segment: withText(a, '我改'), previous: a });
		expect(await outbox.flush()).toBe(false);

		const [conflict] = outbox.snapshot().conflicts;
		expect(conflict).toMatchObject({
			segmentId: a.id,
			localFields: ['texts.transcript'],
			server: { version: 2, updatedBy: colleague.id, texts: { transcript: '佢改' } }
		});
		expect((await serverSegment(a.id))?.texts.transcript).toBe('佢改');

		await outbox.keepMine(conflict.key);
		expect(await outbox.flush()).toBe(true);
		expect(await serverSegment(a.id)).toMatchObject({ version: 3, endMs: a.endMs + 500, texts: { transcript: '我改' }, updatedBy: me.id });
	});

	it('merges per field and takes theirs on request', async () => {
		const a = await existing(34_000, '原文');
		await ctx.json('PATCH', `/api/segments/${a.id}`, { version: 1, startMs: a.startMs + 100, texts: { transcript: '佢改' } }, colleague.cookie);
		const { transport } = network();
		const adopted: (SegmentData | null)[] = [];
		const outbox = await open(transport, { onAdopt: (_id, s) => adopted.push(s) });
		void outbox.record({ type: 'update', segment: { ...withText(a, '我改'), startMs: a.startMs - 100 }, previous: a });
		await outbox.flush();
		const [conflict] = outbox.snapshot().conflicts;
		await outbox.merge(conflict.key, { startMs: 'theirs', 'texts.transcript': 'mine' });
		expect(await outbox.flush()).toBe(true);
		expect(await serverSegment(a.id)).toMatchObject({ version: 3, startMs: a.startMs + 100, texts: { transcript: '我改' } });

		const b = await existing(38_000, '原文');
		await ctx.json('PATCH', `/api/segments/${b.id}`, { version: 1, texts: { transcript: '佢嘅' } }, colleague.cookie);
		void outbox.record({ type: 'update', segment: withText(b, '我嘅'), previous: b });
		await outbox.flush();
		await outbox.takeTheirs(outbox.snapshot().conflicts[0].key);
		expect(adopted.at(-1)).toMatchObject({ id: b.id, version: 2, texts: { transcript: '佢嘅' } });
		expect(await serverSegment(b.id)).toMatchObject({ version: 2, texts: { transcript: '佢嘅' } });
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
	});

	it("brings back a segment a colleague deleted only when the user keeps theirs, via restore", async () => {
		const a = await existing(40_000, '舊');
		expect((await ctx.json('DELETE', `/api/segments/${a.id}?version=1`, undefined, colleague.cookie)).status).toBe(200);
		const { transport } = network();
		const outbox = await open(transport);
		void outbox.record({ type: 'update', segment: withText(a, '我仲要'), previous: a });
		expect(await outbox.flush()).toBe(false);
		const [conflict] = outbox.snapshot().conflicts;
		expect(conflict).toMatchObject({ segmentId: a.id, server: null });

		await outbox.keepMine(conflict.key);
		expect(await outbox.flush()).toBe(true);
		expect(await serverSegment(a.id)).toMatchObject({ texts: { transcript: '我仲要' } });
		expect((await revisions(a.id)).map((r) => r.action)).toEqual(['update', 'restore', 'delete', 'create']);
	});

	it('undoing my own saved delete recreates the segment without a conflict', async () => {
		const a = await existing(44_000, '返嚟');
		const { transport } = network();
		const outbox = await open(transport);
		void outbox.record({ type: 'delete', segment: a });
		expect(await outbox.flush()).toBe(true);
		expect(await serverSegment(a.id)).toBeNull();
		void outbox.record({ type: 'create', segment: a });
		expect(await outbox.flush()).toBe(true);
		expect(await serverSegment(a.id)).toMatchObject({ texts: { transcript: '返嚟' } });
		expect(outbox.snapshot().conflicts).toEqual([]);
	});

	it('lists revisions and restores one through the history helpers', async () => {
		const a = await existing(48_000, '第一版');
		await ctx.json('PATCH', `/api/segments/${a.id}`, { version: 1, texts: { transcript: '第二版' } }, me.cookie);
		const fetchAsMe = (url: string, init?: RequestInit) => ctx.request(url, { ...init, cookie: me.cookie });
		const listed = await listRevisions(fetchAsMe, a.id);
		expect(listed.ok && listed.value.map((r) => r.version)).toEqual([2, 1]);
		const first = listed.ok ? listed.value[1] : null;
		const stale = await restoreRevision(fetchAsMe, { segmentId: a.id, revisionId: first!.id, version: 1 });
		expect(stale).toMatchObject({ ok: false, status: 409, segment: { version: 2 } });
		const restored = await restoreRevision(fetchAsMe, { segmentId: a.id, revisionId: first!.id, version: 2 });
		expect(restored).toMatchObject({ ok: true, value: { version: 3, texts: { transcript: '第一版' } } });
	});
});
