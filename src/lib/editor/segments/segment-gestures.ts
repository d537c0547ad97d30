/**
 * Pointer gestures on the segment layer, as pure functions over the store (so they are tested in
 * node): pointer-down picks create / move / resize from a hit-test, moves produce a preview
 * ("draft") through the store's plan* functions, pointer-up commits one undoable edit.
 * A press that never travels DRAG_THRESHOLD_PX is a click (select / seek), not an edit.
 */
import type { HitResult, PlannedTimes, SegmentStore, SnapOptions } from './segment-store.ts';
import type { EditResult } from './segment-types.ts';

export const DRAG_THRESHOLD_PX = 3;

export type GestureKind = 'create' | 'move' | 'resize-start' | 'resize-end';

export interface Gesture {
	readonly kind: GestureKind;
	readonly laneKey: string;
	/** The segment being moved/resized; null when creating. */
	readonly id: string | null;
	/** Pointer time at pointer-down. */
	readonly downMs: number;
	/** For resizes: grabbed edge − downMs, so the edge does not jump to the pointer. */
	readonly grabOffsetMs: number;
	readonly downX: number;
	started: boolean;
}

export interface Draft extends PlannedTimes {
	readonly kind: GestureKind;
	readonly id: string | null;
	readonly laneKey: string;
}

/** Which lane a y coordinate is in (lanes share the height equally). */
export function laneAtY(y: number, laneCount: number, heightPx: number): number {
	if (laneCount <= 1 || heightPx <= 0) return 0;
	return Math.min(laneCount - 1, Math.max(0, Math.floor((y / heightPx) * laneCount)));
}

/** Starts a gesture from a pointer-down; null when the layer is read-only and nothing can be edited. */
export function beginGesture(
	hit: HitResult | null,
	laneKey: string,
	downMs: number,
	downX: number,
	readonly: boolean
): Gesture | null {
	if (readonly) return null;
	if (!hit) return { kind: 'create', laneKey, id: null, downMs, grabOffsetMs: 0, downX, started: false };
	const { segment, part } = hit;
	if (part === 'body') return { kind: 'move', laneKey, id: segment.id, downMs, grabOffsetMs: 0, downX, started: false };
	const edgeMs = part === 'start' ? segment.startMs : segment.endMs;
	return {
		kind: part === 'start' ? 'resize-start' : 'resize-end',
		laneKey,
		id: segment.id,
		downMs,
		grabOffsetMs: edgeMs - downMs,
		downX,
		started: false
	};
}

/** Marks the gesture as a drag once the pointer has travelled far enough; returns `started`. */
export function trackGesture(g: Gesture, x: number): boolean {
	if (!g.started && Math.abs(x - g.downX) >= DRAG_THRESHOLD_PX) g.started = true;
	return g.started;
}

/** The preview for the pointer at `pointerMs` (null before the drag starts or when nothing is possible). */
export function planGesture(store: SegmentStore, g: Gesture, pointerMs: number, opts: SnapOptions = {}): Draft | null {
	if (!g.started) return null;
	let plan: PlannedTimes | null;
	if (g.kind === 'create') plan = store.planCreate(g.laneKey, g.downMs, pointerMs, opts);
	else if (g.kind === 'move') plan = store.planMove(g.id!, pointerMs - g.downMs, opts);
	else plan = store.planResize(g.id!, g.kind === 'resize-start' ? 'start' : 'end', pointerMs + g.grabOffsetMs, opts);
	return plan ? { ...plan, kind: g.kind, id: g.id, laneKey: g.laneKey } : null;
}

/** Commits the gesture as one edit; null when it was only a click. */
export function commitGesture(store: SegmentStore, g: Gesture, pointerMs: number, opts: SnapOptions = {}): EditResult | null {
	if (!g.started) return null;
	if (g.kind === 'create') return store.createFromDrag(g.laneKey, g.downMs, pointerMs, opts);
	if (g.kind === 'move') return store.move(g.id!, pointerMs - g.downMs, opts);
	return store.resize(g.id!, g.kind === 'resize-start' ? 'start' : 'end', pointerMs + g.grabOffsetMs, opts);
}
