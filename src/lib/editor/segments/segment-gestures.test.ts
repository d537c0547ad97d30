import { describe, expect, it } from 'vitest';
import { SegmentStore } from './segment-store.ts';
import { UNASSIGNED_LANE, type EditorSegment } from './segment-types.ts';
import { beginGesture, commitGesture, laneAtY, planGesture, trackGesture } from './segment-gestures.ts';

const seg = (id: string, startMs: number, endMs: number): EditorSegment => ({
	id,
	startMs,
	endMs,
	speakerId: null,
	dialectTagId: null,
	texts: {},
	status: 'new'
});

function setup() {
	let n = 0;
	const store = new SegmentStore({ durationMs: 60_000, newId: () => `new-${++n}` });
	store.load([seg('a', 1000, 2000), seg('b', 4000, 5000)]);
	return store;
}

describe('segment gestures', () => {
	it('maps y to lanes', () => {
		expect(laneAtY(10, 3, 90)).toBe(0);
		expect(laneAtY(45, 3, 90)).toBe(1);
		expect(laneAtY(200, 3, 90)).toBe(2);
		expect(laneAtY(-5, 3, 90)).toBe(0);
		expect(laneAtY(50, 1, 90)).toBe(0);
	});

	it('a press without travel is a click, not an edit', () => {
		const store = setup();
		const g = beginGesture(null, UNASSIGNED_LANE, 3000, 300, false)!;
		expect(trackGesture(g, 301)).toBe(false);
		expect(planGesture(store, g, 3010)).toBeNull();
		expect(commitGesture(store, g, 3010)).toBeNull();
		expect(store.size).toBe(2);
		expect(beginGesture(null, UNASSIGNED_LANE, 3000, 300, true)).toBeNull();
	});

	it('drags on empty space to create, previewing the clipped range', () => {
		const store = setup();
		const g = beginGesture(store.hitTest(2500, 50, UNASSIGNED_LANE), UNASSIGNED_LANE, 2500, 250, false)!;
		expect(g.kind).toBe('create');
		trackGesture(g, 400);
		expect(planGesture(store, g, 4500)).toMatchObject({ startMs: 2500, endMs: 4000, valid: true, kind: 'create' });
		expect(commitGesture(store, g, 4500)?.ok).toBe(true);
		expect(store.get('new-1')).toMatchObject({ startMs: 2500, endMs: 4000 });
		store.undo();
		expect(store.size).toBe(2);
	});

	it('drags a body to move it', () => {
		const store = setup();
		const g = beginGesture(store.hitTest(1500, 50, UNASSIGNED_LANE), UNASSIGNED_LANE, 1500, 150, false)!;
		expect(g).toMatchObject({ kind: 'move', id: 'a' });
		trackGesture(g, 170);
		expect(planGesture(store, g, 1700)).toMatchObject({ startMs: 1200, endMs: 2200 });
		expect(commitGesture(store, g, 1700)?.ok).toBe(true);
		expect(store.get('a')).toMatchObject({ startMs: 1200, endMs: 2200 });
	});

	it('drags an edge to resize without jumping to the pointer, with snapping', () => {
		const store = setup();
		const g = beginGesture(store.hitTest(1980, 50, UNASSIGNED_LANE), UNASSIGNED_LANE, 1980, 198, false)!;
		expect(g).toMatchObject({ kind: 'resize-end', id: 'a', grabOffsetMs: 20 });
		trackGesture(g, 250);
		expect(planGesture(store, g, 2480)).toMatchObject({ endMs: 2500 });
		expect(planGesture(store, g, 3950, { snapMs: 40 })).toMatchObject({ endMs: 4000, snappedTo: 4000 });
		expect(commitGesture(store, g, 3950, { snapMs: 40 })?.ok).toBe(true);
		expect(store.get('a')?.endMs).toBe(4000);
		const s = beginGesture(store.hitTest(4010, 30, UNASSIGNED_LANE), UNASSIGNED_LANE, 4010, 401, false)!;
		expect(s).toMatchObject({ kind: 'resize-start', id: 'b' });
	});
});
