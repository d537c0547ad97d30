/**
 * Geometry of the editor's virtual timeline: time ↔ pixel mapping, scrolling and zooming.
 *
 * Nothing here ever creates (or assumes) an element as wide as `duration × pxPerSec`: Chromium
 * clamps layout widths at 33,554,428 px, which a 10-hour recording passes at ≈930 px/s. The scroll
 * position is kept as a *time* (`startMs`, the time at the viewport's left edge) and everything is
 * drawn relative to it, so every zoom from "whole recording fits" to `MAX_PX_PER_SEC` maps exactly.
 *
 * All functions are pure and return new values; a `Viewport` is a plain object that the page (or
 * the Waveform component) owns and passes down.
 *
 * @example
 * let v = fitViewport(36_000_000, 1200); // 10 h, fits 1200 px
 * v = zoomAt(v, MAX_PX_PER_SEC, 600); // max zoom around the middle
 * timeToX(v, 18_000_000); // → 600
 */

/** Deepest zoom: 1 px per millisecond. */
export const MAX_PX_PER_SEC = 1000;
/** Chromium's layout clamp for element sizes; documented so nobody builds a scroll spacer that wide. */
export const CHROMIUM_MAX_ELEMENT_PX = 33_554_428;
/**
 * Zoom presses (keys, buttons) that take the whole recording to MAX_PX_PER_SEC, whatever its length:
 * the steps are geometric, so a 10-hour file steps ×5.5 per press and a 1-minute one ×2.
 */
export const ZOOM_PRESSES = 6;
/** The smallest factor of one zoom press (short recordings still zoom noticeably). */
export const MIN_ZOOM_STEP = 2;
/** Pixels per wheel "line" when a browser reports `deltaMode === 1` (Firefox with a mouse wheel). */
export const WHEEL_LINE_PX = 16;
/** Zoom sensitivity: factor = exp(-deltaY × this). A 100-px wheel notch zooms by ≈ 1.22×. */
export const WHEEL_ZOOM_SENSITIVITY = 0.002;

export interface Viewport {
	/** Time at the left edge of the viewport, in ms. May be fractional (sub-ms scroll positions). */
	readonly startMs: number;
	/** Zoom level. */
	readonly pxPerSec: number;
	/** Width of the viewport in CSS pixels. */
	readonly widthPx: number;
	/** Length of the recording in ms. */
	readonly durationMs: number;
}

export interface TimeRange {
	readonly startMs: number;
	readonly endMs: number;
}

/** The px/s at which the whole recording exactly fills the viewport (the minimum zoom). */
export function fitPxPerSec(durationMs: number, widthPx: number): number {
	if (durationMs <= 0 || widthPx <= 0) return MAX_PX_PER_SEC;
	return Math.min(MAX_PX_PER_SEC, (widthPx * 1000) / durationMs);
}

export function minPxPerSec(v: Pick<Viewport, 'durationMs' | 'widthPx'>): number {
	return fitPxPerSec(v.durationMs, v.widthPx);
}

export function clampPxPerSec(v: Pick<Viewport, 'durationMs' | 'widthPx'>, pxPerSec: number): number {
	const min = minPxPerSec(v);
	if (!Number.isFinite(pxPerSec)) return min;
	return Math.min(MAX_PX_PER_SEC, Math.max(min, pxPerSec));
}

/** How many ms the viewport shows at its zoom. */
export function visibleDurationMs(v: Pick<Viewport, 'pxPerSec' | 'widthPx'>): number {
	return (v.widthPx * 1000) / v.pxPerSec;
}

/** The largest `startMs` that still keeps the viewport inside the recording. */
export function maxStartMs(v: Viewport): number {
	return Math.max(0, v.durationMs - visibleDurationMs(v));
}

/** Brings zoom into [fit, MAX] and the scroll position into [0, maxStart]. */
export function clampViewport(v: Viewport): Viewport {
	const pxPerSec = clampPxPerSec(v, v.pxPerSec);
	const clamped = { ...v, pxPerSec };
	const startMs = Math.min(maxStartMs(clamped), Math.max(0, Number.isFinite(v.startMs) ? v.startMs : 0));
	return startMs === v.startMs && pxPerSec === v.pxPerSec ? v : { ...clamped, startMs };
}

/** A viewport that shows the whole recording. */
export function fitViewport(durationMs: number, widthPx: number): Viewport {
	return { startMs: 0, pxPerSec: fitPxPerSec(durationMs, widthPx), widthPx, durationMs };
}

/** Time → x in CSS px relative to the viewport's left edge (may be outside [0, width]). */
export function timeToX(v: Pick<Viewport, 'startMs' | 'pxPerSec'>, timeMs: number): number {
	return ((timeMs - v.startMs) * v.pxPerSec) / 1000;
}

/** x in CSS px relative to the viewport's left edge → time in ms (unclamped, fractional). */
export function xToTime(v: Pick<Viewport, 'startMs' | 'pxPerSec'>, x: number): number {
	return v.startMs + (x * 1000) / v.pxPerSec;
}

/** A length in px at this zoom, in ms (for hit-test and snap tolerances). */
export function pxToMs(v: Pick<Viewport, 'pxPerSec'>, px: number): number {
	return (px * 1000) / v.pxPerSec;
}

/** The time window the viewport shows: [startMs, endMs), `endMs` clamped to the recording. */
export function visibleRange(v: Viewport): TimeRange {
	return { startMs: v.startMs, endMs: Math.min(v.durationMs, v.startMs + visibleDurationMs(v)) };
}

export function scrollToTime(v: Viewport, startMs: number): Viewport {
	return clampViewport({ ...v, startMs });
}

export function scrollByPx(v: Viewport, dxPx: number): Viewport {
	return scrollToTime(v, v.startMs + pxToMs(v, dxPx));
}

/** Puts `timeMs` at the viewport's centre (as far as the recording's ends allow). */
export function centerOn(v: Viewport, timeMs: number): Viewport {
	return scrollToTime(v, timeMs - visibleDurationMs(v) / 2);
}

/**
 * Scrolls as little as needed so [startMs, endMs) is visible with `marginPx` to spare; a range
 * wider than the viewport is aligned to its start. Used when a list row is selected or playback
 * leaves the viewport.
 */
export function revealRange(v: Viewport, startMs: number, endMs: number, marginPx = 40): Viewport {
	const margin = Math.min(pxToMs(v, marginPx), visibleDurationMs(v) / 4);
	const visible = visibleDurationMs(v);
	const viewEnd = v.startMs + visible;
	if (startMs >= v.startMs + margin && endMs <= viewEnd - margin) return v;
	if (endMs - startMs > visible - 2 * margin) return scrollToTime(v, startMs - margin);
	if (startMs < v.startMs + margin) return scrollToTime(v, startMs - margin);
	return scrollToTime(v, endMs + margin - visible);
}

/** Zooms to `pxPerSec` keeping the time under `anchorX` (cursor or playhead x) where it is. */
export function zoomAt(v: Viewport, pxPerSec: number, anchorX: number): Viewport {
	const next = clampPxPerSec(v, pxPerSec);
	if (next === v.pxPerSec) return clampViewport(v);
	const anchorMs = xToTime(v, anchorX);
	return clampViewport({ ...v, pxPerSec: next, startMs: anchorMs - (anchorX * 1000) / next });
}

export function zoomByFactor(v: Viewport, factor: number, anchorX: number): Viewport {
	return zoomAt(v, v.pxPerSec * factor, anchorX);
}

/**
 * Zooms around a *time* rather than a pixel (e.g. the playhead): the anchor keeps its x when it is
 * on screen, else the zoom centres on it.
 */
export function zoomAtTime(v: Viewport, pxPerSec: number, anchorMs: number): Viewport {
	const x = timeToX(v, anchorMs);
	if (x >= 0 && x <= v.widthPx) return zoomAt(v, pxPerSec, x);
	const next = clampPxPerSec(v, pxPerSec);
	return centerOn({ ...v, pxPerSec: next }, anchorMs);
}

/**
 * The factor of one zoom press for this recording and width: the ZOOM_PRESSES-th root of the whole
 * zoom range (fit → MAX_PX_PER_SEC), at least MIN_ZOOM_STEP.
 *
 * @example
 * zoomStepFactor({ durationMs: 36_000_000, widthPx: 1200 }); // ≈ 5.6 (10 h)
 * zoomStepFactor({ durationMs: 60_000, widthPx: 1200 }); // 2
 */
export function zoomStepFactor(v: Pick<Viewport, 'durationMs' | 'widthPx'>): number {
	const range = MAX_PX_PER_SEC / minPxPerSec(v);
	return Math.max(MIN_ZOOM_STEP, range ** (1 / ZOOM_PRESSES));
}

/**
 * The zoom levels presses stop at: fit × factor^k, ending exactly at MAX_PX_PER_SEC. Fit first.
 * Anchored at fit, so zooming out by presses always lands on "whole recording" again.
 */
export function zoomLevels(v: Pick<Viewport, 'durationMs' | 'widthPx'>): number[] {
	const fit = minPxPerSec(v);
	const factor = zoomStepFactor(v);
	const levels = [fit];
	while (levels.at(-1)! * factor < MAX_PX_PER_SEC * (1 - 1e-9)) levels.push(levels.at(-1)! * factor);
	if (levels.at(-1)! < MAX_PX_PER_SEC) levels.push(MAX_PX_PER_SEC);
	return levels;
}

/**
 * The zoom one press leads to: the next level of zoomLevels in that direction that is at least
 * half a step away (in log scale), so a zoom left between levels by the wheel or by "follow" still
 * moves by a real step and then lands on the levels again.
 */
export function nextZoomLevel(v: Viewport, direction: 1 | -1): number {
	const levels = zoomLevels(v);
	const half = Math.sqrt(zoomStepFactor(v));
	const current = clampPxPerSec(v, v.pxPerSec);
	if (direction > 0) return levels.find((l) => l >= current * half * (1 - 1e-9)) ?? MAX_PX_PER_SEC;
	for (let i = levels.length - 1; i >= 0; i--) if (levels[i] <= (current / half) * (1 + 1e-9)) return levels[i];
	return levels[0];
}

/** One discrete zoom step (keys / buttons): +1 zooms in, −1 zooms out, to the next level. */
export function zoomStep(v: Viewport, direction: 1 | -1, anchorX = v.widthPx / 2): Viewport {
	return zoomAt(v, nextZoomLevel(v, direction), anchorX);
}

export function zoomToFit(v: Viewport): Viewport {
	return fitViewport(v.durationMs, v.widthPx);
}

/**
 * "Zoom to segment": [startMs, endMs) fills the view but for a margin of `marginFraction` of the
 * width on each side (at least `minMarginPx`), as deep as MAX_PX_PER_SEC allows.
 */
export function zoomToSegment(v: Viewport, startMs: number, endMs: number, marginFraction = 0.08, minMarginPx = 24): Viewport {
	return zoomToRange(v, startMs, endMs, Math.max(minMarginPx, v.widthPx * marginFraction));
}

/**
 * "Follow": the view shows `windowMs` (the zoom that fits it in the width) around the segment,
 * centred on it; a segment longer than the window starts a margin from the left edge, so its
 * beginning (where listening and typing start) is in view.
 */
export function followViewport(v: Viewport, startMs: number, endMs: number, windowMs: number): Viewport {
	const pxPerSec = clampPxPerSec(v, (v.widthPx * 1000) / Math.max(1, windowMs));
	const z = clampViewport({ ...v, pxPerSec });
	const visible = visibleDurationMs(z);
	const margin = visible * 0.1;
	if (endMs - startMs <= visible - 2 * margin) return centerOn(z, (startMs + endMs) / 2);
	return scrollToTime(z, startMs - margin);
}

/** Shows exactly [startMs, endMs) with `paddingPx` on both sides (e.g. "zoom to segment"). */
export function zoomToRange(v: Viewport, startMs: number, endMs: number, paddingPx = 24): Viewport {
	const usable = Math.max(1, v.widthPx - 2 * paddingPx);
	const span = Math.max(1, endMs - startMs);
	const pxPerSec = clampPxPerSec(v, (usable * 1000) / span);
	const z = { ...v, pxPerSec };
	const center = (startMs + endMs) / 2;
	return centerOn(z, center);
}

export function isFitted(v: Viewport): boolean {
	return v.pxPerSec <= minPxPerSec(v) * (1 + 1e-9);
}

export function isMaxZoom(v: Viewport): boolean {
	return v.pxPerSec >= MAX_PX_PER_SEC;
}

/** The parts of a WheelEvent the timeline needs (so this stays testable without a DOM). */
export interface WheelLike {
	deltaX: number;
	deltaY: number;
	/** 0 = pixels, 1 = lines, 2 = pages. */
	deltaMode: number;
	ctrlKey: boolean;
	metaKey: boolean;
	shiftKey: boolean;
}

/** Wheel deltas in px, whatever unit the browser reported. */
export function normalizeWheel(e: WheelLike, pagePx: number): { dx: number; dy: number } {
	const unit = e.deltaMode === 1 ? WHEEL_LINE_PX : e.deltaMode === 2 ? pagePx : 1;
	let dx = e.deltaX * unit;
	let dy = e.deltaY * unit;
	// Shift+wheel is the usual "scroll sideways" gesture on a mouse without a horizontal wheel.
	if (e.shiftKey && dx === 0) {
		dx = dy;
		dy = 0;
	}
	return { dx, dy };
}

/**
 * ctrl/cmd+wheel and trackpad pinch (Chromium/Firefox report pinch as wheel with ctrlKey) zoom
 * around the cursor; any other wheel scrolls the timeline sideways (the dominant axis wins, so a
 * vertical mouse wheel scrolls time, and a trackpad's horizontal swipe does too).
 */
export function applyWheel(v: Viewport, e: WheelLike, anchorX: number): Viewport {
	const { dx, dy } = normalizeWheel(e, v.widthPx);
	if (e.ctrlKey || e.metaKey) {
		const delta = dy !== 0 ? dy : dx;
		const factor = Math.min(2, Math.max(0.5, Math.exp(-delta * WHEEL_ZOOM_SENSITIVITY)));
		return zoomByFactor(v, factor, anchorX);
	}
	return scrollByPx(v, Math.abs(dx) > Math.abs(dy) ? dx : dy);
}

/** True when the wheel event is a zoom gesture (so callers know to preventDefault). */
export function isZoomWheel(e: Pick<WheelLike, 'ctrlKey' | 'metaKey'>): boolean {
	return e.ctrlKey || e.metaKey;
}

/** Viewports are equal when they would draw the same picture. */
export function sameViewport(a: Viewport, b: Viewport): boolean {
	return (
		a.startMs === b.startMs &&
		a.pxPerSec === b.pxPerSec &&
		a.widthPx === b.widthPx &&
		a.durationMs === b.durationMs
	);
}
