import { describe, expect, it } from 'vitest';
import { tickStepMs, timeTicks } from './ticks.ts';
import { formatClock, formatDuration } from './time-format.ts';
import { fitViewport, type Viewport } from './timeline.ts';

describe(formatClock.name, () => {
	it('formats minutes, hours and fractions', () => {
		expect(formatClock(0)).toBe('0:00.0');
		expect(formatClock(83_400)).toBe('1:23.4');
		expect(formatClock(3_723_400)).toBe('1:02:03.4');
		expect(formatClock(59_960)).toBe('1:00.0');
		expect(formatClock(83_400, { fractionDigits: 2 })).toBe('1:23.40');
		expect(formatClock(5_000, { fractionDigits: 0, forceHours: true })).toBe('0:00:05');
		expect(formatClock(-1500)).toBe('-0:01.5');
	});

	it('formats durations', () => {
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(12_340)).toBe('12.3 s');
		expect(formatDuration(245_000)).toBe('4:05');
	});
});

describe(timeTicks.name, () => {
	it('picks a step that keeps labels apart', () => {
		expect(tickStepMs(1000, 80)).toBe(100);
		expect(tickStepMs(100, 80)).toBe(1000);
		expect(tickStepMs(1200 / 36_000, 80)).toBe(3_600_000);
	});

	it('returns only ticks inside the viewport, with labelled majors', () => {
		const v: Viewport = { startMs: 35_998_800, pxPerSec: 1000, widthPx: 1200, durationMs: 36_000_000 };
		const ticks = timeTicks(v);
		expect(ticks.length).toBeLessThan(100);
		for (const t of ticks) {
			expect(t.x).toBeGreaterThanOrEqual(0);
			expect(t.x).toBeLessThanOrEqual(1200);
		}
		const majors = ticks.filter((t) => t.major);
		expect(majors[0].label).toBe('9:59:58.8');
		expect(majors.at(-1)!.ms).toBe(36_000_000);
	});

	it('covers a whole 10-h file with a handful of ticks', () => {
		const ticks = timeTicks(fitViewport(36_000_000, 1200));
		expect(ticks.filter((t) => t.major).map((t) => t.label)).toContain('5:00:00');
		expect(ticks.length).toBeLessThan(60);
	});
});
