import type { EditorSegment } from './segment-types.ts';

/**
 * Segments ordered by (startMs, id) — the API's order — in parallel typed arrays, so range
 * queries and hit-tests are binary searches over contiguous Float64Arrays.
 *
 * Segments may overlap (different speakers; or same-speaker overlaps in imported data), so ends
 * are not sorted. Range queries start at the first segment whose start ≥ t0 − maxLen, where
 * `maxLen` is an upper bound on segment length (recomputed lazily when the longest one shrinks
 * or goes), which keeps them O(log n + k) for speech-length segments.
 *
 * Moving one segment shifts only the entries between its old and new position (usually none or
 * a few), so an edit costs O(log n) plus the distance moved.
 */
export class SortedIndex {
	starts: Float64Array;
	ends: Float64Array;
	items: EditorSegment[] = [];
	size = 0;
	#maxLen = 0;
	#maxLenStale = false;

	constructor(capacity = 64) {
		this.starts = new Float64Array(capacity);
		this.ends = new Float64Array(capacity);
	}

	/**
	 * Replaces the contents with `sorted` (already in (startMs, id) order). O(n). The index takes
	 * ownership of the array unless `copy` is set.
	 */
	build(sorted: EditorSegment[], copy = true): void {
		const n = sorted.length;
		const cap = Math.max(64, n + (n >> 2));
		this.starts = new Float64Array(cap);
		this.ends = new Float64Array(cap);
		this.items = copy ? sorted.slice() : sorted;
		let maxLen = 0;
		for (let i = 0; i < n; i++) {
			const s = sorted[i];
			this.starts[i] = s.startMs;
			this.ends[i] = s.endMs;
			const len = s.endMs - s.startMs;
			if (len > maxLen) maxLen = len;
		}
		this.size = n;
		this.#maxLen = maxLen;
		this.#maxLenStale = false;
	}

	get maxLen(): number {
		if (this.#maxLenStale) {
			let m = 0;
			for (let i = 0; i < this.size; i++) {
				const len = this.ends[i] - this.starts[i];
				if (len > m) m = len;
			}
			this.#maxLen = m;
			this.#maxLenStale = false;
		}
		return this.#maxLen;
	}

	/** First index whose (start, id) ≥ (startMs, id). */
	lowerBound(startMs: number, id: string): number {
		let lo = 0;
		let hi = this.size;
		const starts = this.starts;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const s = starts[mid];
			if (s < startMs || (s === startMs && this.items[mid].id < id)) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** First index whose start ≥ t. */
	firstStartAtOrAfter(t: number): number {
		let lo = 0;
		let hi = this.size;
		const starts = this.starts;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (starts[mid] < t) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** First index whose start > t. */
	firstStartAfter(t: number): number {
		let lo = 0;
		let hi = this.size;
		const starts = this.starts;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (starts[mid] <= t) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	indexOf(seg: Pick<EditorSegment, 'id' | 'startMs'>): number {
		const i = this.lowerBound(seg.startMs, seg.id);
		return i < this.size && this.items[i].id === seg.id ? i : -1;
	}

	#grow(): void {
		const cap = this.starts.length * 2;
		const starts = new Float64Array(cap);
		const ends = new Float64Array(cap);
		starts.set(this.starts.subarray(0, this.size));
		ends.set(this.ends.subarray(0, this.size));
		this.starts = starts;
		this.ends = ends;
	}

	#noteLength(len: number): void {
		if (len > this.#maxLen) this.#maxLen = len;
	}

	insert(seg: EditorSegment): number {
		if (this.size === this.starts.length) this.#grow();
		const i = this.lowerBound(seg.startMs, seg.id);
		if (i < this.size) {
			this.starts.copyWithin(i + 1, i, this.size);
			this.ends.copyWithin(i + 1, i, this.size);
		}
		this.items.splice(i, 0, seg);
		this.starts[i] = seg.startMs;
		this.ends[i] = seg.endMs;
		this.size++;
		this.#noteLength(seg.endMs - seg.startMs);
		return i;
	}

	/** Removes `seg` (found by its start and id); returns its former index or −1. */
	remove(seg: Pick<EditorSegment, 'id' | 'startMs' | 'endMs'>): number {
		const i = this.indexOf(seg);
		if (i < 0) return -1;
		this.starts.copyWithin(i, i + 1, this.size);
		this.ends.copyWithin(i, i + 1, this.size);
		this.items.splice(i, 1);
		this.size--;
		if (seg.endMs - seg.startMs >= this.#maxLen) this.#maxLenStale = true;
		return i;
	}

	/**
	 * Replaces `prev` by `next` (same id), shifting only the entries between the old and the new
	 * position. Returns the new index, or −1 when `prev` is not in the index.
	 */
	replace(prev: EditorSegment, next: EditorSegment): number {
		const i = this.indexOf(prev);
		if (i < 0) return -1;
		const prevLen = prev.endMs - prev.startMs;
		const nextLen = next.endMs - next.startMs;
		if (nextLen < prevLen && prevLen >= this.#maxLen) this.#maxLenStale = true;
		this.#noteLength(nextLen);
		let j = i;
		if (next.startMs !== prev.startMs) {
			j = this.lowerBound(next.startMs, next.id);
			// lowerBound ran over an array that still holds `prev` at i.
			if (j > i) j--;
			const items = this.items;
			if (j < i) {
				this.starts.copyWithin(j + 1, j, i);
				this.ends.copyWithin(j + 1, j, i);
				for (let k = i; k > j; k--) items[k] = items[k - 1];
			} else if (j > i) {
				this.starts.copyWithin(i, i + 1, j + 1);
				this.ends.copyWithin(i, i + 1, j + 1);
				for (let k = i; k < j; k++) items[k] = items[k + 1];
			}
		}
		this.items[j] = next;
		this.starts[j] = next.startMs;
		this.ends[j] = next.endMs;
		return j;
	}

	/**
	 * Calls `fn` for every segment overlapping [t0, t1) (end > t0 and start < t1), in start order.
	 * Returning `false` from `fn` stops the scan.
	 */
	forEachOverlapping(t0: number, t1: number, fn: (seg: EditorSegment, index: number) => boolean | void): void {
		const starts = this.starts;
		const ends = this.ends;
		const n = this.size;
		for (let i = this.firstStartAfter(t0 - this.maxLen); i < n && starts[i] < t1; i++) {
			if (ends[i] > t0 && fn(this.items[i], i) === false) return;
		}
	}

	/** Index range [from, to) of segments whose start lies in [t0 − maxLen, t1): a superset of the overlapping ones. */
	candidateRange(t0: number, t1: number): [number, number] {
		return [this.firstStartAfter(t0 - this.maxLen), this.firstStartAtOrAfter(t1)];
	}
}
