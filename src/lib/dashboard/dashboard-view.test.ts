import { describe, expect, it } from 'vitest';
import { categorySeries, cumulative, formatRate } from './dashboard-view.ts';

describe(cumulative.name, () => {
	it('turns net changes per day into running totals', () => {
		const day = (d: string, s: number, t: number, r: number, a: number) => ({ day: d, segmentedHours: s, transcribedHours: t, reviewedHours: r, acceptedHours: a });
		expect(cumulative([day('2026-12-01', 1, 0.5, 0, 0), day('2026-12-02', 0.25, 0.5, 1, 0.75), day('2026-12-03', -0.1, 0, 0, 0)])).toEqual([
			day('2026-12-01', 1, 0.5, 0, 0),
			day('2026-12-02', 1.25, 1, 1, 0.75),
			day('2026-12-03', 1.15, 1, 1, 0.75)
		]);
	});
});

describe(categorySeries.name, () => {
	it('spreads each category over every day, with zeros', () => {
		expect(
			categorySeries([
				{ day: '2026-12-02', category: 'omission', count: 2 },
				{ day: '2026-12-01', category: 'tone', count: 1 },
				{ day: '2026-12-02', category: 'tone', count: 3 }
			])
		).toEqual({ days: ['2026-12-01', '2026-12-02'], series: [{ category: 'omission', counts: [0, 2] }, { category: 'tone', counts: [1, 3] }] });
	});
});

describe(formatRate.name, () => {
	it('writes a percentage, or a dash for none', () => {
		expect(formatRate(0.1234)).toBe('12.3 %');
		expect(formatRate(0)).toBe('0.0 %');
		expect(formatRate(null)).toBe('–');
	});
});
