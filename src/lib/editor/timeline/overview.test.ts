import { describe, expect, it } from 'vitest';
import {
	MIN_WINDOW_PX,
	coverageBins,
	grabFractionAt,
	overviewTimeToX,
	overviewWindow,
	overviewXToTime,
	viewportFromOverview
} from './overview.ts';
import { MAX_PX_PER_SEC, visibleDurationMs, type Viewport } from './timeline.ts';

const TEN_HOURS = 36_000_000;

describe('overview geometry', () => {
	const o = { durationMs: TEN_HOURS, widthPx: 1200 };

	it('maps the whole recording onto its width', () => {
		expect(overviewTimeToX(o, 0)).toBe(0);
		expect(overviewTimeToX(o, TEN_HOURS)).toBe(1200);
		expect(overviewXToTime(o, 600)).toBe(TEN_HOURS / 2);
		expect(overviewXToTime(o, -5)).toBe(0);
		expect(overviewXToTime(o, 5000)).toBe(TEN_HOURS);
	});

	it('shows the viewport window, widened to stay visible at max zoom', () => {
		const v: Viewport = { startMs: TEN_HOURS - 1200, pxPerSec: MAX_PX_PER_SEC, widthPx: 1200, durationMs: TEN_HOURS };
		const w = overviewWindow(o, v);
		expect(w.exactWidth).toBeCloseTo(0.04, 9);
		expect(w.width).toBe(MIN_WINDOW_PX);
		expect(w.x + w.width).toBe(1200); // kept inside, at the right end
		const wide: Viewport = { startMs: 3_600_000, pxPerSec: 1200 / 7200, widthPx: 1200, durationMs: TEN_HOURS };
		expect(overviewWindow(o, wide)).toEqual({ x: 120, width: 240, exactX: 120, exactWidth: 240 });
	});

	it('moves the viewport where the overview is dragged, keeping the grab point', () => {
		const v: Viewport = { startMs: 0, pxPerSec: 1200 / 7200, widthPx: 1200, durationMs: TEN_HOURS };
		expect(grabFractionAt(o, v, 60)).toBeCloseTo(0.25, 9);
		expect(grabFractionAt(o, v, 900)).toBe(0.5);
		const moved = viewportFromOverview(o, v, 660, 0.25);
		expect(moved.startMs).toBeCloseTo(TEN_HOURS * (660 / 1200) - 0.25 * visibleDurationMs(v), 6);
		expect(viewportFromOverview(o, v, 1200, 0.5).startMs).toBe(TEN_HOURS - visibleDurationMs(v));
	});
});

describe(coverageBins.name, () => {
	it('measures covered time per column, merging overlaps', () => {
		const starts = [0, 50, 300, 320];
		const ends = [100, 150, 400, 350];
		const bins = coverageBins(starts, ends, 4, 400, 4);
		expect(Array.from(bins)).toEqual([1, 0.5, 0, 1]);
	});

	it('returns zeros for an empty recording', () => {
		expect(Array.from(coverageBins([], [], 0, 0, 3))).toEqual([0, 0, 0]);
	});
});
