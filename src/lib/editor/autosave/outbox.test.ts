import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryLiveness } from './liveness.ts';
import { ManualNetwork } from './network.ts';
import { Outbox, defaultChoices, type OutboxOptions } from './outbox.ts';
import { MemoryOutboxStorage } from './storage.ts';
import { FakeSegmentsApi } from './testing/fake-segments-api.ts';
import type { SegmentData, ServerSegment } from './types.ts';

const REC = 'rec00000000000000001';

function seg(id: string, overrides: Partial<SegmentData> = {}): SegmentData {
	return {
		id,
		recordingId: REC,
		startMs: 1000,
		endMs: 2000,
		speakerId: null,
		dialectTagId: null,
		texts: { transcript: '' },
		status: 'new',
		version: 1,
		...overrides
	};
}

function withText(s: SegmentData, transcript: string): SegmentData {
	return { ...s, texts: { ...s.texts, transcript } };
}

interface Harness {
	api: FakeSegmentsApi;
	storage: MemoryOutboxStorage;
	liveness: MemoryLiveness;
	network: ManualNetwork;
	adopted: [string, SegmentData | null][];
	saved: [string, ServerSegment | null][];
	open(options?: Partial<OutboxOptions>): Promise<Outbox>;
}

function harness(): Harness {
	const h: Harness = {
		api: new FakeSegmentsApi(),
		storage: new MemoryOutboxStorage(),
		liveness: new MemoryLiveness(),
		network: new ManualNetwork(true),
		adopted: [],
		saved: [],
		async open(options = {}) {
			const outbox = new Outbox({
				storage: h.storage,
				liveness: h.liveness,
				network: h.network,
				transport: h.api.fetch,
				userId: 'user-1',
				claimIntervalMs: 0,
				random: () => 0.5,
				onAdopt: (id, s) => h.adopted.push([id, s]),
				onSaved: (id, s) => h.saved.push([id, s]),
				...options
			});
			await outbox.start();
			opened.push(outbox);
			return outbox;
		}
	};
	return h;
}

const opened: Outbox[] = [];

/** Puts a segment on the fake server as if it had been saved earlier. */
function serverHas(api: FakeSegmentsApi, s: SegmentData): SegmentData {
	api.segments.set(s.id, { ...s });
	return s;
}

/** Types `text` into segment `s` one character at a time, `gapMs` apart. */
async function typeInto(outbox: Outbox, s: SegmentData, text: string, gapMs: number): Promise<SegmentData> {
	let current = s;
	for (const ch of text) {
		const next = withText(current, current.texts.transcript + ch);
		void outbox.record({ type: 'update', segment: next, previous: current });
		current = next;
		await vi.advanceTimersByTimeAsync(gapMs);
	}
	return current;
}

beforeEach(() => {
	vi.useFakeTimers({ now: new Date('2026-03-01T08:00:00Z') });
});

afterEach(() => {
	for (const o of opened.splice(0)) o.stop();
	vi.useRealTimers();
});

describe('Outbox coalescing', () => {
	it('sends rapid edits of one segment as one PATCH with only the changed field, after the debounce', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();

		const typed = await typeInto(outbox, a, '佢哋', 100);
		expect(h.api.requests()).toHaveLength(0);
		expect(outbox.snapshot().status).toBe('saving');
		await vi.advanceTimersByTimeAsync(600);

		expect(h.api.requests()).toEqual([
			{ method: 'PATCH', path: '/api/segments/seg-a-0000000000000001', body: { version: 1, texts: { transcript: '佢哋' } } }
		]);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe(typed.texts.transcript);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
		expect(outbox.snapshot().lastSavedAt).toBeGreaterThanOrEqual(Date.now() - 200);
	});

	it('flushes within a second while the user keeps typing', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();

		await typeInto(outbox, a, '我哋今日去街市買餸', 200); // 9 keystrokes over 1.8 s
		const patches = h.api.requests('PATCH');
		expect(patches.length).toBeGreaterThanOrEqual(1);
		expect(patches[0].body).toMatchObject({ version: 1, texts: { transcript: '我哋今日去' } });
		await vi.advanceTimersByTimeAsync(1000);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('我哋今日去街市買餸');
	});

	it('folds edits of a new segment into its POST, and a create then delete into nothing', async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { version: 0 });
		void outbox.record({ type: 'create', segment: b });
		const b2 = { ...withText(b, '食咗飯未'), endMs: 2500 };
		void outbox.record({ type: 'update', segment: b2, previous: b });
		const c = seg('seg-c-0000000000000003', { version: 0 });
		void outbox.record({ type: 'create', segment: c });
		void outbox.record({ type: 'delete', segment: c });
		await vi.advanceTimersByTimeAsync(1000);

		expect(h.api.requests()).toEqual([
			{
				method: 'POST',
				path: `/api/recordings/${REC}/segments`,
				body: { id: b.id, startMs: 1000, endMs: 2500, texts: { transcript: '食咗飯未' }, status: 'new' }
			}
		]);
		expect(h.storage.entries.size).toBe(0);
	});

	it('drops an edit that is undone before it is sent', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		const moved = { ...a, endMs: 2400 };
		void outbox.record({ type: 'update', segment: moved, previous: a });
		void outbox.record({ type: 'update', segment: a, previous: moved });
		await vi.advanceTimersByTimeAsync(2000);
		expect(h.api.requests()).toHaveLength(0);
		expect(outbox.hasUnsavedChanges).toBe(false);
	});
});

describe('Outbox ordering and versions', () => {
	it('never sends the next edit of a segment before the previous response, and chains versions', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001', { version: 4 }));
		const outbox = await h.open();

		h.api.hold();
		const a1 = withText(a, '一');
		void outbox.record({ type: 'update', segment: a1, previous: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.requests('PATCH')).toHaveLength(1);

		// The editor still thinks the segment is at version 4.
		const a2 = withText(a1, '一二');
		void outbox.record({ type: 'update', segment: a2, previous: a1 });
		await vi.advanceTimersByTimeAsync(3000);
		expect(h.api.requests('PATCH')).toHaveLength(1);

		h.api.release();
		await vi.advanceTimersByTimeAsync(0);
		await vi.advanceTimersByTimeAsync(10);
		const patches = h.api.requests('PATCH');
		expect(patches.map((r) => r.body)).toEqual([
			{ version: 4, texts: { transcript: '一' } },
			{ version: 5, texts: { transcript: '一二' } }
		]);
		expect(h.api.segments.get(a.id)).toMatchObject({ version: 6, texts: { transcript: '一二' } });
		expect(h.saved.map(([, s]) => s?.version)).toEqual([5, 6]);
	});

	it('takes later edits from the version its own saves produced, not the stale editor copy', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		const a1 = withText(a, '甲');
		void outbox.record({ type: 'update', segment: a1, previous: a });
		await vi.advanceTimersByTimeAsync(1000);
		const a2 = withText(a1, '甲乙');
		void outbox.record({ type: 'update', segment: a2, previous: a1 });
		await vi.advanceTimersByTimeAsync(1000);
		expect(h.api.requests('PATCH').map((r) => r.body?.version)).toEqual([1, 2]);
		expect(outbox.snapshot().conflicts).toHaveLength(0);
	});

	it('sends a segment created offline before its edits, then chains the edits to its version', async () => {
		const h = harness();
		const outbox = await h.open();
		h.api.offline = true;
		const b = seg('seg-b-0000000000000002', { version: 0 });
		void outbox.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(1000); // sent, failed: the create is now uncertain
		expect(outbox.snapshot().status).toBe('offline');
		const b1 = withText(b, '落雨');
		void outbox.record({ type: 'update', segment: b1, previous: b });
		await vi.advanceTimersByTimeAsync(800);
		h.api.offline = false;
		h.network.set(true);
		await vi.advanceTimersByTimeAsync(2000);

		expect(h.api.requests().map((r) => [r.method, r.body?.version ?? null])).toEqual([
			['POST', null],
			['PATCH', 1]
		]);
		expect(h.api.segments.get(b.id)?.texts.transcript).toBe('落雨');
	});
});

describe('Outbox offline', () => {
	it('queues edits while offline and replays them in order when back online', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const c = serverHas(h.api, seg('seg-c-0000000000000003', { startMs: 3000, endMs: 4000 }));
		const outbox = await h.open();

		h.network.set(false);
		h.api.offline = true;
		expect(outbox.snapshot().status).toBe('offline');
		void outbox.record({ type: 'update', segment: withText(a, '第一'), previous: a });
		await vi.advanceTimersByTimeAsync(2000);
		void outbox.record({ type: 'update', segment: withText(c, '第二'), previous: c });
		await vi.advanceTimersByTimeAsync(2000);
		const b = seg('seg-b-0000000000000002', { startMs: 5000, endMs: 6000, version: 0 });
		void outbox.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(2000);
		void outbox.record({ type: 'delete', segment: c });
		await vi.advanceTimersByTimeAsync(2000);

		expect(outbox.snapshot()).toMatchObject({ status: 'offline', pendingCount: 3 });
		expect(outbox.hasUnsavedChanges).toBe(true);
		expect(h.storage.entries.size).toBe(3);

		h.api.offline = false;
		h.network.set(true);
		await vi.advanceTimersByTimeAsync(100);

		expect(h.api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'PATCH /api/segments/seg-a-0000000000000001',
			// the edit of c turned into a delete of c before it was ever sent
			'DELETE /api/segments/seg-c-0000000000000003?version=1',
			`POST /api/recordings/${REC}/segments`
		]);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('第一');
		expect(h.api.segments.has(c.id)).toBe(false);
		expect(h.api.segments.has(b.id)).toBe(true);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0, online: true });
	});

	it('treats a failed fetch as offline and retries with growing backoff until the server answers', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open({ retryInitialMs: 1000, retryMaxMs: 8000 });
		h.api.offline = true;
		void outbox.record({ type: 'update', segment: withText(a, '冇網'), previous: a });
		await vi.advanceTimersByTimeAsync(600); // attempt 1 fails → retry in 1 s
		await vi.advanceTimersByTimeAsync(1000); // attempt 2 fails → 2 s
		await vi.advanceTimersByTimeAsync(2000); // attempt 3 fails → 4 s
		expect(outbox.snapshot().status).toBe('offline');
		h.api.offline = false;
		await vi.advanceTimersByTimeAsync(3900);
		expect(h.api.requests()).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(200);
		expect(h.api.requests()).toHaveLength(1);
		expect(outbox.snapshot().status).toBe('saved');
	});

	it('rides out a server restart (502/503) and a 500 without losing the edit', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.api.failWith.push(503, 502);
		void outbox.record({ type: 'update', segment: withText(a, '重啟'), previous: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(outbox.snapshot().status).toBe('offline');
		await vi.advanceTimersByTimeAsync(1000);
		await vi.advanceTimersByTimeAsync(2000);
		expect(outbox.snapshot().status).toBe('saved');

		h.api.failWith.push(500);
		const a1 = { ...withText(a, '重啟'), version: 2 };
		void outbox.record({ type: 'update', segment: withText(a1, '重啟咗'), previous: a1 });
		await vi.advanceTimersByTimeAsync(700);
		expect(outbox.snapshot().status).toBe('error');
		await vi.advanceTimersByTimeAsync(1000);
		expect(outbox.snapshot().status).toBe('saved');
		expect(h.api.segments.get(a.id)).toMatchObject({ version: 3, texts: { transcript: '重啟咗' } });
	});

	it('says offline, not error, when the browser goes offline while a failed save waits for its retry', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.api.failWith.push(500);
		void outbox.record({ type: 'update', segment: withText(a, '斷網'), previous: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(outbox.snapshot().status).toBe('error');
		h.network.set(false);
		h.api.offline = true;
		expect(outbox.snapshot()).toMatchObject({ status: 'offline', pendingCount: 1 });
		h.api.offline = false;
		h.network.set(true);
		await vi.advanceTimersByTimeAsync(1000);
		expect(outbox.snapshot().status).toBe('saved');
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('斷網');
	});

	it('does not report a conflict when the response to an applied edit was lost', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.api.dropResponses = 1;
		void outbox.record({ type: 'update', segment: withText(a, '斷線'), previous: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.segments.get(a.id)?.version).toBe(2);
		expect(outbox.snapshot().status).toBe('offline');
		await vi.advanceTimersByTimeAsync(1000);
		expect(h.api.requests('PATCH').map((r) => r.body?.version)).toEqual([1, 1]);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', conflicts: [] });
	});

	it('replays a create whose response was lost idempotently, and keeps later edits separate', async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { version: 0 });
		h.api.dropResponses = 1;
		void outbox.record({ type: 'create', segment: withText(b, '甲') });
		await vi.advanceTimersByTimeAsync(1000);
		expect(h.api.segments.get(b.id)?.version).toBe(1);
		// Typed while the create's fate was unknown: must not be folded into the replayed POST.
		void outbox.record({ type: 'update', segment: withText(b, '甲乙'), previous: withText(b, '甲') });
		await vi.advanceTimersByTimeAsync(3000);

		expect(h.api.requests().map((r) => [r.method, r.body?.texts ?? null])).toEqual([
			['POST', { transcript: '甲' }],
			['POST', { transcript: '甲' }],
			['PATCH', { transcript: '甲乙' }]
		]);
		expect(h.api.segments.get(b.id)).toMatchObject({ version: 2, texts: { transcript: '甲乙' } });
		expect(h.api.segments.size).toBe(1);
	});
});

describe('Outbox persistence', () => {
	it('writes a change to storage before sending it', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		const seenAtSend: number[] = [];
		const fetch = h.api.fetch;
		await outbox.stop();
		const o2 = await h.open({
			transport: (url, init) => {
				seenAtSend.push(h.storage.entries.size);
				return fetch(url, init);
			}
		});
		await o2.record({ type: 'update', segment: withText(a, '存'), previous: a });
		const [stored] = h.storage.entries.values();
		expect(stored).toMatchObject({ op: 'update', segmentId: a.id, baseVersion: 1, state: 'queued' });
		await vi.advanceTimersByTimeAsync(700);
		expect(seenAtSend).toEqual([1]);
		expect(h.storage.entries.size).toBe(0);
	});

	it('replays edits left by a closed tab when the page is opened again', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const first = await h.open({ ownerId: 'tab-1' });
		h.api.offline = true;
		const a1 = withText(a, '重新載入');
		void first.record({ type: 'update', segment: a1, previous: a });
		const b = seg('seg-b-0000000000000002', { startMs: 2000, endMs: 3000, version: 0 });
		await first.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(5000);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('');
		await first.stop(); // the tab reloads

		h.api.offline = false;
		const second = await h.open({ ownerId: 'tab-2' });
		expect(second.snapshot().pendingCount).toBe(2);
		// The reloaded page shows the queued text over what the server returned.
		const shown = second.overlay([{ ...a }], REC);
		expect(shown.map((s) => [s.id, s.texts.transcript])).toEqual([
			[a.id, '重新載入'],
			[b.id, '']
		]);
		await vi.advanceTimersByTimeAsync(100);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('重新載入');
		expect(h.api.segments.has(b.id)).toBe(true);
		expect(second.snapshot().status).toBe('saved');
		expect(h.storage.entries.size).toBe(0);
	});

	it('takes over the queue of a tab once it is gone, never while it is open', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		h.api.offline = true;
		const tab1 = await h.open({ ownerId: 'tab-1' });
		await tab1.record({ type: 'update', segment: withText(a, '兩個分頁'), previous: a });
		const tab2 = await h.open({ ownerId: 'tab-2', claimIntervalMs: 1000 });
		await vi.advanceTimersByTimeAsync(2500);
		expect(tab2.snapshot().pendingCount).toBe(0);
		expect(h.api.requests()).toHaveLength(0);

		await tab1.stop(); // closed (or crashed: the browser drops its Web Lock either way)
		h.api.offline = false;
		await vi.advanceTimersByTimeAsync(1000);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('兩個分頁');
		expect(tab2.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
	});

	it('keeps saving when storage refuses writes, and says so', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.storage.failWrites = new Error('QuotaExceededError');
		await outbox.record({ type: 'update', segment: withText(a, '滿'), previous: a });
		expect(outbox.snapshot().storageError).toBe('QuotaExceededError');
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('滿');
	});

	it('buffers changes recorded before start() finishes, in order', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = new Outbox({ storage: h.storage, transport: h.api.fetch, userId: 'user-1', claimIntervalMs: 0 });
		opened.push(outbox);
		const a1 = withText(a, '早');
		const pending = outbox.record({ type: 'update', segment: a1, previous: a });
		void outbox.record({ type: 'update', segment: withText(a, '早晨'), previous: a1 });
		expect(outbox.hasUnsavedChanges).toBe(true);
		await pending;
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.requests('PATCH').map((r) => r.body)).toEqual([{ version: 1, texts: { transcript: '早晨' } }]);
	});
});

describe('Outbox conflicts', () => {
	async function conflictOn(h: Harness, mine: Partial<SegmentData>, theirs: Partial<ServerSegment>) {
		const a = serverHas(h.api, seg('seg-a-0000000000000001', { texts: { transcript: '原文', romanization: '' } }));
		const outbox = await h.open();
		h.api.editAsOther(a.id, theirs);
		const local = { ...a, ...mine, texts: { ...a.texts, ...(mine.texts ?? {}) } };
		void outbox.record({ type: 'update', segment: local, previous: a });
		await vi.advanceTimersByTimeAsync(700);
		return { a, outbox, local };
	}

	it('stops the segment on 409 and reports both sides, while other segments keep saving', async () => {
		const h = harness();
		const { a, outbox } = await conflictOn(
			h,
			{ texts: { transcript: '我改嘅' } },
			{ texts: { transcript: '佢改嘅', romanization: 'keoi5' } }
		);
		const snap = outbox.snapshot();
		expect(snap.status).toBe('conflict');
		expect(snap.conflicts).toHaveLength(1);
		const [conflict] = snap.conflicts;
		expect(conflict).toMatchObject({
			segmentId: a.id,
			op: 'update',
			localFields: ['texts.transcript'],
			serverFields: ['texts.romanization', 'texts.transcript'],
			differing: ['texts.romanization', 'texts.transcript']
		});
		expect(conflict.server?.version).toBe(2);
		expect(conflict.local?.texts.transcript).toBe('我改嘅');

		// More typing on the conflicted segment joins the conflict instead of being sent.
		const more = { ...conflict.local!, texts: { ...conflict.local!.texts, transcript: '我改嘅嘢' } };
		void outbox.record({ type: 'update', segment: more, previous: conflict.local! });
		const c = serverHas(h.api, seg('seg-c-0000000000000003', { startMs: 5000, endMs: 6000 }));
		void outbox.record({ type: 'update', segment: withText(c, '第二段'), previous: c });
		await vi.advanceTimersByTimeAsync(3000);
		expect(h.api.requests('PATCH')).toHaveLength(2);
		expect(h.api.segments.get(c.id)?.texts.transcript).toBe('第二段');
		expect(outbox.snapshot().conflicts[0].local?.texts.transcript).toBe('我改嘅嘢');
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('佢改嘅');
		// The conflict survives a reload.
		expect([...h.storage.entries.values()][0]).toMatchObject({ state: 'conflict' });
	});

	it('keepMine re-applies the local fields on top of the server version', async () => {
		const h = harness();
		const { a, outbox } = await conflictOn(h, { endMs: 2500 }, { texts: { transcript: '佢改嘅' } });
		const [conflict] = outbox.snapshot().conflicts;
		await outbox.keepMine(conflict.key);
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.requests('PATCH').at(-1)?.body).toEqual({ version: 2, endMs: 2500 });
		expect(h.api.segments.get(a.id)).toMatchObject({ version: 3, endMs: 2500, texts: { transcript: '佢改嘅' } });
		expect(h.adopted.at(-1)?.[1]).toMatchObject({ endMs: 2500, texts: { transcript: '佢改嘅' } });
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', conflicts: [] });
	});

	it('keepMine on the same field overwrites theirs only because the user said so', async () => {
		const h = harness();
		const { a, outbox } = await conflictOn(h, { texts: { transcript: '我改嘅' } }, { texts: { transcript: '佢改嘅' } });
		await outbox.keepMine(outbox.snapshot().conflicts[0].key);
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('我改嘅');
	});

	it('takeTheirs drops the local change and hands the server segment to the editor', async () => {
		const h = harness();
		const { a, outbox } = await conflictOn(h, { texts: { transcript: '我改嘅' } }, { texts: { transcript: '佢改嘅' } });
		await outbox.takeTheirs(outbox.snapshot().conflicts[0].key);
		await vi.advanceTimersByTimeAsync(2000);
		expect(h.api.requests('PATCH')).toHaveLength(1);
		expect(h.adopted).toEqual([[a.id, expect.objectContaining({ version: 2, texts: { transcript: '佢改嘅', romanization: '' } })]]);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
		expect(h.storage.entries.size).toBe(0);
	});

	it('merge takes each field from the side the user picked', async () => {
		const h = harness();
		const { a, outbox } = await conflictOn(
			h,
			{ startMs: 900, texts: { transcript: '我改嘅', romanization: 'ngo5' } },
			{ startMs: 1100, texts: { transcript: '佢改嘅' } }
		);
		const [conflict] = outbox.snapshot().conflicts;
		expect(defaultChoices(conflict)).toMatchObject({
			startMs: 'mine',
			'texts.transcript': 'mine',
			'texts.romanization': 'mine',
			endMs: 'theirs'
		});
		await outbox.merge(conflict.key, { startMs: 'theirs', 'texts.transcript': 'theirs' });
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.requests('PATCH').at(-1)?.body).toEqual({ version: 2, texts: { romanization: 'ngo5' } });
		expect(h.api.segments.get(a.id)).toMatchObject({
			startMs: 1100,
			texts: { transcript: '佢改嘅', romanization: 'ngo5' }
		});
		expect(outbox.snapshot().status).toBe('saved');
	});

	it('a local delete of a segment someone edited is a conflict, resolved by keepMine', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.api.editAsOther(a.id, { texts: { transcript: '佢嘅' } });
		void outbox.record({ type: 'delete', segment: a });
		await vi.advanceTimersByTimeAsync(700);
		const [conflict] = outbox.snapshot().conflicts;
		expect(conflict).toMatchObject({ op: 'delete', local: null, server: { version: 2 } });
		await outbox.keepMine(conflict.key);
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.requests().at(-1)?.path).toBe(`/api/segments/${a.id}?version=2`);
		expect(h.api.segments.has(a.id)).toBe(false);
	});

	it('an edit of a segment someone deleted is a conflict; keepMine restores it and applies the edit', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001', { texts: { transcript: '舊' } }));
		const outbox = await h.open();
		h.api.deleteAsOther(a.id);
		const local = withText(a, '仲喺度');
		void outbox.record({ type: 'update', segment: local, previous: a });
		await vi.advanceTimersByTimeAsync(700);
		const [conflict] = outbox.snapshot().conflicts;
		expect(conflict).toMatchObject({ op: 'update', server: null });
		await outbox.keepMine(conflict.key);
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			`PATCH /api/segments/${a.id}`,
			`POST /api/recordings/${REC}/segments`,
			`GET /api/segments/${a.id}/revisions`,
			`POST /api/segments/${a.id}/restore`,
			`PATCH /api/segments/${a.id}`
		]);
		expect(h.api.segments.get(a.id)).toMatchObject({ version: 3, texts: { transcript: '仲喺度' } });
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
	});

	it('an undo of a delete that was already saved brings the segment back without asking', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001', { texts: { transcript: '返嚟' } }));
		const outbox = await h.open();
		void outbox.record({ type: 'delete', segment: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.segments.has(a.id)).toBe(false);
		void outbox.record({ type: 'create', segment: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.segments.get(a.id)).toMatchObject({ version: 2, texts: { transcript: '返嚟' } });
		expect(h.api.requests('PATCH')).toHaveLength(0);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', conflicts: [] });
	});

	it("does not bring back a segment someone else deleted while the user's create was replayed", async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { version: 0 });
		h.api.dropResponses = 1;
		void outbox.record({ type: 'create', segment: withText(b, '我嘅') });
		await vi.advanceTimersByTimeAsync(700);
		h.api.deleteAsOther(b.id);
		await vi.advanceTimersByTimeAsync(3000);
		expect(h.api.segments.has(b.id)).toBe(false);
		expect(outbox.snapshot().conflicts[0]).toMatchObject({ segmentId: b.id, server: null, local: { texts: { transcript: '我嘅' } } });
		await outbox.takeTheirs(outbox.snapshot().conflicts[0].key);
		expect(h.adopted.at(-1)).toEqual([b.id, null]);
	});

	it('asks the user when a replayed create comes back changed by someone else and more edits wait', async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { version: 0 });
		h.api.dropResponses = 1;
		void outbox.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(700);
		h.api.editAsOther(b.id, { texts: { transcript: '佢寫嘅' } });
		void outbox.record({ type: 'update', segment: withText(b, '我寫嘅'), previous: b });
		await vi.advanceTimersByTimeAsync(3000);
		expect(h.api.requests('PATCH')).toHaveLength(0);
		expect(outbox.snapshot().conflicts[0]).toMatchObject({
			segmentId: b.id,
			server: { texts: { transcript: '佢寫嘅' } },
			local: { texts: { transcript: '我寫嘅' } }
		});
	});
});

describe('Outbox rejections and flushing', () => {
	it('keeps a change the server rejects, reports it, and retries when the user fixes it', async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { startMs: 3000, endMs: 2000, version: 0 });
		void outbox.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(700);
		expect(outbox.snapshot()).toMatchObject({
			status: 'error',
			failures: [{ segmentId: b.id, status: 422, code: 'invalid_times' }]
		});
		void outbox.record({ type: 'update', segment: { ...b, endMs: 4000 }, previous: b });
		await vi.advanceTimersByTimeAsync(700);
		expect(h.api.segments.get(b.id)).toMatchObject({ startMs: 3000, endMs: 4000 });
		expect(outbox.snapshot().status).toBe('saved');
	});

	it('reports a transcription that is not the user’s to edit now as a rejection, not as a conflict or a deletion', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const b = serverHas(h.api, seg('seg-b-0000000000000002', { startMs: 3000, endMs: 4000 }));
		const outbox = await h.open();
		const refusal = { status: 409, code: 'variant_not_editable', message: 'Transcription 1 of this recording is your task’s, which is submitted: it is read-only now' };
		h.api.failWith.push(refusal, refusal);
		void outbox.record({ type: 'update', segment: withText(a, '晏啲'), previous: a });
		void outbox.record({ type: 'delete', segment: b });
		await vi.advanceTimersByTimeAsync(700);
		const snapshot = outbox.snapshot();
		expect(snapshot.conflicts).toEqual([]);
		expect(snapshot).toMatchObject({ status: 'error' });
		expect(snapshot.failures.map((f) => [f.segmentId, f.status, f.code])).toEqual([
			[a.id, 409, 'variant_not_editable'],
			[b.id, 409, 'variant_not_editable']
		]);
		expect(h.api.segments.get(b.id)).toBeDefined();
	});

	it('discard drops a rejected change', async () => {
		const h = harness();
		const outbox = await h.open();
		const b = seg('seg-b-0000000000000002', { startMs: 3000, endMs: 2000, version: 0 });
		void outbox.record({ type: 'create', segment: b });
		await vi.advanceTimersByTimeAsync(700);
		await outbox.discard(outbox.snapshot().failures[0].key);
		expect(outbox.snapshot()).toMatchObject({ status: 'saved', pendingCount: 0 });
	});

	it('flush sends at once and resolves when saved; false when it cannot', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		void outbox.record({ type: 'update', segment: withText(a, '即刻'), previous: a });
		const flushed = outbox.flush(a.id);
		await vi.advanceTimersByTimeAsync(0);
		await expect(flushed).resolves.toBe(true);
		expect(h.api.requests('PATCH')).toHaveLength(1);

		h.api.offline = true;
		const a1 = { ...withText(a, '即刻'), version: 2 };
		void outbox.record({ type: 'update', segment: withText(a1, '即刻去'), previous: a1 });
		const offlineFlush = outbox.flush();
		await vi.advanceTimersByTimeAsync(0);
		await expect(offlineFlush).resolves.toBe(false);
		expect(outbox.hasUnsavedChanges).toBe(true);
	});

	it('waits for a new sign-in after a 401 instead of dropping the change', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		const outbox = await h.open();
		h.api.failWith.push(401);
		void outbox.record({ type: 'update', segment: withText(a, '登入'), previous: a });
		await vi.advanceTimersByTimeAsync(700);
		expect(outbox.snapshot()).toMatchObject({ status: 'error', unauthenticated: true, pendingCount: 1 });
		outbox.resume();
		await vi.advanceTimersByTimeAsync(10);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('登入');
		expect(outbox.snapshot().status).toBe('saved');
	});

	it('gives up on a request that hangs and retries it', async () => {
		const h = harness();
		const a = serverHas(h.api, seg('seg-a-0000000000000001'));
		let calls = 0;
		const outbox = await h.open({
			requestTimeoutMs: 5000,
			transport: (url, init) => {
				calls += 1;
				if (calls > 1) return h.api.fetch(url, init);
				return new Promise((_, reject) =>
					init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
				);
			}
		});
		void outbox.record({ type: 'update', segment: withText(a, '卡住'), previous: a });
		await vi.advanceTimersByTimeAsync(700 + 5000);
		expect(outbox.snapshot().status).toBe('offline');
		await vi.advanceTimersByTimeAsync(1500);
		expect(h.api.segments.get(a.id)?.texts.transcript).toBe('卡住');
	});
});
