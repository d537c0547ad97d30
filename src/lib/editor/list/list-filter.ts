/**
 * Filtering for the segment list, pure and DOM-free. A filter compiles to a predicate; the list
 * keeps an Int32Array of matching store positions (ascending), or null when nothing filters, in
 * which case row i is simply store.at(i) and no per-edit work is needed.
 */
import type { SegmentStore } from '../segments/segment-store.ts';
import type { EditorSegment } from '../segments/segment-types.ts';

export interface SegmentFilter {
	/** Speaker id; '' (UNASSIGNED_LANE) = no speaker; undefined = any. */
	speaker?: string;
	/** Tag id; '' = untagged; undefined = any. Matches the tag's descendants too (see tagChildren). */
	tag?: string;
	/** Status value; undefined = any. */
	status?: string;
	/** Only segments without any text yet. */
	noText?: boolean;
	/** Find in text (every layer), case-insensitive. */
	query?: string;
}

export interface TagNode {
	readonly id: string;
	readonly parentId: string | null;
}

export function isFilterActive(f: SegmentFilter): boolean {
	return (
		f.speaker !== undefined ||
		f.tag !== undefined ||
		f.status !== undefined ||
		f.noText === true ||
		(f.query ?? '').trim() !== ''
	);
}

/** True when some text layer has visible text. */
export function hasText(seg: EditorSegment): boolean {
	for (const k in seg.texts) if (seg.texts[k].trim() !== '') return true;
	return false;
}

// Segments are immutable, so a segment object's folded text never changes: cache by identity.
const folded = new WeakMap<EditorSegment, string>();

function foldedText(seg: EditorSegment): string {
	let s = folded.get(seg);
	if (s === undefined) {
		s = '';
		for (const k in seg.texts) s += seg.texts[k].toLowerCase() + '\u0000';
		folded.set(seg, s);
	}
	return s;
}

/** A tag and all its descendants. */
export function tagWithDescendants(tags: readonly TagNode[], rootId: string): Set<string> {
	const children = new Map<string, string[]>();
	for (const t of tags) {
		if (t.parentId === null) continue;
		let c = children.get(t.parentId);
		if (!c) children.set(t.parentId, (c = []));
		c.push(t.id);
	}
	const out = new Set<string>([rootId]);
	const stack = [rootId];
	while (stack.length) {
		for (const c of children.get(stack.pop()!) ?? []) {
			if (!out.has(c)) {
				out.add(c);
				stack.push(c);
			}
		}
	}
	return out;
}

export function compileFilter(f: SegmentFilter, tags: readonly TagNode[] = []): (seg: EditorSegment) => boolean {
	const speaker = f.speaker;
	const tagSet = f.tag !== undefined && f.tag !== '' ? tagWithDescendants(tags, f.tag) : null;
	const untagged = f.tag === '';
	const status = f.status;
	const noText = f.noText === true;
	const q = (f.query ?? '').trim().normalize('NFC').toLowerCase();
	return (seg) => {
		if (speaker !== undefined && (seg.speakerId ?? '') !== speaker) return false;
		if (untagged && seg.dialectTagId !== null) return false;
		if (tagSet && (seg.dialectTagId === null || !tagSet.has(seg.dialectTagId))) return false;
		if (status !== undefined && seg.status !== status) return false;
		if (noText && hasText(seg)) return false;
		if (q && !foldedText(seg).includes(q)) return false;
		return true;
	};
}

/** Store positions of matching segments, ascending; null when the filter is inactive (all rows). */
export function filterIndices(store: SegmentStore, f: SegmentFilter, tags: readonly TagNode[] = []): Int32Array | null {
	if (!isFilterActive(f)) return null;
	const match = compileFilter(f, tags);
	const n = store.size;
	const buf = new Int32Array(n);
	let count = 0;
	for (let i = 0; i < n; i++) if (match(store.at(i)!)) buf[count++] = i;
	return buf.slice(0, count);
}

/** Row of a store position in the filtered rows (binary search), or −1. */
export function rowOfIndex(indices: Int32Array | null, storeIndex: number): number {
	if (storeIndex < 0) return -1;
	if (indices === null) return storeIndex;
	let lo = 0;
	let hi = indices.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (indices[mid] < storeIndex) lo = mid + 1;
		else hi = mid;
	}
	return lo < indices.length && indices[lo] === storeIndex ? lo : -1;
}

/** The visible row window for a fixed row height, with overscan. */
export function visibleRows(
	scrollTop: number,
	viewportHeight: number,
	rowHeight: number,
	rowCount: number,
	overscan: number
): { first: number; last: number } {
	const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
	const last = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
	return { first, last: Math.max(first, last) };
}

/** scrollTop that brings `row` into view: 'nearest' scrolls minimally, 'center' centres it. */
export function scrollTopForRow(
	row: number,
	scrollTop: number,
	viewportHeight: number,
	rowHeight: number,
	align: 'nearest' | 'center' = 'nearest'
): number {
	const top = row * rowHeight;
	if (align === 'center') return Math.max(0, top - (viewportHeight - rowHeight) / 2);
	if (top < scrollTop) return top;
	if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
	return scrollTop;
}
