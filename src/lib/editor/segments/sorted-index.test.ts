import { describe, expect, it } from 'vitest';
import { SortedIndex } from './sorted-index.ts';
import type { EditorSegment } from './segment-types.ts';

const seg = (id: string, startMs: number, endMs: number): EditorSegment => ({
	id,
	startMs,
	endMs,
	speakerId: null,
	dialectTagId: null,
	texts: {},
	status: 'new'
});

function order(index: SortedIndex): string[] {
	return index.items.slice(0, index.size).map((s) => s.id);
}

function assertConsistent(index: SortedIndex) {
	for (let i = 0; i < index.size; i++) {
		expect(index.starts[i]).toBe(index.items[i].startMs);
		expect(index.ends[i]).toBe(index.items[i].endMs);
		if (i > 0) {
			const a = index.items[i - 1];
			const b = index.items[i];
			expect(a.startMs < b.startMs || (a.startMs === b.startMs && a.id < b.id)).toBe(true);
		}
	}
}

describe(SortedIndex.name, () => {
	it('keeps (startMs, id) order through inserts, removals and moves', () => {
		const index = new SortedIndex(2); // forces growth
		const a = seg('a', 100, 200);
		const b = seg('b', 100, 150);
		const c = seg('c', 50, 80);
		const d = seg('d', 300, 400);
		for (const s of [a, d, b, c]) index.insert(s);
		expect(order(index)).toEqual(['c', 'a', 'b', 'd']);
		assertConsistent(index);

		const a2 = { ...a, startMs: 350, endMs: 360 };
		expect(index.replace(a, a2)).toBe(3);
		expect(order(index)).toEqual(['c', 'b', 'd', 'a']);
		const d2 = { ...d, startMs: 0, endMs: 10 };
		expect(index.replace(d, d2)).toBe(0);
		expect(order(index)).toEqual(['d', 'c', 'b', 'a']);
		assertConsistent(index);

		expect(index.remove(b)).toBe(2);
		expect(index.remove(b)).toBe(-1);
		expect(order(index)).toEqual(['d', 'c', 'a']);
		assertConsistent(index);
	});

	it('finds overlapping segments even when ends are unsorted (overlaps)', () => {
		const index = new SortedIndex();
		index.build([seg('long', 0, 10_000), seg('x', 1000, 1500), seg('y', 2000, 2100), seg('z', 9000, 9500)]);
		const hits: string[] = [];
		index.forEachOverlapping(5000, 6000, (s) => void hits.push(s.id));
		expect(hits).toEqual(['long']);
		hits.length = 0;
		index.forEachOverlapping(1400, 2050, (s) => void hits.push(s.id));
		expect(hits).toEqual(['long', 'x', 'y']);
	});

	it('shrinks its max-length bound when the longest segment goes', () => {
		const index = new SortedIndex();
		const long = seg('long', 0, 10_000);
		index.build([long, seg('x', 1000, 1500)]);
		expect(index.maxLen).toBe(10_000);
		index.remove(long);
		expect(index.maxLen).toBe(500);
		const x = index.items[0];
		index.replace(x, { ...x, endMs: 1100 });
		expect(index.maxLen).toBe(100);
	});
});
