/**
 * The editor's segment model: pure TypeScript, no DOM, shared by SegmentLayer (canvas),
 * SegmentList and the autosave module.
 *
 * - Segments live in sorted typed arrays (see SortedIndex): one index over all segments in the
 *   API's order (startMs, id) for the list and time queries, plus one per speaker lane for
 *   neighbours, drawing and hit-testing. Range queries, hit-tests and "segment at t" are binary
 *   searches; editing one segment touches O(log n) entries plus the distance it moves.
 * - Lanes: one per speaker present (in the project's speaker order, see setSpeakerOrder) and
 *   always one for unassigned segments, last. Different speakers may overlap; within one lane
 *   edits never create overlaps (moves and resizes stop at the neighbours, creates are clipped to
 *   the free gap), unless `allowSameLaneOverlap` is set.
 * - Every edit is a list of primitive changes {type, id, segment, previous}. The list is pushed on
 *   the undo stack and emitted to `onChange` listeners in one ChangeBatch, which is exactly what the
 *   autosave module sends (create → POST, update → PATCH, delete → DELETE).
 * - Undo/redo restore only the editable fields (times, speaker, tag, texts, status) onto the
 *   current object, so a server `version` updated through applyRemote is never rewound.
 */
import { SortedIndex } from './sorted-index.ts';
import {
	EDITABLE_FIELDS,
	UNASSIGNED_LANE,
	laneKeyOf,
	newSegmentId,
	type ChangeBatch,
	type ChangeOrigin,
	type EditErrorCode,
	type EditResult,
	type EditorSegment,
	type SegmentChange,
	type SegmentInit,
	type SegmentPatch
} from './segment-types.ts';

export interface SegmentStoreOptions {
	/** Length of the recording; every segment is clamped into [0, durationMs]. */
	durationMs: number;
	/** Shortest segment any edit may produce. Default 50 ms. */
	minLengthMs?: number;
	/** Allow overlapping segments of the same speaker. Default false. */
	allowSameLaneOverlap?: boolean;
	/** Undo depth. Default 1000. */
	undoLimit?: number;
	/** Consecutive setText calls on one field within this window are one undo step. Default 1500 ms. */
	textCoalesceMs?: number;
	/** When "mark end" has no marked start, the segment starts at the lane's previous end, but at most this long ago. Default 10 s. */
	markFallbackMs?: number;
	/** Status given to new segments. Default 'new'. */
	defaultStatus?: string;
	/** The transcription new segments belong to (a task's variant); absent for the primary one. */
	variant?: number;
	newId?: () => string;
	now?: () => number;
}

export interface LaneInfo {
	readonly key: string;
	readonly speakerId: string | null;
	readonly index: number;
}

export type HitPart = 'start' | 'end' | 'body';

export interface HitResult {
	readonly segment: EditorSegment;
	readonly part: HitPart;
	/** Distance from the point to the grabbed edge (0 for a body hit inside the segment). */
	readonly distanceMs: number;
}

export interface PlannedTimes {
	readonly startMs: number;
	readonly endMs: number;
	/** False when the result would be rejected (too short, no room); the layer can draw it as invalid. */
	readonly valid: boolean;
	/** The time an edge snapped to, if any (for drawing a snap guide). */
	readonly snappedTo: number | null;
}

export interface SnapOptions {
	/** Snap tolerance in ms (the layer converts its pixel tolerance with the zoom). 0 = no snapping. */
	snapMs?: number;
	/** Extra snap targets, e.g. the playhead. */
	extraSnapPoints?: readonly number[];
}

export interface PendingMark {
	readonly startMs: number;
	readonly laneKey: string;
}

export type ChangeListener = (batch: ChangeBatch) => void;

interface Command {
	label: string;
	changes: SegmentChange[];
	coalesceKey: string | null;
	time: number;
}

const BULK_THRESHOLD = 256;

function compareSegments(a: EditorSegment, b: EditorSegment): number {
	return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function sameTexts(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
	const ka = Object.keys(a);
	if (ka.length !== Object.keys(b).length) return false;
	for (const k of ka) if (a[k] !== b[k]) return false;
	return true;
}

function normalizeTexts(texts: Readonly<Record<string, string>> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (texts) for (const [k, v] of Object.entries(texts)) out[k] = String(v ?? '').normalize('NFC');
	return out;
}

/**
 * Joins two texts when merging segments: no separator between CJK characters, one space between
 * alphanumerics (romanization), never doubling existing whitespace.
 */
export function joinTexts(a: string, b: string): string {
	if (!a) return b;
	if (!b) return a;
	if (/\s$/u.test(a) || /^\s/u.test(b)) return a + b;
	const last = a[a.length - 1];
	const first = b[0];
	const spaced = /[\p{Script=Latin}\p{Nd}]/u;
	return spaced.test(last) && spaced.test(first) ? `${a} ${b}` : a + b;
}

/** Copies the editable fields of `from` onto `onto` (keeping onto's id, version and extras). */
function withEditable(onto: EditorSegment, from: EditorSegment): EditorSegment {
	const next: Record<string, unknown> = { ...onto };
	for (const f of EDITABLE_FIELDS) next[f] = from[f];
	return next as unknown as EditorSegment;
}

function fail(error: EditErrorCode): EditResult {
	return { ok: false, error };
}

export class SegmentStore {
	readonly minLengthMs: number;
	readonly allowSameLaneOverlap: boolean;
	#durationMs: number;
	#undoLimit: number;
	#textCoalesceMs: number;
	#markFallbackMs: number;
	#defaultStatus: string;
	#variant: { variant?: number };
	#newId: () => string;
	#now: () => number;

	#byId = new Map<string, EditorSegment>();
	#all = new SortedIndex();
	#lanes = new Map<string, SortedIndex>();
	#speakerOrder: string[] = [];
	#pinned = new Set<string>();
	#laneList: LaneInfo[] = [];
	#laneIndexByKey = new Map<string, number>();

	#undo: Command[] = [];
	#redo: Command[] = [];
	#listeners = new Set<ChangeListener>();
	#revision = 0;
	#pendingMark: PendingMark | null = null;
	#batchDepth = 0;
	#batchChanges: SegmentChange[] = [];
	#batchLanesChanged = false;

	constructor(options: SegmentStoreOptions) {
		this.#durationMs = Math.max(0, Math.round(options.durationMs));
		this.minLengthMs = options.minLengthMs ?? 50;
		this.allowSameLaneOverlap = options.allowSameLaneOverlap ?? false;
		this.#undoLimit = options.undoLimit ?? 1000;
		this.#textCoalesceMs = options.textCoalesceMs ?? 1500;
		this.#markFallbackMs = options.markFallbackMs ?? 10_000;
		this.#defaultStatus = options.defaultStatus ?? 'new';
		this.#variant = options.variant ? { variant: options.variant } : {};
		this.#newId = options.newId ?? (() => newSegmentId());
		this.#now = options.now ?? (() => Date.now());
		this.#rebuildLaneList();
	}

	// ───────────────────────────── reading ─────────────────────────────

	get durationMs(): number {
		return this.#durationMs;
	}
	/** Number of segments. */
	get size(): number {
		return this.#all.size;
	}
	/** Increases with every emitted batch; components compare it to know they are stale. */
	get revision(): number {
		return this.#revision;
	}
	get lanes(): readonly LaneInfo[] {
		return this.#laneList;
	}
	get pendingMark(): PendingMark | null {
		return this.#pendingMark;
	}
	get canUndo(): boolean {
		return this.#undo.length > 0;
	}
	get canRedo(): boolean {
		return this.#redo.length > 0;
	}
	/** Label of the operation undo would revert ('move', 'split', …), for menus and tooltips. */
	get undoLabel(): string | null {
		return this.#undo.at(-1)?.label ?? null;
	}
	get redoLabel(): string | null {
		return this.#redo.at(-1)?.label ?? null;
	}

	get(id: string): EditorSegment | undefined {
		return this.#byId.get(id);
	}
	has(id: string): boolean {
		return this.#byId.has(id);
	}
	/** The segment at position `index` in (startMs, id) order. */
	at(index: number): EditorSegment | undefined {
		return index >= 0 && index < this.#all.size ? this.#all.items[index] : undefined;
	}
	/** Position of a segment in (startMs, id) order, or −1. O(log n). */
	indexOf(id: string): number {
		const seg = this.#byId.get(id);
		return seg ? this.#all.indexOf(seg) : -1;
	}
	/** All segments in order (a copy). */
	toArray(): EditorSegment[] {
		return this.#all.items.slice(0, this.#all.size);
	}
	/** Read-only view of the ordered start/end arrays (valid until the next edit), e.g. for the overview. */
	orderedTimes(): { starts: Float64Array; ends: Float64Array; count: number } {
		return { starts: this.#all.starts, ends: this.#all.ends, count: this.#all.size };
	}

	/** Number of segments in a lane. */
	laneSize(laneKey: string): number {
		return this.#lanes.get(laneKey)?.size ?? 0;
	}
	laneIndexOf(laneKey: string): number {
		return this.#laneIndexByKey.get(laneKey) ?? -1;
	}
	laneOf(seg: Pick<EditorSegment, 'speakerId'>): string {
		return laneKeyOf(seg.speakerId);
	}

	/** Every segment overlapping [t0, t1), in start order. */
	forEachInRange(t0: number, t1: number, fn: (seg: EditorSegment) => boolean | void): void {
		this.#all.forEachOverlapping(t0, t1, fn);
	}
	/** Every segment of one lane overlapping [t0, t1), in start order. */
	forEachInLane(laneKey: string, t0: number, t1: number, fn: (seg: EditorSegment) => boolean | void): void {
		this.#lanes.get(laneKey)?.forEachOverlapping(t0, t1, fn);
	}
	inRange(t0: number, t1: number): EditorSegment[] {
		const out: EditorSegment[] = [];
		this.#all.forEachOverlapping(t0, t1, (s) => void out.push(s));
		return out;
	}

	/**
	 * The segment playing at `t` (start ≤ t < end): in one lane when `laneKey` is given, else the
	 * one that started last among all lanes. O(log n) for non-overlapping lanes.
	 */
	segmentAt(t: number, laneKey?: string): EditorSegment | null {
		const index = laneKey === undefined ? this.#all : this.#lanes.get(laneKey);
		if (!index || index.size === 0) return null;
		const limit = t - index.maxLen;
		for (let i = index.firstStartAfter(t) - 1; i >= 0 && index.starts[i] > limit; i--) {
			if (index.ends[i] > t) return index.items[i];
		}
		return null;
	}

	/** All segments playing at `t` (one per speaker when they overlap). */
	segmentsAt(t: number): EditorSegment[] {
		const out: EditorSegment[] = [];
		for (const lane of this.#laneList) {
			const s = this.segmentAt(t, lane.key);
			if (s) out.push(s);
		}
		return out;
	}

	/** The segment after `id` in list order (for "Enter → next segment"). */
	next(id: string): EditorSegment | null {
		const i = this.indexOf(id);
		return i >= 0 ? (this.at(i + 1) ?? null) : null;
	}
	previous(id: string): EditorSegment | null {
		const i = this.indexOf(id);
		return i > 0 ? (this.at(i - 1) ?? null) : null;
	}
	/** First segment starting at or after t. */
	firstStartingAtOrAfter(t: number): EditorSegment | null {
		return this.at(this.#all.firstStartAtOrAfter(t)) ?? null;
	}

	nextInLane(id: string): EditorSegment | null {
		const seg = this.#byId.get(id);
		if (!seg) return null;
		const lane = this.#lanes.get(laneKeyOf(seg.speakerId))!;
		const i = lane.indexOf(seg);
		return i >= 0 && i + 1 < lane.size ? lane.items[i + 1] : null;
	}
	previousInLane(id: string): EditorSegment | null {
		const seg = this.#byId.get(id);
		if (!seg) return null;
		const lane = this.#lanes.get(laneKeyOf(seg.speakerId))!;
		const i = lane.indexOf(seg);
		return i > 0 ? lane.items[i - 1] : null;
	}

	/**
	 * The free interval of a lane around `atMs`, ignoring `excludeId`: [end of the lane's segment
	 * before, start of the one after], within [0, duration]. `inside` is true when `atMs` lies
	 * inside another segment of the lane (there is no free gap there).
	 */
	laneGap(laneKey: string, atMs: number, excludeId?: string): { lo: number; hi: number; inside: boolean } {
		let lo = 0;
		let hi = this.#durationMs;
		let inside = false;
		const lane = this.#lanes.get(laneKey);
		if (!lane || this.allowSameLaneOverlap) return { lo, hi, inside };
		const p = lane.firstStartAfter(atMs);
		for (let i = p - 1; i >= 0; i--) {
			const s = lane.items[i];
			if (s.id === excludeId) continue;
			if (s.endMs > atMs) inside = true;
			else lo = Math.max(lo, s.endMs);
			break;
		}
		for (let i = p; i < lane.size; i++) {
			const s = lane.items[i];
			if (s.id === excludeId) continue;
			hi = Math.min(hi, s.startMs);
			break;
		}
		return { lo, hi, inside };
	}

	/**
	 * Point → segment part, within `toleranceMs` (the layer passes N px converted at the current
	 * zoom). Edges win over bodies when the pointer is within tolerance and not deep inside a
	 * short segment; among candidates the nearest wins, and on a shared boundary the segment on
	 * the pointer's side wins.
	 */
	hitTest(t: number, toleranceMs: number, laneKey?: string): HitResult | null {
		const index = laneKey === undefined ? this.#all : this.#lanes.get(laneKey);
		if (!index) return null;
		let edge: HitResult | null = null;
		let edgeScore = Infinity;
		let body: EditorSegment | null = null;
		const [from, to] = index.candidateRange(t - toleranceMs, t + toleranceMs + 1);
		for (let i = from; i < to; i++) {
			const seg = index.items[i];
			if (seg.endMs <= t - toleranceMs) continue;
			const inside = t >= seg.startMs && t < seg.endMs;
			const len = seg.endMs - seg.startMs;
			// Inside a short segment the middle third stays grabbable as a body.
			const edgeReach = inside ? Math.min(toleranceMs, len / 3) : toleranceMs;
			const ds = Math.abs(t - seg.startMs);
			const de = Math.abs(t - seg.endMs);
			const d = Math.min(ds, de);
			if (d <= edgeReach) {
				// Ties (shared boundaries) go to the segment the pointer is inside.
				const score = d + (inside ? 0 : 0.5);
				if (score < edgeScore) {
					edgeScore = score;
					edge = { segment: seg, part: ds <= de ? 'start' : 'end', distanceMs: d };
				}
			}
			if (inside && (body === null || seg.startMs >= body.startMs)) body = seg;
		}
		if (edge !== null) return edge;
		if (body !== null) return { segment: body, part: 'body', distanceMs: 0 };
		return null;
	}

	/** The nearest segment edge (any lane, other than `excludeId`'s) within `toleranceMs` of t, or null. */
	nearestEdge(t: number, toleranceMs: number, excludeId?: string, extra?: readonly number[]): number | null {
		if (!(toleranceMs > 0)) return null;
		let best: number | null = null;
		let bestD = toleranceMs;
		const index = this.#all;
		const [from, to] = index.candidateRange(t - toleranceMs, t + toleranceMs + 1);
		for (let i = from; i < to; i++) {
			const seg = index.items[i];
			if (seg.id === excludeId) continue;
			const ds = Math.abs(seg.startMs - t);
			if (ds <= bestD) {
				bestD = ds;
				best = seg.startMs;
			}
			const de = Math.abs(seg.endMs - t);
			if (de <= bestD) {
				bestD = de;
				best = seg.endMs;
			}
		}
		if (extra) {
			for (const x of extra) {
				const d = Math.abs(x - t);
				if (d <= bestD) {
					bestD = d;
					best = x;
				}
			}
		}
		return best;
	}

	// ───────────────────────────── planning (no mutation) ─────────────────────────────

	#clampTime(t: number): number {
		return Math.min(this.#durationMs, Math.max(0, Math.round(t)));
	}

	/**
	 * A drag-to-create preview: from `anchorMs` (pointer-down) to `pointerMs`, snapped and clipped to
	 * the lane's free gap around the anchor. Null when the anchor is inside a segment of the lane.
	 */
	planCreate(laneKey: string, anchorMs: number, pointerMs: number, opts: SnapOptions = {}): PlannedTimes | null {
		const gap = this.laneGap(laneKey, anchorMs);
		if (gap.inside) return null;
		const snapMs = opts.snapMs ?? 0;
		const snappedAnchor = this.nearestEdge(anchorMs, snapMs, undefined, opts.extraSnapPoints);
		const snappedPointer = this.nearestEdge(pointerMs, snapMs, undefined, opts.extraSnapPoints);
		const a = snappedAnchor ?? anchorMs;
		const p = snappedPointer ?? pointerMs;
		const startMs = Math.max(gap.lo, this.#clampTime(Math.min(a, p)));
		const endMs = Math.min(gap.hi, this.#clampTime(Math.max(a, p)));
		return {
			startMs,
			endMs: Math.max(startMs, endMs),
			valid: endMs - startMs >= this.minLengthMs,
			snappedTo: snappedPointer ?? snappedAnchor
		};
	}

	/** Where a segment would land when moved by `deltaMs`: snapped, then stopped by its lane neighbours and the file's ends. */
	planMove(id: string, deltaMs: number, opts: SnapOptions = {}): PlannedTimes | null {
		const seg = this.#byId.get(id);
		if (!seg) return null;
		const len = seg.endMs - seg.startMs;
		const gap = this.laneGap(laneKeyOf(seg.speakerId), seg.startMs, id);
		let start = seg.startMs + deltaMs;
		let snappedTo: number | null = null;
		const snapMs = opts.snapMs ?? 0;
		if (snapMs > 0) {
			const sStart = this.nearestEdge(start, snapMs, id, opts.extraSnapPoints);
			const sEnd = this.nearestEdge(start + len, snapMs, id, opts.extraSnapPoints);
			const dStart = sStart === null ? Infinity : Math.abs(sStart - start);
			const dEnd = sEnd === null ? Infinity : Math.abs(sEnd - (start + len));
			if (sStart !== null && dStart <= dEnd) {
				start = sStart;
				snappedTo = sStart;
			} else if (sEnd !== null) {
				start = sEnd - len;
				snappedTo = sEnd;
			}
		}
		const lo = gap.lo;
		const hi = Math.min(gap.hi, this.#durationMs);
		start = Math.round(Math.min(hi - len, Math.max(lo, start)));
		if (start < lo) start = lo;
		return { startMs: start, endMs: start + len, valid: start + len <= hi, snappedTo };
	}

	/** Where an edge would land when dragged to `ms`: snapped, kept ≥ minLength and inside the lane's free gap. */
	planResize(id: string, edge: 'start' | 'end', ms: number, opts: SnapOptions = {}): PlannedTimes | null {
		const seg = this.#byId.get(id);
		if (!seg) return null;
		const gap = this.laneGap(laneKeyOf(seg.speakerId), seg.startMs, id);
		const snapped = this.nearestEdge(ms, opts.snapMs ?? 0, id, opts.extraSnapPoints);
		const t = snapped ?? ms;
		if (edge === 'start') {
			const startMs = Math.round(Math.min(seg.endMs - this.minLengthMs, Math.max(gap.lo, t)));
			return { startMs, endMs: seg.endMs, valid: startMs >= 0, snappedTo: snapped };
		}
		const endMs = Math.round(Math.max(seg.startMs + this.minLengthMs, Math.min(gap.hi, t)));
		return { startMs: seg.startMs, endMs, valid: endMs <= this.#durationMs, snappedTo: snapped };
	}

	// ───────────────────────────── editing ─────────────────────────────

	/** Replaces everything (initial load / reload). Clears undo history; emits one 'load' batch without changes. */
	load(segments: readonly EditorSegment[], durationMs: number = this.#durationMs): void {
		this.#durationMs = Math.max(0, Math.round(durationMs));
		this.#byId.clear();
		const sorted: EditorSegment[] = [];
		for (const s of segments) {
			if (this.#byId.has(s.id)) continue;
			this.#byId.set(s.id, s);
			sorted.push(s);
		}
		// The API already returns (startMs, id) order: check in O(n) before paying for a sort.
		let ordered = true;
		for (let i = 1; i < sorted.length && ordered; i++) ordered = compareSegments(sorted[i - 1], sorted[i]) < 0;
		if (!ordered) sorted.sort(compareSegments);
		this.#rebuildIndexes(sorted);
		this.#undo = [];
		this.#redo = [];
		this.#pendingMark = null;
		this.#emit('load', 'load', [], true);
	}

	/** Project speaker order for lanes; `pinAll` shows a lane for every listed speaker even when empty. */
	setSpeakerOrder(speakerIds: readonly string[], pinAll = false): void {
		this.#speakerOrder = [...speakerIds];
		this.#pinned = pinAll ? new Set(speakerIds) : new Set();
		for (const id of this.#pinned) if (!this.#lanes.has(id)) this.#lanes.set(id, new SortedIndex());
		this.#rebuildLaneList();
		this.#emit('view', 'lanes', [], true);
	}

	create(init: SegmentInit): EditResult {
		const id = init.id ?? this.#newId();
		if (this.#byId.has(id)) return fail('duplicate_id');
		const times = this.#validTimes(init.startMs, init.endMs);
		if (!times.ok) return times.result;
		const seg: EditorSegment = {
			id,
			startMs: times.startMs,
			endMs: times.endMs,
			speakerId: init.speakerId ?? null,
			dialectTagId: init.dialectTagId ?? null,
			texts: normalizeTexts(init.texts),
			status: init.status ?? this.#defaultStatus,
			...this.#variant
		};
		if (this.#overlapsLane(seg)) return fail('overlap');
		return this.#commit('create', [{ type: 'create', id, segment: seg, previous: null }]);
	}

	/** Creates from a drag: the range is snapped and clipped like the preview from planCreate. */
	createFromDrag(laneKey: string, anchorMs: number, pointerMs: number, opts: SnapOptions & Omit<SegmentInit, 'startMs' | 'endMs'> = {}): EditResult {
		const plan = this.planCreate(laneKey, anchorMs, pointerMs, opts);
		if (!plan) return fail('overlap');
		if (!plan.valid) return fail('too_short');
		const speakerId = laneKey === UNASSIGNED_LANE ? null : laneKey;
		return this.create({ ...opts, speakerId, startMs: plan.startMs, endMs: plan.endMs });
	}

	/** Moves by `deltaMs` (snapped and stopped at lane neighbours, as planMove). */
	move(id: string, deltaMs: number, opts: SnapOptions = {}): EditResult {
		const plan = this.planMove(id, deltaMs, opts);
		if (!plan) return fail('not_found');
		if (!plan.valid) return fail('overlap');
		return this.#updateTimes(id, plan.startMs, plan.endMs, 'move');
	}

	/** Moves so the segment starts at `startMs`. */
	moveTo(id: string, startMs: number, opts: SnapOptions = {}): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		return this.move(id, startMs - seg.startMs, opts);
	}

	resize(id: string, edge: 'start' | 'end', ms: number, opts: SnapOptions = {}): EditResult {
		const plan = this.planResize(id, edge, ms, opts);
		if (!plan) return fail('not_found');
		if (!plan.valid) return fail('invalid_times');
		return this.#updateTimes(id, plan.startMs, plan.endMs, 'resize');
	}

	/**
	 * Moves one boundary by `deltaMs` (the nudge keys): stopped by the lane's neighbours, the file's
	 * ends and the minimum length, as a drag of that edge would be (no snapping). Nudges of the same
	 * boundary in quick succession (within `textCoalesceMs`, e.g. a held key) are one undo step.
	 * Already at the limit: ok, with no changes.
	 */
	nudgeEdge(id: string, edge: 'start' | 'end', deltaMs: number): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		const plan = this.planResize(id, edge, (edge === 'start' ? seg.startMs : seg.endMs) + deltaMs);
		if (!plan?.valid) return fail('invalid_times');
		if (plan.startMs === seg.startMs && plan.endMs === seg.endMs) return { ok: true, changes: [] };
		const next: EditorSegment = { ...seg, startMs: plan.startMs, endMs: plan.endMs };
		if (this.#overlapsLane(next)) return fail('overlap');
		return this.#commit('nudge', [{ type: 'update', id, segment: next, previous: seg }], `nudge:${id}:${edge}`);
	}

	/**
	 * Puts one boundary exactly at `ms` (Praat's "boundary at the cursor"): validated like setTimes,
	 * never clipped, so a time past the other boundary or inside a neighbour is refused, not moved.
	 */
	setEdge(id: string, edge: 'start' | 'end', ms: number): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		const times = this.#validTimes(edge === 'start' ? ms : seg.startMs, edge === 'end' ? ms : seg.endMs);
		if (!times.ok) return times.result;
		return this.#updateTimes(id, times.startMs, times.endMs, 'boundary');
	}

	/** Sets exact times (typed into fields): validated, never clipped to neighbours; overlap is an error. */
	setTimes(id: string, startMs: number, endMs: number): EditResult {
		if (!this.#byId.has(id)) return fail('not_found');
		const times = this.#validTimes(startMs, endMs);
		if (!times.ok) return times.result;
		return this.#updateTimes(id, times.startMs, times.endMs, 'times');
	}

	/**
	 * Splits at `atMs`: the left part keeps the id, speaker, tag, status and (by default) the texts;
	 * the right part is new, same speaker and tag, with `rightTexts` (default empty). Pass
	 * `leftTexts`/`rightTexts` to split at the text caret.
	 */
	split(
		id: string,
		atMs: number,
		opts: { leftTexts?: Record<string, string>; rightTexts?: Record<string, string>; rightId?: string } = {}
	): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		const at = Math.round(atMs);
		if (at - seg.startMs < this.minLengthMs || seg.endMs - at < this.minLengthMs) return fail('too_short');
		const rightId = opts.rightId ?? this.#newId();
		if (this.#byId.has(rightId)) return fail('duplicate_id');
		const left: EditorSegment = {
			...seg,
			endMs: at,
			texts: opts.leftTexts ? { ...seg.texts, ...normalizeTexts(opts.leftTexts) } : seg.texts
		};
		const right: EditorSegment = {
			id: rightId,
			startMs: at,
			endMs: seg.endMs,
			speakerId: seg.speakerId,
			dialectTagId: seg.dialectTagId,
			texts: normalizeTexts(opts.rightTexts),
			status: this.#defaultStatus,
			...this.#variant
		};
		return this.#commit('split', [
			{ type: 'update', id, segment: left, previous: seg },
			{ type: 'create', id: rightId, segment: right, previous: null }
		]);
	}

	/** Splits whichever segment plays at `atMs` (in `laneKey`, else the latest-starting one): "split at playhead". */
	splitAt(atMs: number, laneKey?: string): EditResult {
		const seg = this.segmentAt(atMs, laneKey);
		if (!seg) return fail('no_segment');
		return this.split(seg.id, atMs);
	}

	/**
	 * Merges with the next segment of the same lane: the span covers both (and the gap between),
	 * texts are joined per layer, the first segment's tag wins unless it has none.
	 */
	mergeWithNext(id: string): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		const next = this.nextInLane(id);
		if (!next) return fail('no_next');
		const texts: Record<string, string> = { ...seg.texts };
		for (const [k, v] of Object.entries(next.texts)) texts[k] = joinTexts(texts[k] ?? '', v);
		const merged: EditorSegment = {
			...seg,
			endMs: Math.max(seg.endMs, next.endMs),
			dialectTagId: seg.dialectTagId ?? next.dialectTagId,
			texts
		};
		return this.#commit('merge', [
			{ type: 'update', id, segment: merged, previous: seg },
			{ type: 'delete', id: next.id, segment: null, previous: next }
		]);
	}

	delete(id: string): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		return this.#commit('delete', [{ type: 'delete', id, segment: null, previous: seg }]);
	}

	/** Deletes several segments as one undo step (unknown ids are ignored). */
	deleteMany(ids: Iterable<string>): EditResult {
		const changes: SegmentChange[] = [];
		const seen = new Set<string>();
		for (const id of ids) {
			const seg = this.#byId.get(id);
			if (!seg || seen.has(id)) continue;
			seen.add(id);
			changes.push({ type: 'delete', id, segment: null, previous: seg });
		}
		if (changes.length === 0) return fail('not_found');
		return this.#commit('delete', changes);
	}

	/**
	 * Sets one text layer (NFC-normalized). Typing bursts in one field within `textCoalesceMs` form a
	 * single undo step; every call is still emitted, so autosave sees each change.
	 */
	setText(id: string, layerKey: string, text: string, { coalesce = true } = {}): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		const value = text.normalize('NFC');
		if ((seg.texts[layerKey] ?? '') === value && layerKey in seg.texts) return { ok: true, changes: [] };
		const next: EditorSegment = { ...seg, texts: { ...seg.texts, [layerKey]: value } };
		return this.#commit('text', [{ type: 'update', id, segment: next, previous: seg }], coalesce ? `text:${id}:${layerKey}` : null);
	}

	/** Assigns a speaker (moves the segment to that speaker's lane); refused when it would overlap that speaker's segments. */
	setSpeaker(id: string, speakerId: string | null): EditResult {
		return this.update(id, { speakerId }, 'speaker');
	}

	setTag(id: string, dialectTagId: string | null): EditResult {
		return this.update(id, { dialectTagId }, 'tag');
	}

	setStatus(id: string, status: string): EditResult {
		return this.update(id, { status }, 'status');
	}

	/** Generic validated update of editable fields as one undo step. */
	update(id: string, patch: SegmentPatch, label = 'update'): EditResult {
		const seg = this.#byId.get(id);
		if (!seg) return fail('not_found');
		let next: EditorSegment = { ...seg, ...patch };
		if (patch.texts) next = { ...next, texts: normalizeTexts(patch.texts) };
		if (patch.startMs !== undefined || patch.endMs !== undefined) {
			const times = this.#validTimes(next.startMs, next.endMs);
			if (!times.ok) return times.result;
			next = { ...next, startMs: times.startMs, endMs: times.endMs };
		}
		if (this.#sameEditable(seg, next)) return { ok: true, changes: [] };
		if (this.#overlapsLane(next)) return fail('overlap');
		return this.#commit(label, [{ type: 'update', id, segment: next, previous: seg }]);
	}

	/** "Mark start" while playing: remembers t (shown by the layer) until markEnd. */
	markStart(t: number, laneKey: string = UNASSIGNED_LANE): void {
		this.#pendingMark = { startMs: this.#clampTime(t), laneKey };
		this.#emit('view', 'mark', [], false);
	}

	cancelMark(): void {
		if (!this.#pendingMark) return;
		this.#pendingMark = null;
		this.#emit('view', 'mark', [], false);
	}

	/**
	 * "Mark end" while playing: creates [marked start, t). Without a marked start the segment starts
	 * where the lane's previous segment ends (at most `markFallbackMs` before t), so pressing the
	 * key at each pause chops the recording into consecutive segments. Clipped to the lane's gap.
	 */
	markEnd(t: number, laneKey?: string, init: Omit<SegmentInit, 'startMs' | 'endMs'> = {}): EditResult {
		const pending = this.#pendingMark;
		const lane = laneKey ?? pending?.laneKey ?? UNASSIGNED_LANE;
		const end = this.#clampTime(t);
		let start: number;
		if (pending && pending.laneKey === lane) {
			start = pending.startMs;
		} else {
			const before = this.laneGap(lane, Math.max(0, end - 1));
			start = Math.max(before.lo, end - this.#markFallbackMs);
		}
		const gap = this.laneGap(lane, Math.max(0, Math.min(start, end - 1)));
		if (gap.inside) return fail('overlap');
		const s = Math.max(gap.lo, Math.min(start, end));
		const e = Math.min(gap.hi, Math.max(start, end));
		const speakerId = lane === UNASSIGNED_LANE ? null : lane;
		const result = this.create({ ...init, speakerId, startMs: s, endMs: e });
		if (result.ok) this.#pendingMark = null;
		return result;
	}

	/** Groups several edits into one undo step and one emitted batch. */
	transact<T>(label: string, fn: () => T): T {
		this.#batchDepth++;
		try {
			return fn();
		} finally {
			this.#batchDepth--;
			if (this.#batchDepth === 0 && this.#batchChanges.length > 0) {
				const changes = this.#batchChanges;
				const lanesChanged = this.#batchLanesChanged;
				this.#batchChanges = [];
				this.#batchLanesChanged = false;
				this.#pushCommand({ label, changes: changes.slice(), coalesceKey: null, time: this.#now() });
				this.#emit('edit', label, changes, lanesChanged);
			}
		}
	}

	undo(): EditResult {
		const cmd = this.#undo.pop();
		if (!cmd) return fail('nothing_to_undo');
		const inverse = this.#replay(cmd.changes, 'undo');
		if (!inverse) return this.#staleCommand();
		const lanesChanged = this.#applyAll(inverse);
		this.#redo.push(cmd);
		this.#emit('undo', cmd.label, inverse, lanesChanged);
		return { ok: true, changes: inverse };
	}

	redo(): EditResult {
		const cmd = this.#redo.pop();
		if (!cmd) return fail('nothing_to_undo');
		const forward = this.#replay(cmd.changes, 'redo');
		if (!forward) return this.#staleCommand(true);
		const lanesChanged = this.#applyAll(forward);
		this.#undo.push(cmd);
		this.#emit('redo', cmd.label, forward, lanesChanged);
		return { ok: true, changes: forward };
	}

	/**
	 * The primitive changes that undo (reverse order, inverted) or redo (forward) a command against
	 * the *current* state: updates restore only editable fields onto the current object. An overlay
	 * tracks segments touched earlier in the same command, so several changes to one id chain.
	 * Null when the command no longer applies (a remote edit created/removed one of its segments).
	 */
	#replay(changes: readonly SegmentChange[], direction: 'undo' | 'redo'): SegmentChange[] | null {
		const overlay = new Map<string, EditorSegment | null>();
		const current = (id: string) => (overlay.has(id) ? overlay.get(id)! : (this.#byId.get(id) ?? null));
		const out: SegmentChange[] = [];
		const n = changes.length;
		for (let k = 0; k < n; k++) {
			const c = direction === 'undo' ? changes[n - 1 - k] : changes[k];
			const cur = current(c.id);
			// What this change should leave behind: its `previous` for undo, its `segment` for redo.
			const target = direction === 'undo' ? c.previous : c.segment;
			let next: SegmentChange;
			if (target === null) {
				if (!cur) return null;
				next = { type: 'delete', id: c.id, segment: null, previous: cur };
			} else if (c.type === 'update') {
				if (!cur) return null;
				next = { type: 'update', id: c.id, segment: withEditable(cur, target), previous: cur };
			} else {
				if (cur) return null;
				next = { type: 'create', id: c.id, segment: target, previous: null };
			}
			overlay.set(c.id, next.segment);
			out.push(next);
		}
		return out;
	}

	clearHistory(): void {
		this.#undo = [];
		this.#redo = [];
	}

	/**
	 * Applies a segment as the server has it (after a save: new version; after resolving a
	 * conflict; another user's edit), or removes it (`segment` null). Not undoable; emitted with
	 * origin 'remote' so autosave does not send it back.
	 */
	applyRemote(id: string, segment: EditorSegment | null): void {
		const cur = this.#byId.get(id) ?? null;
		let change: SegmentChange | null = null;
		if (segment && cur) change = { type: 'update', id, segment, previous: cur };
		else if (segment) change = { type: 'create', id, segment, previous: null };
		else if (cur) change = { type: 'delete', id, segment: null, previous: cur };
		if (!change) return;
		const lanesChanged = this.#applyAll([change]);
		this.#emit('remote', 'remote', [change], lanesChanged);
	}

	/**
	 * Segments the server has just created for this user outside autosave (pre-segmentation's
	 * "apply"): added as applyRemote adds them (emitted with origin 'remote', so autosave does not
	 * post them a second time), but as ONE undo step labelled `label`. Undoing it deletes them all,
	 * in one 'undo' batch that autosave sends as deletes; redo creates them again with the same ids.
	 * Ids the store already has are left alone. Not for use inside transact().
	 */
	adoptCreated(segments: readonly EditorSegment[], label = 'presegment'): EditResult {
		const changes: SegmentChange[] = [];
		const seen = new Set<string>();
		for (const s of segments) {
			if (this.#byId.has(s.id) || seen.has(s.id)) continue;
			seen.add(s.id);
			changes.push({ type: 'create', id: s.id, segment: s, previous: null });
		}
		if (changes.length === 0) return { ok: true, changes: [] };
		const lanesChanged = this.#applyAll(changes);
		this.#pushCommand({ label, changes: changes.slice(), coalesceKey: null, time: this.#now() });
		this.#emit('remote', label, changes, lanesChanged);
		return { ok: true, changes };
	}

	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	// ───────────────────────────── internals ─────────────────────────────

	#staleCommand(isRedo = false): EditResult {
		// The segment was changed underneath (a remote delete/create): this step can no longer be
		// replayed, and neither can anything that depends on it.
		if (isRedo) this.#redo = [];
		return fail('stale');
	}

	#validTimes(
		startMs: number,
		endMs: number
	): { ok: true; startMs: number; endMs: number } | { ok: false; result: EditResult } {
		if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
			return { ok: false, result: fail('invalid_times') };
		}
		const s = this.#clampTime(startMs);
		const e = this.#clampTime(endMs);
		if (e - s < this.minLengthMs) return { ok: false, result: fail('too_short') };
		return { ok: true, startMs: s, endMs: e };
	}

	#overlapsLane(seg: EditorSegment): boolean {
		if (this.allowSameLaneOverlap) return false;
		const lane = this.#lanes.get(laneKeyOf(seg.speakerId));
		if (!lane) return false;
		let overlaps = false;
		lane.forEachOverlapping(seg.startMs, seg.endMs, (other) => {
			if (other.id === seg.id) return;
			overlaps = true;
			return false;
		});
		return overlaps;
	}

	#sameEditable(a: EditorSegment, b: EditorSegment): boolean {
		return (
			a.startMs === b.startMs &&
			a.endMs === b.endMs &&
			a.speakerId === b.speakerId &&
			a.dialectTagId === b.dialectTagId &&
			a.status === b.status &&
			sameTexts(a.texts, b.texts)
		);
	}

	#updateTimes(id: string, startMs: number, endMs: number, label: string): EditResult {
		const seg = this.#byId.get(id)!;
		if (seg.startMs === startMs && seg.endMs === endMs) return { ok: true, changes: [] };
		const next: EditorSegment = { ...seg, startMs, endMs };
		if (this.#overlapsLane(next)) return fail('overlap');
		return this.#commit(label, [{ type: 'update', id, segment: next, previous: seg }]);
	}

	#commit(label: string, changes: SegmentChange[], coalesceKey: string | null = null): EditResult {
		const lanesChanged = this.#applyAll(changes);
		if (this.#batchDepth > 0) {
			this.#batchChanges.push(...changes);
			this.#batchLanesChanged ||= lanesChanged;
			return { ok: true, changes };
		}
		const now = this.#now();
		const top = this.#undo.at(-1);
		if (
			coalesceKey !== null &&
			top &&
			top.coalesceKey === coalesceKey &&
			this.#redo.length === 0 &&
			now - top.time <= this.#textCoalesceMs &&
			top.changes.length === 1 &&
			changes.length === 1 &&
			top.changes[0].type === 'update' &&
			changes[0].type === 'update'
		) {
			top.changes[0] = { ...changes[0], previous: top.changes[0].previous };
			top.time = now;
		} else {
			// The command keeps its own copy: emitted batches must never change after the fact.
			this.#pushCommand({ label, changes: changes.slice(), coalesceKey, time: now });
		}
		this.#emit('edit', label, changes, lanesChanged);
		return { ok: true, changes };
	}

	#pushCommand(cmd: Command): void {
		this.#undo.push(cmd);
		if (this.#undo.length > this.#undoLimit) this.#undo.splice(0, this.#undo.length - this.#undoLimit);
		this.#redo = [];
	}

	#laneIndex(key: string): SortedIndex {
		let lane = this.#lanes.get(key);
		if (!lane) {
			lane = new SortedIndex();
			this.#lanes.set(key, lane);
		}
		return lane;
	}

	/** Applies primitive changes to the indexes; returns whether the lane list changed. */
	#applyAll(changes: readonly SegmentChange[]): boolean {
		if (changes.length > BULK_THRESHOLD) return this.#applyBulk(changes);
		let lanesChanged = false;
		for (const c of changes) {
			if (c.type === 'create') {
				this.#byId.set(c.id, c.segment);
				this.#all.insert(c.segment);
				const lane = this.#laneIndex(laneKeyOf(c.segment.speakerId));
				lane.insert(c.segment);
				if (lane.size === 1) lanesChanged = true;
			} else if (c.type === 'delete') {
				this.#byId.delete(c.id);
				this.#all.remove(c.previous);
				const lane = this.#laneIndex(laneKeyOf(c.previous.speakerId));
				lane.remove(c.previous);
				if (lane.size === 0) lanesChanged = true;
			} else {
				this.#byId.set(c.id, c.segment);
				this.#all.replace(c.previous, c.segment);
				const from = laneKeyOf(c.previous.speakerId);
				const to = laneKeyOf(c.segment.speakerId);
				if (from === to) this.#laneIndex(to).replace(c.previous, c.segment);
				else {
					const a = this.#laneIndex(from);
					const b = this.#laneIndex(to);
					a.remove(c.previous);
					b.insert(c.segment);
					if (a.size === 0 || b.size === 1) lanesChanged = true;
				}
			}
		}
		if (lanesChanged) lanesChanged = this.#rebuildLaneList();
		return lanesChanged;
	}

	/** Many changes at once (bulk delete, big undo): update the map, then rebuild the indexes in O(n log n). */
	#applyBulk(changes: readonly SegmentChange[]): boolean {
		for (const c of changes) {
			if (c.type === 'delete') this.#byId.delete(c.id);
			else this.#byId.set(c.id, c.segment);
		}
		const sorted = [...this.#byId.values()].sort(compareSegments);
		return this.#rebuildIndexes(sorted);
	}

	#rebuildIndexes(sorted: EditorSegment[]): boolean {
		this.#all.build(sorted, false);
		const groups = new Map<string, EditorSegment[]>();
		for (const s of sorted) {
			const key = laneKeyOf(s.speakerId);
			let g = groups.get(key);
			if (!g) groups.set(key, (g = []));
			g.push(s);
		}
		this.#lanes = new Map();
		for (const [key, g] of groups) {
			const lane = new SortedIndex();
			lane.build(g, false);
			this.#lanes.set(key, lane);
		}
		for (const key of this.#pinned) if (!this.#lanes.has(key)) this.#lanes.set(key, new SortedIndex());
		return this.#rebuildLaneList();
	}

	/** Recomputes the ordered lane list; returns whether it differs from before. */
	#rebuildLaneList(): boolean {
		const order = new Map(this.#speakerOrder.map((id, i) => [id, i]));
		const keys: string[] = [];
		for (const [key, lane] of this.#lanes) {
			if (key === UNASSIGNED_LANE) continue;
			if (lane.size > 0 || this.#pinned.has(key)) keys.push(key);
		}
		keys.sort((a, b) => {
			const oa = order.get(a) ?? Infinity;
			const ob = order.get(b) ?? Infinity;
			return oa !== ob ? oa - ob : a < b ? -1 : a > b ? 1 : 0;
		});
		keys.push(UNASSIGNED_LANE);
		const prev = this.#laneList;
		const list: LaneInfo[] = keys.map((key, index) => ({
			key,
			speakerId: key === UNASSIGNED_LANE ? null : key,
			index
		}));
		const changed = list.length !== prev.length || list.some((l, i) => l.key !== prev[i].key);
		this.#laneList = list;
		this.#laneIndexByKey = new Map(list.map((l) => [l.key, l.index]));
		return changed;
	}

	#emit(origin: ChangeOrigin, label: string, changes: readonly SegmentChange[], lanesChanged: boolean): void {
		this.#revision++;
		const batch: ChangeBatch = { origin, label, changes, revision: this.#revision, lanesChanged };
		for (const l of this.#listeners) l(batch);
	}
}
