import { describe, expect, it } from 'vitest';
import {
	CHROMIUM_MAX_ELEMENT_PX,
	MAX_PX_PER_SEC,
	ZOOM_PRESSES,
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
	followViewport,
	nextZoomLevel,
	zoomLevels,
	zoomStep,
	zoomStepFactor,
	zoomToFit,
	zoomToRange,
	zoomToSegment,
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

	it('steps to the next zoom level and back, keeping the anchor in place', () => {
		const levels = zoomLevels(base);
		const z = zoomStep(base, 1, 500);
		expect(levels).toContain(z.pxPerSec);
		expect(z.pxPerSec).toBeGreaterThan(50);
		const back = zoomStep(z, -1, 500);
		expect(levels).toContain(back.pxPerSec);
		expect(back.pxPerSec).toBeLessThan(z.pxPerSec);
		expect(xToTime(back, 500)).toBeCloseTo(xToTime(base, 500), 6);
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

describe('zoom steps on long recordings', () => {
	const pressesToMax = (v0: Viewport) => {
		let v = v0;
		let presses = 0;
		while (v.pxPerSec < MAX_PX_PER_SEC && presses < 50) {
			v = zoomStep(v, 1, v.widthPx / 2);
			presses++;
		}
		return { presses, v };
	};

	it.each([
		[TEN_HOURS, 1200],
		[TEN_HOURS, 1800],
		[TEN_HOURS, 626],
		[HOUR, 1200],
		[10 * 60_000, 1200],
		[60_000, 1200]
	])('takes the whole of %i ms at %i px to 1000 px/s in at most ZOOM_PRESSES presses', (durationMs, widthPx) => {
		const fit = fitViewport(durationMs, widthPx);
		const { presses, v } = pressesToMax(fit);
		expect(v.pxPerSec).toBe(MAX_PX_PER_SEC);
		expect(presses).toBeLessThanOrEqual(ZOOM_PRESSES);
		// Each press is one level: never more than ZOOM_PRESSES, never fewer than ×2 steps allow.
		expect(presses).toBe(Math.min(ZOOM_PRESSES, Math.ceil(Math.log2(MAX_PX_PER_SEC / fit.pxPerSec) - 1e-9)));
	});

	it('steps ×2 to ×4 on a 1-hour file and about ×5.6 on 10 hours; short files ×2', () => {
		expect(zoomStepFactor({ durationMs: HOUR, widthPx: 1200 })).toBeGreaterThan(2);
		expect(zoomStepFactor({ durationMs: HOUR, widthPx: 1200 })).toBeLessThan(4);
		expect(zoomStepFactor({ durationMs: TEN_HOURS, widthPx: 1200 })).toBeCloseTo((1000 / (1200 / 36_000)) ** (1 / 6), 9);
		expect(zoomStepFactor({ durationMs: 20_000, widthPx: 1200 })).toBe(2);
	});

	it('zooms back out to exactly the whole recording', () => {
		let v = pressesToMax(fitViewport(TEN_HOURS, 1200)).v;
		for (let i = 0; i < ZOOM_PRESSES; i++) v = zoomStep(v, -1, 600);
		expect(isFitted(v)).toBe(true);
		expect(v.pxPerSec).toBe(fitPxPerSec(TEN_HOURS, 1200));
		expect(zoomStep(v, -1, 600).pxPerSec).toBe(v.pxPerSec);
	});

	it('from between two levels still moves by at least half a step, then lands on the levels', () => {
		const fit = fitViewport(HOUR, 1200);
		const levels = zoomLevels(fit);
		const factor = zoomStepFactor(fit);
		for (const k of [1, 2, 3]) {
			// Just above a level (left there by the wheel): the next press skips the nearly-equal level.
			const v = clampViewport({ ...fit, pxPerSec: levels[k] * 1.01 });
			const up = nextZoomLevel(v, 1);
			const down = nextZoomLevel(v, -1);
			expect(levels).toContain(up);
			expect(levels).toContain(down);
			expect(up / v.pxPerSec).toBeGreaterThanOrEqual(Math.sqrt(factor) * 0.999);
			expect(v.pxPerSec / down).toBeGreaterThanOrEqual(Math.sqrt(factor) * 0.999);
			expect(up / v.pxPerSec).toBeLessThanOrEqual(factor ** 1.5);
		}
		expect(nextZoomLevel({ ...fit, pxPerSec: MAX_PX_PER_SEC }, 1)).toBe(MAX_PX_PER_SEC);
	});
});

describe('zoom to segment and follow', () => {
	const v = fitViewport(HOUR, 1200);

	it('zooms to a segment with a margin on both sides', () => {
		const z = zoomToSegment(v, 1_800_000, 1_803_000);
		const margin = 1200 * 0.08;
		expect(timeToX(z, 1_800_000)).toBeCloseTo(margin, 6);
		expect(timeToX(z, 1_803_000)).toBeCloseTo(1200 - margin, 6);
		// A 200-ms segment stops at the deepest zoom, centred.
		const short = zoomToSegment(v, 1_000_000, 1_000_200);
		expect(short.pxPerSec).toBe(MAX_PX_PER_SEC);
		expect(timeToX(short, 1_000_100)).toBeCloseTo(600, 6);
	});

	it('follows with a fixed window, centring the segment', () => {
		for (const [s, e] of [
			[2_000_000, 2_002_000],
			[100_000, 104_000]
		]) {
			const f = followViewport(v, s, e, 10_000);
			expect(visibleDurationMs(f)).toBeCloseTo(10_000, 6);
			expect(timeToX(f, (s + e) / 2)).toBeCloseTo(600, 6);
		}
		// The same window from any zoom: the view does not drift as Enter moves on.
		const a = followViewport(v, 2_000_000, 2_002_000, 10_000);
		const b = followViewport(a, 2_003_000, 2_004_000, 10_000);
		expect(b.pxPerSec).toBe(a.pxPerSec);
	});

	it('keeps a long segment’s start in view, and stays inside the recording at its ends', () => {
		const long = followViewport(v, 600_000, 640_000, 10_000);
		expect(timeToX(long, 600_000)).toBeCloseTo(120, 6);
		const first = followViewport(v, 0, 1000, 10_000);
		expect(first.startMs).toBe(0);
		const last = followViewport(v, HOUR - 1000, HOUR, 10_000);
		expect(last.startMs + visibleDurationMs(last)).toBeCloseTo(HOUR, 6);
		// A window longer than the recording shows all of it.
		expect(isFitted(followViewport(fitViewport(5000, 1200), 1000, 2000, 10_000))).toBe(true);
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
