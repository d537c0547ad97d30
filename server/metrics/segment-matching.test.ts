import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohenKappa, krippendorffAlpha } from './agreement.ts';
import { buildAgreementUnits, matchSegments, type TimedLabel } from './segment-matching.ts';

const seg = (startMs: number, endMs: number, label: string | null = null): TimedLabel => ({ startMs, endMs, label });

describe(matchSegments.name, () => {
	it('pairs segments one-to-one by longest overlap and reports the rest', () => {
		const a = [seg(0, 1000), seg(1000, 2000), seg(5000, 6000)];
		const b = [seg(100, 1100), seg(1050, 2050), seg(3000, 4000)];
		const m = matchSegments(a, b);
		expect(m.pairs.map((p) => [p.a, p.b, p.overlapMs])).toEqual([
			[0, 0, 900],
			[1, 1, 950]
		]);
		expect(m.pairs[0].ratio).toBeCloseTo(900 / 1100, 12);
		expect(m.unmatchedA).toEqual([2]);
		expect(m.unmatchedB).toEqual([2]);
	});

	it('gives a contested segment to its longest overlap, the other finds no partner under the threshold', () => {
		// b0 overlaps a0 by 600 and a1 by 400: it goes to a0; a1 has nothing else.
		const m = matchSegments([seg(0, 1000), seg(1000, 1400)], [seg(400, 1400)], { minOverlapRatio: 0.3 });
		expect(m.pairs.map((p) => [p.a, p.b])).toEqual([[0, 0]]);
		expect(m.unmatchedA).toEqual([1]);
	});

	it('applies the minimum ratio of the union, or of the shorter segment', () => {
		const a = [seg(0, 10_000)];
		const b = [seg(1000, 3000)];
		expect(matchSegments(a, b).pairs).toEqual([]);
		expect(matchSegments(a, b, { ratioOf: 'shorter' }).pairs).toEqual([{ a: 0, b: 0, overlapMs: 2000, ratio: 1 }]);
		expect(matchSegments(a, b, { minOverlapRatio: 0.2 }).pairs).toHaveLength(1);
	});

	it('never pairs a segment twice, and every segment is paired or reported (generated)', () => {
		const span = fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 3000 })).map(([s, d]) => seg(s, s + d));
		fc.assert(
			fc.property(fc.array(span, { maxLength: 30 }), fc.array(span, { maxLength: 30 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (a, b, minOverlapRatio) => {
				const m = matchSegments(a, b, { minOverlapRatio });
				const as = m.pairs.map((p) => p.a);
				const bs = m.pairs.map((p) => p.b);
				expect(new Set(as).size).toBe(as.length);
				expect(new Set(bs).size).toBe(bs.length);
				expect([...as, ...m.unmatchedA].sort((x, y) => x - y)).toEqual(a.map((_, i) => i));
				expect([...bs, ...m.unmatchedB].sort((x, y) => x - y)).toEqual(b.map((_, i) => i));
				for (const p of m.pairs) expect(p.ratio).toBeGreaterThanOrEqual(minOverlapRatio);
			}),
			{ seed: 31, numRuns: 200 }
		);
	});
});

describe(buildAgreementUnits.name, () => {
	const ana = [seg(0, 2000, 'yue'), seg(2000, 4000, 'cmn'), seg(6000, 8000, 'yue')];
	const bo = [seg(100, 2100, 'yue'), seg(2100, 3900, 'yue'), seg(9000, 9500, 'hak')];
	const cy = [seg(0, 1900, 'yue'), seg(6100, 8000, null)];

	it('builds time-ordered units across annotators; no segment is missing', () => {
		const units = buildAgreementUnits([ana, bo, cy]);
		expect(units.map((u) => [u.startMs, u.values, u.segments])).toEqual([
			[0, ['yue', 'yue', 'yue'], [0, 0, 0]],
			[2000, ['cmn', 'yue', null], [1, 1, null]],
			[6000, ['yue', null, null], [2, null, 1]],
			[9000, [null, 'hak', null], [null, 2, null]]
		]);
		expect(krippendorffAlpha(units.map((u) => u.values)).pairableUnits).toBe(2);
		expect(cohenKappa(units.map((u) => u.values[0]), units.map((u) => u.values[1])).matrix.n).toBe(2);
	});

	it("with unmatchedLabel, an annotator's missing segment is that category (an unlabelled one stays missing)", () => {
		const units = buildAgreementUnits([ana, bo, cy], { unmatchedLabel: 'none' });
		expect(units.map((u) => u.values)).toEqual([
			['yue', 'yue', 'yue'],
			['cmn', 'yue', 'none'],
			['yue', 'none', null],
			['none', 'hak', 'none']
		]);
	});

	it('with two annotators, is the pairwise matching', () => {
		const units = buildAgreementUnits([ana, bo]);
		const m = matchSegments(ana, bo);
		expect(units.filter((u) => u.segments[0] !== null && u.segments[1] !== null).map((u) => [u.segments[0], u.segments[1]])).toEqual(m.pairs.map((p) => [p.a, p.b]));
		expect(buildAgreementUnits([])).toEqual([]);
	});
});
