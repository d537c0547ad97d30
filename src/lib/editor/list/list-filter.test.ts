import { describe, expect, it } from 'vitest';
import { SegmentStore } from '../segments/segment-store.ts';
import type { EditorSegment } from '../segments/segment-types.ts';
import {
	compileFilter,
	filterIndices,
	hasText,
	isFilterActive,
	rowOfIndex,
	scrollTopForRow,
	tagWithDescendants,
	visibleRows
} from './list-filter.ts';

const seg = (id: string, startMs: number, extra: Partial<EditorSegment> = {}): EditorSegment => ({
	id,
	startMs,
	endMs: startMs + 500,
	speakerId: null,
	dialectTagId: null,
	texts: {},
	status: 'new',
	...extra
});

const tags = [
	{ id: 'yue', parentId: null },
	{ id: 'yue-gz', parentId: 'yue' },
	{ id: 'yue-hk', parentId: 'yue' },
	{ id: 'cmn', parentId: null }
];

function store() {
	const s = new SegmentStore({ durationMs: 100_000 });
	s.load([
		seg('a', 0, { speakerId: 'sp1', dialectTagId: 'yue-gz', texts: { transcript: '你好 World' }, status: 'transcribed' }),
		seg('b', 1000, { speakerId: 'sp2', dialectTagId: 'cmn', texts: { transcript: '  ', mandarin: '' } }),
		seg('c', 2000, { dialectTagId: 'yue', texts: { romanization: 'Nei5 hou2' } }),
		seg('d', 3000, {})
	]);
	return s;
}

const ids = (s: SegmentStore, idx: Int32Array | null) => (idx ? Array.from(idx, (i) => s.at(i)!.id) : null);

describe('segment list filters', () => {
	it('is inactive for an empty filter: every row, no work', () => {
		expect(isFilterActive({})).toBe(false);
		expect(isFilterActive({ query: '   ' })).toBe(false);
		expect(filterIndices(store(), {})).toBeNull();
	});

	it('filters by speaker, including unassigned', () => {
		const s = store();
		expect(ids(s, filterIndices(s, { speaker: 'sp2' }))).toEqual(['b']);
		expect(ids(s, filterIndices(s, { speaker: '' }))).toEqual(['c', 'd']);
	});

	it('filters by tag with its descendants, or untagged', () => {
		const s = store();
		expect([...tagWithDescendants(tags, 'yue')].sort()).toEqual(['yue', 'yue-gz', 'yue-hk']);
		expect(ids(s, filterIndices(s, { tag: 'yue' }, tags))).toEqual(['a', 'c']);
		expect(ids(s, filterIndices(s, { tag: 'yue-gz' }, tags))).toEqual(['a']);
		expect(ids(s, filterIndices(s, { tag: '' }, tags))).toEqual(['d']);
	});

	it('filters by state and "no text yet" (whitespace is no text)', () => {
		const s = store();
		expect(ids(s, filterIndices(s, { status: 'transcribed' }))).toEqual(['a']);
		expect(hasText(s.get('b')!)).toBe(false);
		expect(ids(s, filterIndices(s, { noText: true }))).toEqual(['b', 'd']);
	});

	it('finds text in any layer, case-insensitively and NFC-normalized', () => {
		const s = store();
		expect(ids(s, filterIndices(s, { query: 'world' }))).toEqual(['a']);
		expect(ids(s, filterIndices(s, { query: 'NEI5' }))).toEqual(['c']);
		expect(ids(s, filterIndices(s, { query: '你好' }))).toEqual(['a']);
		s.setText('d', 'transcript', 'Cafe\u0301');
		expect(ids(s, filterIndices(s, { query: 'café' }))).toEqual(['d']);
		expect(compileFilter({ query: 'x', speaker: 'sp1' })(s.get('a')!)).toBe(false);
	});

	it('combines filters at 10,000 segments', () => {
		const s = new SegmentStore({ durationMs: 10_000_000 });
		s.load(
			Array.from({ length: 10_000 }, (_, i) =>
				seg(`s${i}`, i * 1000, { speakerId: i % 2 ? 'sp1' : null, texts: i % 5 ? { transcript: `句子${i}` } : {} })
			)
		);
		const idx = filterIndices(s, { speaker: 'sp1', query: '句子1' });
		expect(idx!.length).toBeGreaterThan(100);
		expect(idx!.every((i) => s.at(i)!.speakerId === 'sp1' && (s.at(i)!.texts.transcript ?? '').includes('句子1'))).toBe(true);
	});
});

describe('list virtualization geometry', () => {
	it('maps store positions to filtered rows', () => {
		const idx = Int32Array.from([2, 5, 9]);
		expect(rowOfIndex(idx, 5)).toBe(1);
		expect(rowOfIndex(idx, 6)).toBe(-1);
		expect(rowOfIndex(null, 6)).toBe(6);
		expect(rowOfIndex(null, -1)).toBe(-1);
	});

	it('renders only the visible rows plus overscan', () => {
		expect(visibleRows(0, 400, 32, 10_000, 5)).toEqual({ first: 0, last: 18 });
		expect(visibleRows(320_000 - 400, 400, 32, 10_000, 5)).toEqual({ first: 9982, last: 10_000 });
		expect(visibleRows(0, 400, 32, 0, 5)).toEqual({ first: 0, last: 0 });
	});

	it('scrolls a row into view minimally or centred', () => {
		expect(scrollTopForRow(10, 0, 320, 32)).toBe(32);
		expect(scrollTopForRow(2, 320, 320, 32)).toBe(64);
		expect(scrollTopForRow(12, 320, 320, 32)).toBe(320);
		expect(scrollTopForRow(100, 0, 320, 32, 'center')).toBe(3200 - 144);
	});
});
