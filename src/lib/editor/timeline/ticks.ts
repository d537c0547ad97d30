/**
 * Ruler ticks for the visible window: a "nice" step so labels are at least `minLabelPx` apart,
 * and only the ticks inside the viewport (never one per second of a 10-hour file).
 */
import { formatClock } from './time-format.ts';
import { timeToX, visibleDurationMs, type Viewport } from './timeline.ts';

/** Candidate steps in ms, from 1 ms to 2 h. */
export const TICK_STEPS_MS = [
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
	300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000
] as const;

export interface Tick {
	readonly ms: number;
	readonly x: number;
	/** Major ticks carry a label; minor ticks (a fifth or half of the step) do not. */
	readonly major: boolean;
	readonly label: string;
}

export function tickStepMs(pxPerSec: number, minLabelPx = 80): number {
	const minMs = (minLabelPx * 1000) / pxPerSec;
	for (const step of TICK_STEPS_MS) if (step >= minMs) return step;
	return TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
}

function minorDivisions(step: number): number {
	const lead = step / 10 ** Math.floor(Math.log10(step));
	return lead === 1 || lead === 2 ? 5 : lead === 5 ? 5 : step % 3 === 0 ? 3 : 2;
}

function labelDigits(step: number): number {
	if (step % 1000 === 0) return 0;
	if (step % 100 === 0) return 1;
	if (step % 10 === 0) return 2;
	return 3;
}

export function timeTicks(v: Viewport, minLabelPx = 80): Tick[] {
	const step = tickStepMs(v.pxPerSec, minLabelPx);
	const minor = step / minorDivisions(step);
	const end = Math.min(v.durationMs, v.startMs + visibleDurationMs(v));
	const first = Math.max(0, Math.ceil(v.startMs / minor) * minor);
	const digits = labelDigits(step);
	const ticks: Tick[] = [];
	// Integer stepping from an index avoids float drift over thousands of steps.
	const firstIndex = Math.round(first / minor);
	for (let i = firstIndex; i * minor <= end; i++) {
		const ms = i * minor;
		const major = Math.abs(ms / step - Math.round(ms / step)) < 1e-9;
		ticks.push({
			ms,
			x: timeToX(v, ms),
			major,
			label: major ? formatClock(ms, { fractionDigits: digits }) : ''
		});
	}
	return ticks;
}
