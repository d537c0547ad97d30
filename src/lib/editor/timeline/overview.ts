/**
 * Geometry of the overview (minimap): the whole recording squeezed into `widthPx`, with the main
 * viewport drawn as a draggable window. Pure functions; the Waveform/minimap component draws.
 */
import { clampViewport, visibleDurationMs, type Viewport } from './timeline.ts';

export interface Overview {
	readonly durationMs: number;
	readonly widthPx: number;
}

/** The viewport window never shrinks below this, so it stays visible and grabbable at max zoom. */
export const MIN_WINDOW_PX = 6;

export function overviewTimeToX(o: Overview, timeMs: number): number {
	if (o.durationMs <= 0) return 0;
	return (timeMs / o.durationMs) * o.widthPx;
}

export function overviewXToTime(o: Overview, x: number): number {
	if (o.widthPx <= 0) return 0;
	return Math.min(o.durationMs, Math.max(0, (x / o.widthPx) * o.durationMs));
}

export interface OverviewWindow {
	/** Left edge in overview px (after the minimum-size adjustment). */
	readonly x: number;
	readonly width: number;
	/** Exact (unadjusted) left edge; differs from `x` only when the window was widened. */
	readonly exactX: number;
	readonly exactWidth: number;
}

/**
 * The rectangle of the main viewport on the overview. A window narrower than MIN_WINDOW_PX
 * (deep zoom on a long file) is widened around its centre and kept inside the overview.
 */
export function overviewWindow(o: Overview, v: Viewport): OverviewWindow {
	const exactX = overviewTimeToX(o, v.startMs);
	const exactWidth = Math.min(o.widthPx, overviewTimeToX(o, Math.min(v.durationMs, visibleDurationMs(v))));
	if (exactWidth >= MIN_WINDOW_PX) return { x: exactX, width: exactWidth, exactX, exactWidth };
	const width = Math.min(MIN_WINDOW_PX, o.widthPx);
	const x = Math.min(o.widthPx - width, Math.max(0, exactX + exactWidth / 2 - width / 2));
	return { x, width, exactX, exactWidth };
}

/**
 * Where the main viewport goes when the user drags (or clicks) the overview at `x`.
 * `grabFraction` is where inside the window the pointer grabbed it (0 = left edge, 0.5 = centre;
 * a click outside the window uses 0.5 so the clicked time becomes the centre).
 */
export function viewportFromOverview(o: Overview, v: Viewport, x: number, grabFraction = 0.5): Viewport {
	const t = (x / Math.max(1, o.widthPx)) * o.durationMs;
	return clampViewport({ ...v, startMs: t - grabFraction * visibleDurationMs(v) });
}

/** The grab fraction for a pointer-down at `x`: inside the window its relative position, else 0.5. */
export function grabFractionAt(o: Overview, v: Viewport, x: number): number {
	const w = overviewWindow(o, v);
	if (x < w.x || x > w.x + w.width || w.width <= 0) return 0.5;
	return (x - w.x) / w.width;
}

/**
 * Segment coverage per overview column (0..1 = fraction of the column's time covered by at least
 * one segment), for drawing where the transcription already is. `starts`/`ends` are in start
 * order; overlaps are merged. O(n + bins).
 */
export function coverageBins(
	starts: ArrayLike<number>,
	ends: ArrayLike<number>,
	count: number,
	durationMs: number,
	bins: number
): Float32Array {
	const out = new Float32Array(Math.max(0, bins));
	if (bins <= 0 || durationMs <= 0) return out;
	const binMs = durationMs / bins;
	let runStart = -1;
	let runEnd = -1;
	const flush = () => {
		if (runEnd <= runStart) return;
		const b0 = Math.max(0, Math.floor(runStart / binMs));
		const b1 = Math.min(bins - 1, Math.floor((runEnd - 1e-9) / binMs));
		for (let b = b0; b <= b1; b++) {
			const lo = Math.max(runStart, b * binMs);
			const hi = Math.min(runEnd, (b + 1) * binMs);
			if (hi > lo) out[b] += (hi - lo) / binMs;
		}
	};
	for (let i = 0; i < count; i++) {
		const s = starts[i];
		const e = ends[i];
		if (s > runEnd) {
			flush();
			runStart = s;
			runEnd = e;
		} else if (e > runEnd) runEnd = e;
	}
	flush();
	for (let b = 0; b < bins; b++) if (out[b] > 1) out[b] = 1;
	return out;
}
