/** Pure shaping of the dashboard's figures for charts and tables (no DOM, tested on its own). */

export interface ProgressDay {
	day: string;
	segmentedHours: number;
	transcribedHours: number;
	reviewedHours: number;
	acceptedHours: number;
}

export const PROGRESS_SERIES = ['segmentedHours', 'transcribedHours', 'reviewedHours', 'acceptedHours'] as const;
export type ProgressSeries = (typeof PROGRESS_SERIES)[number];

/**
 * Running totals from each day's net change, rounded to 3 decimals (what the progress chart
 * plots: hours segmented, transcribed, reviewed and accepted so far).
 *
 * @example
 * cumulative([{ day: 'd1', segmentedHours: 1, … }, { day: 'd2', segmentedHours: 0.5, … }]) // d2: 1.5
 */
export function cumulative(days: ProgressDay[]): ProgressDay[] {
	const running: Record<ProgressSeries, number> = { segmentedHours: 0, transcribedHours: 0, reviewedHours: 0, acceptedHours: 0 };
	return days.map((d) => {
		const out = { day: d.day } as ProgressDay;
		for (const key of PROGRESS_SERIES) {
			running[key] += d[key];
			out[key] = Math.round(running[key] * 1000) / 1000;
		}
		return out;
	});
}

/** Category counts per day as one series per category over the sorted days (0 where a day has none). */
export function categorySeries(rows: { day: string; category: string; count: number }[]): { days: string[]; series: { category: string; counts: number[] }[] } {
	const days = [...new Set(rows.map((r) => r.day))].sort();
	const index = new Map(days.map((d, i) => [d, i]));
	const byCategory = new Map<string, number[]>();
	for (const r of rows) {
		const counts = byCategory.get(r.category) ?? days.map(() => 0);
		counts[index.get(r.day)!] += r.count;
		byCategory.set(r.category, counts);
	}
	return { days, series: [...byCategory].map(([category, counts]) => ({ category, counts })) };
}

/** A 0–1 rate as a percentage with one decimal, or an en dash when there is none. */
export function formatRate(rate: number | null | undefined): string {
	return rate === null || rate === undefined ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}
