import { describe, expect, it } from 'vitest';
import {
	CHROMIUM_MAX_ELEMENT_PX,
	MAX_PX_PER_SEC,
	ZOOM_STEP,
	applyWheel,
	centerOn,
	clampViewport,
	fitPxPerSec,
	fitViewport,
	isFitted,
	isMaxZoom,
	maxStartMs,
	normalizeWheel,
	pxToMs,
	revealRange,
	scrollByPx,
	timeToX,
	visibleDurationMs,
	visibleRange,
	xToTime,
	zoomAt,
	zoomAtTime,
	zoomStep,
	zoomToFit,
	zoomToRange,
	type Viewport,
	type WheelLike
} from './timeline.ts';

const HOUR = 3_600_000;
const TEN_HOURS = 10 * HOUR;
const wheel = (patch: Partial<WheelLike>): WheelLike => ({
	deltaX: 0,
	deltaY: 0,
	deltaMode: 0,
	ctrlKey: false,
	metaKey: false,
	shiftKey: false,
	...patch
});

describe('time ↔ pixel mapping', () => {
	it('round-trips at every zoom from fit to max', () => {
		const fit = fitViewport(TEN_HOURS, 1200);
		for (const pxPerSec of [fit.pxPerSec, 0.5, 1, 10, 100, 400, 999, MAX_PX_PER_SEC]) {
			const v = clampViewport({ ...fit, pxPerSec, startMs: 12_345_678 });
			for (const x of [0, 1, 599.5, 1200]) expect(timeToX(v, xToTime(v, x))).toBeCloseTo(x, 6);
		}
	});

	it('fits the whole recording at minimum zoom', () => {
		const v = fitViewport(TEN_HOURS, 1200);
		expect(v.pxPerSec).toBeCloseTo(1200 / 36_000, 12);
		expect(timeToX(v, 0)).toBe(0);
		expect(timeToX(v, TEN_HOURS)).toBeCloseTo(1200, 9);
		expect(isFitted(v)).toBe(true);
		expect(visibleRange(v)).toEqual({ startMs: 0, endMs: TEN_HOURS });
	});

	it('maps the last second of a 10-hour file to the right pixels at max zoom', () => {
		// At 1000 px/s a 10-h file would be 36,000,000 px wide: more than Chromium's layout clamp.
		expect(TEN_HOURS / 1000 * MAX_PX_PER_SEC).toBeGreaterThan(CHROMIUM_MAX_ELEMENT_PX);
		const fit = fitViewport(TEN_HOURS, 1200);
		let v = zoomAt(fit, MAX_PX_PER_SEC, 600);
		expect(isMaxZoom(v)).toBe(true);
		v = scrollByPx(v, 1e12); // scroll as far right as possible
		expect(v.startMs).toBe(TEN_HOURS - 1200);
		expect(maxStartMs(v)).toBe(TEN_HOURS - 1200);
		// The last second [35 999 000, 36 000 000) is the rightmost 1000 px, 1 px per ms.
		expect(timeToX(v, TEN_HOURS - 1000)).toBe(200);
		expect(timeToX(v, TEN_HOURS - 1)).toBe(1199);
		expect(timeToX(v, TEN_HOURS)).toBe(1200);
		expect(xToTime(v, 1199.5)).toBe(TEN_HOURS - 0.5);
		expect(visibleRange(v)).toEqual({ startMs: TEN_HOURS - 1200, endMs: TEN_HOURS });
		// Sub-pixel distinct: neighbouring milliseconds land one pixel apart.
		expect(timeToX(v, 35_999_500) - timeToX(v, 35_999_499)).toBe(1);
	});

	it('keeps 1 px = 1 ms precision deep into a 10-h file (no float drift)', () => {
		const v: Viewport = { startMs: 35_123_456.25, pxPerSec: 1000, widthPx: 1500, durationMs: TEN_HOURS };
		expect(timeToX(v, 35_123_457.25)).toBe(1);
		expect(xToTime(v, 1234)).toBe(35_124_690.25);
	});

	it('converts pixel tolerances to ms at the current zoom', () => {
		expect(pxToMs({ pxPerSec: 100 }, 6)).toBe(60);
		expect(pxToMs({ pxPerSec: 1000 }, 6)).toBe(6);
	});
});

describe('clamping', () => {
	it('clamps zoom between fit and max and scroll into the recording', () => {
		const v = clampViewport({ startMs: -50, pxPerSec: 5000, widthPx: 1000, durationMs: HOUR });
		expect(v.pxPerSec).toBe(MAX_PX_PER_SEC);
		expect(v.startMs).toBe(0);
		const out = clampViewport({ startMs: 2 * HOUR, pxPerSec: 0.0001, widthPx: 1000, durationMs: HOUR });
		expect(out.pxPerSec).toBeCloseTo(fitPxPerSec(HOUR, 1000), 12);
		expect(out.startMs).toBe(0);
	});

	it('handles a recording shorter than the viewport at max zoom', () => {
		const v = fitViewport(500, 1200); // 0.5 s would need 2400 px/s to fill: capped at 1000
		expect(v.pxPerSec).toBe(MAX_PX_PER_SEC);
		expect(maxStartMs(v)).toBe(0);
		expect(scrollByPx(v, 300).startMs).toBe(0);
	});

	it('returns the same object when nothing needs clamping', () => {
		const v = clampViewport({ startMs: 1000, pxPerSec: 100, widthPx: 800, durationMs: HOUR });
		expect(clampViewport(v)).toBe(v);
	});
});

describe('zoom', () => {
	const base: Viewport = { startMs: 600_000, pxPerSec: 50, widthPx: 1000, durationMs: 2 * HOUR };

	it('keeps the time under the anchor fixed', () => {
		const anchorX = 321;
		const t = xToTime(base, anchorX);
		for (const px of [1, 20, 80, 500, 1000]) {
			const z = zoomAt(base, px, anchorX);
			expect(xToTime(z, anchorX)).toBeCloseTo(t, 6);
		}
	});

	it('steps by ZOOM_STEP and back', () => {
		const z = zoomStep(base, 1, 500);
		expect(z.pxPerSec).toBeCloseTo(50 * ZOOM_STEP, 9);
		const back = zoomStep(z, -1, 500);
		expect(back.pxPerSec).toBeCloseTo(50, 9);
		expect(back.startMs).toBeCloseTo(base.startMs, 6);
	});

	it('zooms around the playhead time, centring on it when it is off screen', () => {
		const onScreen = zoomAtTime(base, 200, 610_000);
		expect(timeToX(onScreen, 610_000)).toBeCloseTo(timeToX(base, 610_000), 6);
		const off = zoomAtTime(base, 200, 3_000_000);
		expect(timeToX(off, 3_000_000)).toBeCloseTo(500, 6);
	});

	it('zooming out near the end stays inside the recording', () => {
		const nearEnd = clampViewport({ ...base, startMs: 2 * HOUR - 20_000, pxPerSec: 50 });
		const z = zoomAt(nearEnd, 1, 900);
		expect(z.startMs + visibleDurationMs(z)).toBeLessThanOrEqual(2 * HOUR + 1e-6);
		expect(z.startMs).toBeGreaterThanOrEqual(0);
	});

	it('zooms to fit and to a range', () => {
		expect(zoomToFit(base)).toEqual(fitViewport(2 * HOUR, 1000));
		const r = zoomToRange(base, 1_000_000, 1_002_000, 50);
		expect(r.pxPerSec).toBeCloseTo(450, 6); // 900 px for 2 s
		expect(timeToX(r, 1_000_000)).toBeCloseTo(50, 6);
		expect(timeToX(r, 1_002_000)).toBeCloseTo(950, 6);
	});
});

describe('scrolling and revealing', () => {
	const v: Viewport = { startMs: 100_000, pxPerSec: 100, widthPx: 1000, durationMs: HOUR };

	it('scrolls by pixels at the current zoom', () => {
		expect(scrollByPx(v, 250).startMs).toBe(102_500);
		expect(scrollByPx(v, -1e9).startMs).toBe(0);
	});

	it('centres on a time', () => {
		expect(centerOn(v, 500_000).startMs).toBe(495_000);
		expect(centerOn(v, 1_000).startMs).toBe(0);
	});

	it('reveals a range with minimal scrolling', () => {
		expect(revealRange(v, 102_000, 104_000)).toBe(v); // already visible
		const right = revealRange(v, 112_000, 115_000, 40);
		expect(right.startMs + visibleDurationMs(right)).toBe(115_400);
		const left = revealRange(v, 90_000, 92_000, 40);
		expect(left.startMs).toBe(89_600);
		const wide = revealRange(v, 200_000, 260_000, 40);
		expect(wide.startMs).toBe(199_600);
	});
});

describe('wheel', () => {
	const v: Viewport = { startMs: 100_000, pxPerSec: 100, widthPx: 1000, durationMs: HOUR };

	it('normalizes line and page deltas', () => {
		expect(normalizeWheel(wheel({ deltaY: 3, deltaMode: 1 }), 1000)).toEqual({ dx: 0, dy: 48 });
		expect(normalizeWheel(wheel({ deltaY: 1, deltaMode: 2 }), 1000)).toEqual({ dx: 0, dy: 1000 });
		expect(normalizeWheel(wheel({ deltaY: 100, shiftKey: true }), 1000)).toEqual({ dx: 100, dy: 0 });
	});

	it('plain wheel scrolls time (vertical or horizontal, dominant axis)', () => {
		expect(applyWheel(v, wheel({ deltaY: 100 }), 500).startMs).toBe(101_000);
		expect(applyWheel(v, wheel({ deltaX: -50, deltaY: 2 }), 500).startMs).toBe(99_500);
		expect(applyWheel(v, wheel({ deltaY: 100 }), 500).pxPerSec).toBe(100);
	});

	it('ctrl/cmd+wheel and pinch zoom around the cursor', () => {
		const anchor = 250;
		const t = xToTime(v, anchor);
		const zin = applyWheel(v, wheel({ deltaY: -100, ctrlKey: true }), anchor);
		expect(zin.pxPerSec).toBeGreaterThan(100);
		expect(xToTime(zin, anchor)).toBeCloseTo(t, 6);
		const zout = applyWheel(v, wheel({ deltaY: 100, metaKey: true }), anchor);
		expect(zout.pxPerSec).toBeLessThan(100);
		// A pinch reports small deltas: a gentle zoom.
		const pinch = applyWheel(v, wheel({ deltaY: -4, ctrlKey: true }), anchor);
		expect(pinch.pxPerSec / 100).toBeCloseTo(Math.exp(0.008), 6);
		// A huge delta is capped at 2× per event.
		expect(applyWheel(v, wheel({ deltaY: -100_000, ctrlKey: true }), anchor).pxPerSec).toBe(200);
	});
});
