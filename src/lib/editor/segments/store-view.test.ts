import { describe, expect, it } from 'vitest';
import { SegmentStore } from './segment-store.ts';
import { StoreView } from './store-view.svelte.ts';

describe(StoreView.name, () => {
	it('follows every batch of the store, and reads through to it', () => {
		const store = new SegmentStore({ durationMs: 10_000 });
		store.load([{ id: 'a', startMs: 0, endMs: 1000, speakerId: null, dialectTagId: null, texts: {}, status: 'new' }]);
		const view = new StoreView(store);
		const r0 = view.revision;
		expect(view.size).toBe(1);
		store.create({ startMs: 2000, endMs: 3000 });
		expect(view.revision).toBeGreaterThan(r0);
		expect(view.size).toBe(2);
		expect(view.canUndo).toBe(true);
		const moved = view.revision;
		store.move('a', 500);
		expect(view.revision).toBeGreaterThan(moved);
		expect(view.get('a')?.startMs).toBe(500);
		expect(view.indexOf('a')).toBe(0);
		expect(view.get(null)).toBeNull();
		store.markStart(4000);
		expect(view.pendingMark?.startMs).toBe(4000);

		view.dispose();
		const frozen = view.revision;
		store.undo();
		expect(view.revision).toBe(frozen);
	});
});
