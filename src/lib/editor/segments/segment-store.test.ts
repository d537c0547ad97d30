import { describe, expect, it } from 'vitest';
import { SegmentStore, joinTexts, type SegmentStoreOptions } from './segment-store.ts';
import { UNASSIGNED_LANE, newSegmentId, type ChangeBatch, type EditorSegment, type EditResult } from './segment-types.ts';

const A = 'spk-a-000000000000000';
const B = 'spk-b-000000000000000';

function seg(id: string, startMs: number, endMs: number, extra: Partial<EditorSegment> = {}): EditorSegment {
	return { id, startMs, endMs, speakerId: null, dialectTagId: null, texts: {}, status: 'new', ...extra };
}

function setup(segments: EditorSegment[] = [], options: Partial<SegmentStoreOptions> = {}) {
	let n = 0;
	let clock = 1_000_000;
	const store = new SegmentStore({
		durationMs: 60_000,
		newId: () => `new-${++n}`,
		now: () => clock,
		...options
	});
	store.load(segments);
	const batches: ChangeBatch[] = [];
	store.onChange((b) => batches.push(b));
	return {
		store,
		batches,
		advance: (ms: number) => {
			clock += ms;
		}
	};
}

/** Segments as [id, start, end] in list order. */
function snapshot(store: SegmentStore): [string, number, number][] {
	return store.toArray().map((s) => [s.id, s.startMs, s.endMs]);
}

function fullSnapshot(store: SegmentStore) {
	return store.toArray().map((s) => ({ ...s }));
}

function expectOk(r: EditResult) {
	if (!r.ok) expect.fail(`edit failed: ${r.error}`);
	expect(r.ok).toBe(true);
	return r;
}

/** Applies `op`, checks undo restores the exact prior state and redo the exact after state. */
function roundTrip(store: SegmentStore, op: () => EditResult) {
	const before = fullSnapshot(store);
	expectOk(op());
	const after = fullSnapshot(store);
	expect(after).not.toEqual(before);
	expectOk(store.undo());
	expect(fullSnapshot(store)).toEqual(before);
	expectOk(store.redo());
	expect(fullSnapshot(store)).toEqual(after);
	expectOk(store.undo());
	expect(fullSnapshot(store)).toEqual(before);
	return { before, after };
}

describe('loading and ordering', () => {
	it('orders by startMs then id, like the API', () => {
		const { store } = setup([seg('c', 500, 900), seg('b', 100, 200), seg('a', 100, 300)]);
		expect(snapshot(store).map((s) => s[0])).toEqual(['a', 'b', 'c']);
		expect(store.indexOf('c')).toBe(2);
		expect(store.at(1)?.id).toBe('b');
		expect(store.size).toBe(3);
	});

	it('emits a load batch without changes and clears history', () => {
		const { store, batches } = setup([seg('a', 0, 100)]);
		store.delete('a');
		store.load([seg('x', 0, 100)]);
		expect(batches.at(-1)).toMatchObject({ origin: 'load', changes: [], lanesChanged: true });
		expect(store.canUndo).toBe(false);
	});
});

describe('lanes', () => {
	it('has one lane per speaker present, in project order, and the unassigned lane last', () => {
		const { store } = setup([seg('1', 0, 1000, { speakerId: B }), seg('2', 0, 1000, { speakerId: A }), seg('3', 0, 500)]);
		expect(store.lanes.map((l) => l.key)).toEqual([A, B, UNASSIGNED_LANE]);
		store.setSpeakerOrder([B, A]);
		expect(store.lanes.map((l) => l.key)).toEqual([B, A, UNASSIGNED_LANE]);
		expect(store.laneIndexOf(A)).toBe(1);
		expect(store.laneSize(A)).toBe(1);
	});

	it('always has the unassigned lane, and pins listed speakers on request', () => {
		const { store } = setup();
		expect(store.lanes.map((l) => l.key)).toEqual([UNASSIGNED_LANE]);
		store.setSpeakerOrder([A, B], true);
		expect(store.lanes.map((l) => l.key)).toEqual([A, B, UNASSIGNED_LANE]);
	});

	it('allows overlaps between different speakers but not within one lane', () => {
		const { store } = setup([seg('a1', 1000, 3000, { speakerId: A })]);
		expectOk(store.create({ startMs: 2000, endMs: 4000, speakerId: B }));
		expect(store.create({ startMs: 2500, endMs: 3500, speakerId: A })).toEqual({ ok: false, error: 'overlap' });
		expect(store.segmentsAt(2500).map((s) => s.speakerId).sort()).toEqual([A, B].sort());
	});

	it('adds and removes lanes as speakers come and go, flagging lanesChanged', () => {
		const { store, batches } = setup([seg('x', 0, 1000)]);
		expectOk(store.setSpeaker('x', A));
		expect(batches.at(-1)!.lanesChanged).toBe(true);
		expect(store.lanes.map((l) => l.key)).toEqual([A, UNASSIGNED_LANE]);
		expectOk(store.undo());
		expect(store.lanes.map((l) => l.key)).toEqual([UNASSIGNED_LANE]);
		expectOk(store.setTag('x', 'tag-1'));
		expect(batches.at(-1)!.lanesChanged).toBe(false);
	});

	it('tolerates same-lane overlaps in loaded data when drawing and querying', () => {
		const { store } = setup([seg('p', 0, 5000), seg('q', 1000, 2000)]);
		expect(store.inRange(1500, 1600).map((s) => s.id)).toEqual(['p', 'q']);
		expect(store.segmentAt(1500, UNASSIGNED_LANE)?.id).toBe('q');
		expect(store.segmentAt(3000, UNASSIGNED_LANE)?.id).toBe('p');
	});
});

describe('create', () => {
	it('creates, emits a create change, and undoes/redoes', () => {
		const { store, batches } = setup();
		const r = expectOk(store.create({ startMs: 1000, endMs: 2000, texts: { transcript: 'e\u0301' } }));
		expect(r.changes).toHaveLength(1);
		const change = batches.at(-1)!.changes[0];
		expect(change).toMatchObject({ type: 'create', id: 'new-1', previous: null });
		expect(change.segment).toMatchObject({ startMs: 1000, endMs: 2000, speakerId: null, status: 'new' });
		expect(change.segment!.texts.transcript).toBe('\u00e9'); // NFC
		expect(batches.at(-1)!.origin).toBe('edit');

		expectOk(store.undo());
		expect(store.size).toBe(0);
		expect(batches.at(-1)).toMatchObject({ origin: 'undo', label: 'create' });
		expect(batches.at(-1)!.changes[0]).toMatchObject({ type: 'delete', id: 'new-1', segment: null });
		expectOk(store.redo());
		expect(store.get('new-1')?.startMs).toBe(1000);
		expect(batches.at(-1)!.changes[0].type).toBe('create');
	});

	it('validates times: end ≤ start, minimum length, clamped into [0, duration]', () => {
		const { store } = setup([], { minLengthMs: 50 });
		expect(store.create({ startMs: 500, endMs: 500 })).toEqual({ ok: false, error: 'invalid_times' });
		expect(store.create({ startMs: 600, endMs: 500 })).toEqual({ ok: false, error: 'invalid_times' });
		expect(store.create({ startMs: 500, endMs: 549 })).toEqual({ ok: false, error: 'too_short' });
		expect(store.create({ startMs: NaN, endMs: 549 })).toEqual({ ok: false, error: 'invalid_times' });
		expectOk(store.create({ id: 'edge', startMs: -300, endMs: 70_000 }));
		expect(store.get('edge')).toMatchObject({ startMs: 0, endMs: 60_000 });
		expect(store.create({ startMs: 59_990, endMs: 70_000, speakerId: A })).toEqual({ ok: false, error: 'too_short' });
		expect(store.create({ id: 'edge', startMs: 0, endMs: 100, speakerId: A })).toEqual({ ok: false, error: 'duplicate_id' });
	});

	it('creates from a drag, clipped to the lane gap and snapped to edges', () => {
		const { store } = setup([seg('l', 1000, 2000), seg('r', 5000, 6000), seg('other', 0, 3020, { speakerId: A })]);
		// Dragging right from 2500 past r's start stops at 5000.
		roundTrip(store, () => store.createFromDrag(UNASSIGNED_LANE, 2500, 8000));
		expectOk(store.createFromDrag(UNASSIGNED_LANE, 2500, 8000));
		expect(store.get('new-2')).toMatchObject({ startMs: 2500, endMs: 5000 });
		store.undo();
		// Dragging left from 3000 stops at l's end; the anchor snaps to another lane's edge (3020).
		expectOk(store.createFromDrag(UNASSIGNED_LANE, 3000, 0, { snapMs: 30 }));
		expect(store.get('new-3')).toMatchObject({ startMs: 2000, endMs: 3020, speakerId: null });
		// The preview says why a tiny drag would be rejected.
		expect(store.planCreate(UNASSIGNED_LANE, 4000, 4010)?.valid).toBe(false);
		expect(store.createFromDrag(UNASSIGNED_LANE, 4000, 4010)).toEqual({ ok: false, error: 'too_short' });
		// Starting inside a segment of the lane is not a create.
		expect(store.planCreate(UNASSIGNED_LANE, 1500, 2500)).toBeNull();
		// In a speaker lane the new segment gets that speaker.
		expectOk(store.createFromDrag(A, 4000, 4500));
		expect(store.get('new-4')?.speakerId).toBe(A);
	});

	it('marks start and end while playing', () => {
		const { store, batches } = setup([seg('prev', 0, 1000)]);
		store.markStart(2000.4);
		expect(store.pendingMark).toEqual({ startMs: 2000, laneKey: UNASSIGNED_LANE });
		expect(batches.at(-1)).toMatchObject({ origin: 'view', changes: [] });
		roundTrip(store, () => store.markEnd(3500));
		expect(store.pendingMark).toBeNull();
		// Without a marked start: from the lane's previous end (here the undone segment is gone → 1000).
		expectOk(store.markEnd(4000));
		expect(store.get('new-2')).toMatchObject({ startMs: 1000, endMs: 4000 });
		// …but at most markFallbackMs back.
		expectOk(store.markEnd(30_000));
		expect(store.get('new-3')).toMatchObject({ startMs: 20_000, endMs: 30_000 });
		// Marked after seeking backwards: start and end swap; clipped to the lane's gap.
		store.markStart(35_000);
		expectOk(store.markEnd(32_000));
		expect(store.get('new-4')).toMatchObject({ startMs: 32_000, endMs: 35_000 });
		store.markStart(40_000);
		store.cancelMark();
		expect(store.pendingMark).toBeNull();
		// Ending inside an existing segment of the lane is refused.
		expect(store.markEnd(500).ok).toBe(false);
	});
});

describe('move', () => {
	it('moves by a delta, undo and redo', () => {
		const { store, batches } = setup([seg('a', 1000, 2000), seg('b', 5000, 6000)]);
		roundTrip(store, () => store.move('a', 500));
		expectOk(store.move('a', 500));
		expect(store.get('a')).toMatchObject({ startMs: 1500, endMs: 2500 });
		expect(batches.at(-1)!.changes[0]).toMatchObject({ type: 'update', id: 'a' });
		expect(batches.at(-1)!.changes[0].previous).toMatchObject({ startMs: 1000 });
	});

	it('stops at lane neighbours and the file ends, but passes other lanes', () => {
		const { store } = setup([seg('a', 1000, 2000), seg('b', 5000, 6000), seg('x', 2000, 9000, { speakerId: A })]);
		expectOk(store.move('a', 10_000));
		expect(store.get('a')).toMatchObject({ startMs: 4000, endMs: 5000 });
		expectOk(store.move('a', -100_000));
		expect(store.get('a')).toMatchObject({ startMs: 0, endMs: 1000 });
		expectOk(store.move('b', 100_000));
		expect(store.get('b')).toMatchObject({ startMs: 59_000, endMs: 60_000 });
		expectOk(store.moveTo('x', 1000));
		expect(store.get('x')).toMatchObject({ startMs: 1000, endMs: 8000 });
	});

	it('snaps either edge to the nearest neighbouring edge within tolerance', () => {
		const { store } = setup([seg('a', 1000, 2000), seg('b', 5000, 6000), seg('x', 3100, 3300, { speakerId: A })]);
		// a's end lands at 3080 → snaps to x's start (3100).
		expectOk(store.move('a', 1080, { snapMs: 40 }));
		expect(store.get('a')).toMatchObject({ startMs: 2100, endMs: 3100 });
		// a's start lands at 3290 → snaps to x's end (3300).
		expectOk(store.move('a', 1190, { snapMs: 40 }));
		expect(store.get('a')).toMatchObject({ startMs: 3300, endMs: 4300 });
		// Out of tolerance: no snap. Extra snap points (the playhead) count too.
		expectOk(store.move('a', 100, { snapMs: 10 }));
		expect(store.get('a')?.startMs).toBe(3400);
		expect(store.planMove('a', 95, { snapMs: 10, extraSnapPoints: [3500] })).toMatchObject({ startMs: 3500, snappedTo: 3500 });
	});

	it('reports not_found', () => {
		const { store } = setup();
		expect(store.move('nope', 10)).toEqual({ ok: false, error: 'not_found' });
	});
});

describe('resize', () => {
	it('resizes either edge with undo and redo', () => {
		const { store } = setup([seg('a', 1000, 2000)]);
		roundTrip(store, () => store.resize('a', 'start', 800));
		roundTrip(store, () => store.resize('a', 'end', 2600));
		expectOk(store.resize('a', 'end', 2600));
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2600 });
	});

	it('keeps the minimum length and stays between lane neighbours and file ends', () => {
		const { store } = setup([seg('l', 0, 500), seg('a', 1000, 2000), seg('r', 3000, 4000), seg('x', 0, 60_000, { speakerId: A })], { minLengthMs: 100 });
		expectOk(store.resize('a', 'start', 1990));
		expect(store.get('a')?.startMs).toBe(1900);
		expectOk(store.resize('a', 'start', 0));
		expect(store.get('a')?.startMs).toBe(500);
		expectOk(store.resize('a', 'end', 10));
		expect(store.get('a')?.endMs).toBe(600);
		expectOk(store.resize('a', 'end', 9000));
		expect(store.get('a')?.endMs).toBe(3000);
		expectOk(store.resize('r', 'end', 99_999));
		expect(store.get('r')?.endMs).toBe(60_000);
	});

	it('snaps to neighbours within tolerance', () => {
		const { store } = setup([seg('a', 1000, 2000), seg('x', 2500, 4000, { speakerId: A })]);
		expectOk(store.resize('a', 'end', 2480, { snapMs: 25 }));
		expect(store.get('a')?.endMs).toBe(2500);
		const plan = store.planResize('a', 'end', 4020, { snapMs: 25 });
		expect(plan).toMatchObject({ endMs: 4000, snappedTo: 4000, valid: true });
	});

	it('sets exact times, refusing overlap instead of clipping', () => {
		const { store } = setup([seg('a', 1000, 2000), seg('b', 3000, 4000)]);
		roundTrip(store, () => store.setTimes('a', 1100, 2900));
		expect(store.setTimes('a', 1100, 3100)).toEqual({ ok: false, error: 'overlap' });
		expect(store.setTimes('a', 1100, 1000)).toEqual({ ok: false, error: 'invalid_times' });
	});
});

describe('boundary keys', () => {
	it('nudges either boundary, stopping at neighbours, the minimum length and the file ends', () => {
		const { store } = setup([seg('a', 1000, 2000), seg('b', 2100, 3000)]);
		roundTrip(store, () => store.nudgeEdge('a', 'start', -10));
		expectOk(store.nudgeEdge('a', 'end', 10));
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2010 });
		expectOk(store.nudgeEdge('a', 'end', 1000));
		expect(store.get('a')?.endMs).toBe(2100); // stopped by b
		expect(store.nudgeEdge('a', 'end', 10)).toEqual({ ok: true, changes: [] });
		expectOk(store.nudgeEdge('a', 'start', 5000));
		expect(store.get('a')?.startMs).toBe(2100 - store.minLengthMs);
		expectOk(store.nudgeEdge('b', 'end', 100_000));
		expect(store.get('b')?.endMs).toBe(60_000);
		expect(store.nudgeEdge('zz', 'end', 10)).toEqual({ ok: false, error: 'not_found' });
	});

	it('makes quick repeated nudges of one boundary one undo step, and a pause or the other edge a new one', () => {
		const { store, batches, advance } = setup([seg('a', 1000, 2000)]);
		for (let i = 0; i < 5; i++) {
			expectOk(store.nudgeEdge('a', 'start', -10));
			advance(100);
		}
		// Every nudge is emitted (autosave sees each), but undo takes all five back.
		expect(batches.filter((b) => b.label === 'nudge')).toHaveLength(5);
		expect(store.get('a')?.startMs).toBe(950);
		expectOk(store.nudgeEdge('a', 'end', 100));
		advance(5000);
		expectOk(store.nudgeEdge('a', 'end', 100));
		expectOk(store.undo());
		expect(store.get('a')).toMatchObject({ startMs: 950, endMs: 2100 });
		expectOk(store.undo());
		expect(store.get('a')).toMatchObject({ startMs: 950, endMs: 2000 });
		expectOk(store.undo());
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2000 });
		expect(store.canUndo).toBe(false);
	});

	it('sets a boundary at the playhead exactly, refusing what would cross the other boundary or a neighbour', () => {
		const { store, batches } = setup([seg('a', 1000, 2000), seg('b', 3000, 4000)]);
		roundTrip(store, () => store.setEdge('a', 'start', 1234.4));
		expectOk(store.setEdge('a', 'end', 2500));
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2500 });
		expect(batches.at(-1)).toMatchObject({ origin: 'edit', label: 'boundary' });
		expect(store.setEdge('a', 'start', 2600)).toEqual({ ok: false, error: 'invalid_times' });
		expect(store.setEdge('a', 'start', 2480)).toEqual({ ok: false, error: 'too_short' });
		expect(store.setEdge('a', 'end', 3500)).toEqual({ ok: false, error: 'overlap' });
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2500 });
	});
});

describe('adopting segments the server created (pre-segmentation)', () => {
	const proposals = (n: number) =>
		Array.from({ length: n }, (_, i) => seg(`p-${String(i).padStart(5, '0')}`, i * 2000 + 100, i * 2000 + 1300, { version: 1 }));

	it('adds 1,200 segments as one remote batch that autosave does not send, and one undo step', () => {
		const { store, batches } = setup([seg('mine', 0, 50, { texts: { t: '早' } })], { durationMs: 3_000_000 });
		const applied = proposals(1200);
		expectOk(store.adoptCreated(applied));
		expect(store.size).toBe(1201);
		expect(batches).toHaveLength(1);
		expect(batches[0]).toMatchObject({ origin: 'remote', label: 'presegment' });
		expect(batches[0].changes).toHaveLength(1200);
		expect(store.undoLabel).toBe('presegment');

		// Undo: every one of them deleted, in one batch autosave sends.
		expectOk(store.undo());
		expect(store.size).toBe(1);
		expect(batches).toHaveLength(2);
		expect(batches[1].origin).toBe('undo');
		expect(batches[1].changes).toHaveLength(1200);
		expect(batches[1].changes.every((c) => c.type === 'delete')).toBe(true);
		expect(new Set(batches[1].changes.map((c) => c.id))).toEqual(new Set(applied.map((s) => s.id)));
		expect(store.get('mine')?.texts).toEqual({ t: '早' });

		// Redo: back with the same ids and times.
		expectOk(store.redo());
		expect(batches[2].origin).toBe('redo');
		expect(batches[2].changes.every((c) => c.type === 'create')).toBe(true);
		expect(store.size).toBe(1201);
		for (const s of applied) expect(store.get(s.id)).toMatchObject({ startMs: s.startMs, endMs: s.endMs });
		// Time queries work on the rebuilt indexes.
		expect(store.segmentAt(1000 * 2000 + 500)?.id).toBe('p-01000');
	});

	it('undo keeps later edits apart: they are undone first, then the whole batch', () => {
		const { store } = setup([], { durationMs: 100_000 });
		expectOk(store.adoptCreated(proposals(10)));
		expectOk(store.setText('p-00003', 'transcript', '你好'));
		expectOk(store.undo());
		expect(store.get('p-00003')?.texts).toEqual({});
		expect(store.size).toBe(10);
		expectOk(store.undo());
		expect(store.size).toBe(0);
	});

	it('skips ids it already has, and a batch of nothing is no undo step', () => {
		const { store } = setup([seg('p-00000', 100, 1300)], { durationMs: 100_000 });
		const r = expectOk(store.adoptCreated(proposals(3)));
		expect(r.changes.map((c) => c.id)).toEqual(['p-00001', 'p-00002']);
		expectOk(store.undo());
		expect(store.toArray().map((s) => s.id)).toEqual(['p-00000']);
		expect(store.adoptCreated([])).toEqual({ ok: true, changes: [] });
		expect(store.canUndo).toBe(false);
	});

	it('refuses the undo as stale when one of them was removed by someone else meanwhile', () => {
		const { store } = setup([], { durationMs: 100_000 });
		expectOk(store.adoptCreated(proposals(5)));
		store.applyRemote('p-00002', null);
		expect(store.undo()).toEqual({ ok: false, error: 'stale' });
		expect(store.size).toBe(4);
	});
});

describe('split', () => {
	it('splits at the playhead: left keeps id and text, right is new', () => {
		const { store, batches } = setup([seg('a', 1000, 3000, { speakerId: A, dialectTagId: 'yue', texts: { transcript: '你好' }, status: 'transcribed', version: 4 })]);
		const { after } = roundTrip(store, () => store.split('a', 2000));
		expect(after).toHaveLength(2);
		expectOk(store.redo());
		expect(store.get('a')).toMatchObject({ startMs: 1000, endMs: 2000, texts: { transcript: '你好' }, status: 'transcribed', version: 4 });
		const right = store.next('a')!;
		expect(right).toMatchObject({ startMs: 2000, endMs: 3000, speakerId: A, dialectTagId: 'yue', texts: {}, status: 'new' });
		expect(batches.at(-1)!.changes.map((c) => c.type)).toEqual(['update', 'create']);
	});

	it('splits texts at the caret when given', () => {
		const { store } = setup([seg('a', 1000, 3000, { texts: { transcript: '你好世界', mandarin: 'x' } })]);
		expectOk(store.split('a', 2000, { leftTexts: { transcript: '你好' }, rightTexts: { transcript: '世界' } }));
		expect(store.get('a')?.texts).toEqual({ transcript: '你好', mandarin: 'x' });
		expect(store.next('a')?.texts).toEqual({ transcript: '世界' });
	});

	it('refuses parts shorter than the minimum; splitAt picks the segment under the playhead', () => {
		const { store } = setup([seg('a', 1000, 3000), seg('b', 1500, 2500, { speakerId: A })], { minLengthMs: 100 });
		expect(store.split('a', 1050)).toEqual({ ok: false, error: 'too_short' });
		expect(store.split('a', 2950)).toEqual({ ok: false, error: 'too_short' });
		expect(store.splitAt(5000)).toEqual({ ok: false, error: 'no_segment' });
		roundTrip(store, () => store.splitAt(2000, UNASSIGNED_LANE));
		expectOk(store.splitAt(2000)); // latest-starting one: b
		expect(store.get('b')?.endMs).toBe(2000);
	});
});

describe('merge with next', () => {
	it('merges with the next segment of the same lane, joining texts', () => {
		const { store, batches } = setup([
			seg('a', 1000, 2000, { texts: { transcript: '你好', romanization: 'nei5 hou2' } }),
			seg('other', 2100, 2200, { speakerId: A }),
			seg('b', 2500, 4000, { dialectTagId: 'yue', texts: { transcript: '世界', romanization: 'sai3 gaai3' } })
		]);
		const { after } = roundTrip(store, () => store.mergeWithNext('a'));
		expect(after.map((s) => s.id)).toEqual(['a', 'other']);
		expectOk(store.redo());
		expect(store.get('a')).toMatchObject({
			startMs: 1000,
			endMs: 4000,
			dialectTagId: 'yue',
			texts: { transcript: '你好世界', romanization: 'nei5 hou2 sai3 gaai3' }
		});
		expect(batches.at(-1)!.changes.map((c) => c.type)).toEqual(['update', 'delete']);
		expect(store.mergeWithNext('a')).toEqual({ ok: false, error: 'no_next' });
		expect(store.mergeWithNext('zzz')).toEqual({ ok: false, error: 'not_found' });
	});

	it('joins texts with a space only between alphanumerics', () => {
		expect(joinTexts('你好', '世界')).toBe('你好世界');
		expect(joinTexts('nei5', 'hou2')).toBe('nei5 hou2');
		expect(joinTexts('好', 'ok')).toBe('好ok');
		expect(joinTexts('a ', 'b')).toBe('a b');
		expect(joinTexts('', 'b')).toBe('b');
		expect(joinTexts('a', '')).toBe('a');
	});
});

describe('delete', () => {
	it('deletes with undo (recreated with the same id) and redo', () => {
		const { store, batches } = setup([seg('a', 1000, 2000, { texts: { transcript: '字' } }), seg('b', 3000, 4000)]);
		roundTrip(store, () => store.delete('a'));
		expect(batches.at(-1)!.changes[0]).toMatchObject({ type: 'create', id: 'a', previous: null });
		expect(store.get('a')?.texts.transcript).toBe('字');
		expect(store.delete('nope')).toEqual({ ok: false, error: 'not_found' });
	});

	it('deletes many as one undo step, also in bulk', () => {
		const many = Array.from({ length: 1000 }, (_, i) => seg(`s${String(i).padStart(4, '0')}`, i * 50, i * 50 + 40, { speakerId: i % 2 ? A : null }));
		const { store, batches } = setup(many, { minLengthMs: 10 });
		const ids = many.filter((_, i) => i % 3 === 0).map((s) => s.id);
		const { after } = roundTrip(store, () => store.deleteMany([...ids, 'unknown']));
		expect(after).toHaveLength(1000 - ids.length);
		expect(batches.at(-3)!.changes).toHaveLength(ids.length);
		expect(store.inRange(0, 200).map((s) => s.id)).toEqual(['s0000', 's0001', 's0002', 's0003']);
		expectOk(store.redo());
		expect(store.inRange(0, 200).map((s) => s.id)).toEqual(['s0001', 's0002']);
		expect(store.laneSize(A) + store.laneSize(UNASSIGNED_LANE)).toBe(store.size);
	});
});

describe('text, speaker, tag, status', () => {
	it('sets text (NFC) and coalesces typing bursts into one undo step', () => {
		const { store, batches, advance } = setup([seg('a', 0, 1000)]);
		expectOk(store.setText('a', 'transcript', '你'));
		advance(300);
		expectOk(store.setText('a', 'transcript', '你好'));
		advance(300);
		expectOk(store.setText('a', 'transcript', '你好吗'));
		expect(batches.slice(-3).map((b) => b.changes[0].segment!.texts.transcript)).toEqual(['你', '你好', '你好吗']);
		advance(5000);
		expectOk(store.setText('a', 'transcript', '你好吗?'));
		expectOk(store.undo());
		expect(store.get('a')?.texts.transcript).toBe('你好吗');
		expectOk(store.undo());
		expect(store.get('a')?.texts).toEqual({});
		expect(store.canUndo).toBe(false);
		expectOk(store.redo());
		expect(store.get('a')?.texts.transcript).toBe('你好吗');
		// Another field is another undo step even within the window.
		expectOk(store.setText('a', 'romanization', 'nei5'));
		expect(store.undoLabel).toBe('text');
		expectOk(store.undo());
		expect(store.get('a')?.texts).toEqual({ transcript: '你好吗' });
		// Unchanged text is a no-op.
		expect(store.setText('a', 'transcript', '你好吗')).toEqual({ ok: true, changes: [] });
	});

	it('does not coalesce when asked not to', () => {
		const { store } = setup([seg('a', 0, 1000)]);
		store.setText('a', 'transcript', 'x', { coalesce: false });
		store.setText('a', 'transcript', 'xy', { coalesce: false });
		store.undo();
		expect(store.get('a')?.texts.transcript).toBe('x');
	});

	it('sets speaker (moving lanes), refusing overlap in the target lane', () => {
		const { store } = setup([seg('a', 0, 1000), seg('b', 500, 1500, { speakerId: B })]);
		roundTrip(store, () => store.setSpeaker('a', A));
		expect(store.setSpeaker('a', B)).toEqual({ ok: false, error: 'overlap' });
		expectOk(store.setSpeaker('a', A));
		expect(store.segmentAt(100, A)?.id).toBe('a');
		expect(store.segmentAt(100, UNASSIGNED_LANE)).toBeNull();
	});

	it('sets tag and status with undo and redo', () => {
		const { store } = setup([seg('a', 0, 1000)]);
		roundTrip(store, () => store.setTag('a', 'yue-hk'));
		roundTrip(store, () => store.setStatus('a', 'transcribed'));
		expect(store.setStatus('a', 'new')).toEqual({ ok: true, changes: [] });
	});

	it('updates several fields as one step', () => {
		const { store } = setup([seg('a', 0, 1000)]);
		roundTrip(store, () => store.update('a', { dialectTagId: 't', status: 'done', texts: { transcript: 'x' } }));
		expect(store.update('a', { startMs: 900, endMs: 800 })).toEqual({ ok: false, error: 'invalid_times' });
	});
});

describe('undo/redo stack', () => {
	it('a new edit clears redo; undo depth is limited', () => {
		const { store } = setup([seg('a', 0, 1000)], { undoLimit: 3 });
		for (let i = 1; i <= 5; i++) expectOk(store.move('a', 100));
		let undone = 0;
		while (store.canUndo) {
			expectOk(store.undo());
			undone++;
		}
		expect(undone).toBe(3);
		expect(store.get('a')?.startMs).toBe(200);
		expect(store.redoLabel).toBe('move');
		expectOk(store.move('a', 1));
		expect(store.canRedo).toBe(false);
		expect(store.redo()).toEqual({ ok: false, error: 'nothing_to_undo' });
		while (store.canUndo) store.undo();
		expect(store.undo()).toEqual({ ok: false, error: 'nothing_to_undo' });
	});

	it('groups edits in a transaction into one step and one batch', () => {
		const { store, batches } = setup([seg('a', 0, 1000)]);
		const before = fullSnapshot(store);
		const count = batches.length;
		store.transact('presegment', () => {
			store.create({ startMs: 2000, endMs: 3000 });
			store.create({ startMs: 4000, endMs: 5000 });
			store.move('a', 100);
			store.setText('new-1', 'transcript', 'x');
		});
		expect(batches.length).toBe(count + 1);
		expect(batches.at(-1)!.changes).toHaveLength(4);
		expectOk(store.undo());
		expect(fullSnapshot(store)).toEqual(before);
		expectOk(store.redo());
		expect(store.get('new-1')?.texts.transcript).toBe('x');
	});

	it('undo never rewinds the server version set by applyRemote', () => {
		const { store, batches } = setup([seg('a', 0, 1000, { version: 1 })]);
		expectOk(store.move('a', 500));
		store.applyRemote('a', { ...store.get('a')!, version: 2 });
		expect(batches.at(-1)).toMatchObject({ origin: 'remote' });
		expectOk(store.undo());
		expect(store.get('a')).toMatchObject({ startMs: 0, version: 2 });
		store.applyRemote('a', { ...store.get('a')!, version: 3 });
		expectOk(store.redo());
		expect(store.get('a')).toMatchObject({ startMs: 500, version: 3 });
	});

	it('drops a step that no longer applies after a remote delete', () => {
		const { store } = setup([seg('a', 0, 1000)]);
		expectOk(store.move('a', 500));
		store.applyRemote('a', null);
		expect(store.size).toBe(0);
		expect(store.undo()).toEqual({ ok: false, error: 'stale' });
		expect(store.canUndo).toBe(false);
		store.applyRemote('z', seg('z', 0, 100));
		expect(store.get('z')).toBeDefined();
		expect(store.canUndo).toBe(false);
	});
});

describe('hit-testing', () => {
	const segments = [seg('a', 1000, 2000), seg('b', 2000, 3000), seg('short', 5000, 5060), seg('x', 1500, 2500, { speakerId: A })];

	it('finds bodies and edges within the tolerance', () => {
		const { store } = setup(segments);
		expect(store.hitTest(1500, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'body', segment: { id: 'a' } });
		expect(store.hitTest(1040, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'start', segment: { id: 'a' }, distanceMs: 40 });
		expect(store.hitTest(970, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'start', segment: { id: 'a' } });
		expect(store.hitTest(900, 50, UNASSIGNED_LANE)).toBeNull();
		expect(store.hitTest(4000, 50, UNASSIGNED_LANE)).toBeNull();
	});

	it('gives a shared boundary to the segment on the pointer side', () => {
		const { store } = setup(segments);
		expect(store.hitTest(1990, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'end', segment: { id: 'a' } });
		expect(store.hitTest(2010, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'start', segment: { id: 'b' } });
	});

	it('keeps the middle of a short segment grabbable as a body', () => {
		const { store } = setup(segments);
		expect(store.hitTest(5030, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'body', segment: { id: 'short' } });
		expect(store.hitTest(5005, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'start' });
		expect(store.hitTest(5070, 50, UNASSIGNED_LANE)).toMatchObject({ part: 'end' });
	});

	it('restricts to a lane, or searches all lanes', () => {
		const { store } = setup(segments);
		expect(store.hitTest(1700, 10, A)).toMatchObject({ part: 'body', segment: { id: 'x' } });
		expect(store.hitTest(1700, 10)).toMatchObject({ part: 'body', segment: { id: 'x' } }); // latest start wins
		expect(store.hitTest(1700, 10, 'nobody')).toBeNull();
	});

	it('looks up the segment playing at t', () => {
		const { store } = setup(segments);
		expect(store.segmentAt(1999, UNASSIGNED_LANE)?.id).toBe('a');
		expect(store.segmentAt(2000, UNASSIGNED_LANE)?.id).toBe('b');
		expect(store.segmentAt(3000, UNASSIGNED_LANE)).toBeNull();
		expect(store.segmentsAt(1600).map((s) => s.id)).toEqual(['x', 'a']);
		expect(store.firstStartingAtOrAfter(1001)?.id).toBe('x');
		expect(store.previous('b')?.id).toBe('x');
	});
});

describe('ids', () => {
	it('makes API-compatible, unique, time-sortable ids', () => {
		const ids = Array.from({ length: 200 }, () => newSegmentId(1_700_000_000_000));
		for (const id of ids) expect(id).toMatch(/^[0-9a-z]{20}$/);
		expect(new Set(ids).size).toBe(200);
		expect(newSegmentId(1_700_000_000_001) > ids[0]).toBe(true);
	});
});

describe('scale', () => {
	function synthetic(n: number, durationMs: number): EditorSegment[] {
		const speakers = [A, B, null];
		const step = durationMs / n;
		return Array.from({ length: n }, (_, i) => {
			const start = Math.round(i * step);
			return seg(`seg-${String(i).padStart(6, '0')}-xxxxxxxx`, start, start + Math.max(60, Math.round(step * 0.8)), {
				speakerId: speakers[i % 3],
				texts: { transcript: `第${i}句` }
			});
		});
	}

	// Absolute speeds are measured by `npm run bench -- browser` (seg10k_*), not asserted here: a
	// wall-clock limit fails on a loaded machine. Only the growth of the edit cost is checked.
	it('builds a store of 10,000 segments', () => {
		const data = synthetic(10_000, 2 * 3_600_000);
		const store = new SegmentStore({ durationMs: 2 * 3_600_000 });
		store.load(data);
		expect(store.size).toBe(10_000);
		expect(store.lanes).toHaveLength(3);
	});

	it('edits one segment in O(log n): per-edit cost barely grows from 1k to 100k segments', () => {
		function costPerEdit(n: number): number {
			const duration = n * 1000;
			const store = new SegmentStore({ durationMs: duration });
			store.load(synthetic(n, duration));
			const ids = Array.from({ length: 200 }, (_, k) => store.at(Math.floor(((k + 0.5) / 200) * n))!.id);
			const samples: number[] = [];
			for (let round = 0; round < 7; round++) {
				const t0 = performance.now();
				for (const id of ids) {
					store.move(id, 3);
					store.setText(id, 'transcript', `r${round}`, { coalesce: false });
					store.resize(id, 'end', store.get(id)!.endMs - 2);
				}
				samples.push((performance.now() - t0) / (ids.length * 3));
			}
			samples.sort((a, b) => a - b);
			return samples[3];
		}
		costPerEdit(1000); // warm-up (JIT)
		const small = costPerEdit(1000);
		const large = costPerEdit(100_000);
		// A linear-time edit would be ~100× slower; allow generous noise on a shared 2-core box.
		expect(large / small).toBeLessThan(20);
	});

	it('queries the visible window of 10,000 segments', () => {
		const store = new SegmentStore({ durationMs: 2 * 3_600_000 });
		store.load(synthetic(10_000, 2 * 3_600_000));
		let found = 0;
		for (let k = 0; k < 1000; k++) {
			const t = (k / 1000) * 7_000_000;
			store.forEachInRange(t, t + 12_000, () => void found++);
			store.hitTest(t, 60);
			store.segmentsAt(t);
		}
		expect(found).toBeGreaterThan(10_000);
	});
});
