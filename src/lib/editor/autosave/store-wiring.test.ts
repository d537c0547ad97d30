import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SegmentStore } from '../segments/segment-store.ts';
import { Autosave } from './autosave.svelte.ts';
import { diffFields, snapshotSegment } from './fields.ts';
import { Outbox } from './outbox.ts';
import { MemoryOutboxStorage } from './storage.ts';
import { FakeSegmentsApi } from './testing/fake-segments-api.ts';

const REC = 'rec-wiring-000000000001';

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

/** The editor's segment store wired to autosave the way the recording page does it. */
async function wired() {
	const api = new FakeSegmentsApi();
	const store = new SegmentStore({ durationMs: 600_000 });
	let autosave: Autosave | null = null;
	const outbox = new Outbox({
		storage: new MemoryOutboxStorage(),
		transport: api.fetch,
		userId: 'user-1',
		claimIntervalMs: 0,
		onAdopt: (id, segment) => store.applyRemote(id, segment)
	});
	autosave = new Autosave(outbox);
	await outbox.start();
	store.onChange((batch) => void autosave?.recordBatch(batch, REC));
	return { api, store, autosave };
}

function expectServerMatchesStore(api: FakeSegmentsApi, store: SegmentStore) {
	const local = store.toArray().map((s) => snapshotSegment(s, REC));
	const remote = [...api.segments.values()].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
	expect(remote.map((s) => s.id)).toEqual(local.map((s) => s.id));
	for (const [i, s] of local.entries()) expect(diffFields(s, snapshotSegment(remote[i]))).toEqual([]);
}

describe('segment store → autosave', () => {
	it('saves creates, typing, split, merge, undo and redo so the server ends up equal to the editor', async () => {
		const { api, store, autosave } = await wired();
		const created = store.create({ startMs: 1000, endMs: 4000 });
		expect(created.ok).toBe(true);
		const id = store.at(0)!.id;
		for (const text of ['佢', '佢哋', '佢哋喺度']) store.setText(id, 'transcript', text);
		await vi.advanceTimersByTimeAsync(1500);
		expect(api.requests().map((r) => r.method)).toEqual(['POST']);

		store.splitAt(2500);
		await vi.advanceTimersByTimeAsync(1500);
		expect(store.toArray()).toHaveLength(2);
		store.mergeWithNext(id);
		await vi.advanceTimersByTimeAsync(1500);
		store.undo(); // the split is back
		await vi.advanceTimersByTimeAsync(1500);
		store.redo(); // merged again: the right half is deleted a second time
		await vi.advanceTimersByTimeAsync(1500);
		store.setSpeaker(id, null);
		store.setText(id, 'romanization', 'keoi5 dei6');
		await vi.advanceTimersByTimeAsync(1500);

		expect(autosave.status).toBe('saved');
		expect(autosave.conflicts).toEqual([]);
		expectServerMatchesStore(api, store);
	});

	it('shows the server version in the editor after "take theirs"', async () => {
		const { api, store, autosave } = await wired();
		store.create({ startMs: 1000, endMs: 2000, texts: { transcript: '原文' } });
		const id = store.at(0)!.id;
		await vi.advanceTimersByTimeAsync(1500);
		api.editAsOther(id, { texts: { transcript: '佢改' } });
		store.setText(id, 'transcript', '我改');
		await vi.advanceTimersByTimeAsync(1500);
		expect(autosave.status).toBe('conflict');
		await autosave.takeTheirs(autosave.conflicts[0].key);
		expect(store.get(id)?.texts.transcript).toBe('佢改');
		// The store's 'remote' batch is not sent back.
		await vi.advanceTimersByTimeAsync(1500);
		expect(api.requests('PATCH')).toHaveLength(1);
		expect(autosave.status).toBe('saved');
	});
});
