import { describe, expect, it } from 'vitest';
import { agreementPerCategory, cohenKappa, cohenKappaFromMatrix, confusionMatrix, krippendorffAlpha, matrixFromCounts } from './agreement.ts';

/** Expands a 2×2 table into two label lists (rows: annotator A, columns: annotator B). */
function fromTable(categories: string[], counts: number[][]): [string[], string[]] {
	const a: string[] = [];
	const b: string[] = [];
	counts.forEach((row, i) => row.forEach((count, j) => {
		for (let k = 0; k < count; k++) {
			a.push(categories[i]);
			b.push(categories[j]);
		}
	}));
	return [a, b];
}

describe(cohenKappa.name, () => {
	// Wikipedia, "Cohen's kappa", § Examples — Simple example: 50 grant proposals, two readers;
	// both yes 20, A yes / B no 5, A no / B yes 10, both no 15: p_o = 0.7, p_e = 0.5, κ = 0.4.
	it('gives κ = 0.4 on the 50-proposal yes/no example', () => {
		const [a, b] = fromTable(['Yes', 'No'], [[20, 5], [10, 15]]);
		const result = cohenKappa(a, b, ['Yes', 'No']);
		expect(result.observedAgreement).toBeCloseTo(0.7, 12);
		expect(result.expectedAgreement).toBeCloseTo(0.5, 12);
		expect(result.kappa).toBeCloseTo(0.4, 12);
		expect(result.matrix).toEqual({ categories: ['Yes', 'No'], counts: [[20, 5], [10, 15]], n: 50, excluded: 0 });
	});

	// Wikipedia, "Cohen's kappa", § Same percentages but different numbers: two tables with the same
	// 60 % agreement, κ = 0.1304 and κ = 0.2593.
	it.each([
		[[[45, 15], [25, 15]], 0.1304],
		[[[25, 35], [5, 35]], 0.2593]
	])('gives the published κ for %j', (counts, kappa) => {
		const result = cohenKappaFromMatrix(matrixFromCounts(['Yes', 'No'], counts));
		expect(result.observedAgreement).toBeCloseTo(0.6, 12);
		expect(result.kappa).toBeCloseTo(kappa, 4);
	});

	it('leaves out items either annotator did not label, and says how many', () => {
		const result = cohenKappa(['yue', 'yue', 'cmn', null, 'wuu'], ['yue', 'cmn', 'cmn', 'cmn', null]);
		expect(result.matrix.n).toBe(3);
		expect(result.matrix.excluded).toBe(2);
		expect(result.matrix.categories).toEqual(['cmn', 'yue', 'wuu'].sort());
	});

	it('is 1 for perfect agreement, and null when undefined', () => {
		expect(cohenKappa(['a', 'b', 'a'], ['a', 'b', 'a']).kappa).toBe(1);
		expect(cohenKappa(['a', 'a'], ['a', 'a']).kappa).toBeNull();
		expect(cohenKappa([], []).kappa).toBeNull();
	});
});

describe(confusionMatrix.name, () => {
	it('cross-tabulates dialect tags, in the given category order', () => {
		const m = confusionMatrix(['yue', 'yue', 'cmn', 'hak'], ['yue', 'cmn', 'cmn', 'yue'], ['cmn', 'yue', 'hak']);
		expect(m.counts).toEqual([
			[1, 0, 0],
			[1, 1, 0],
			[0, 1, 0]
		]);
		expect(() => confusionMatrix(['nan'], ['yue'], ['cmn', 'yue'])).toThrow('Label "nan" is not one of the categories');
		expect(() => confusionMatrix(['a'], [])).toThrow(/differ in length/);
	});
});

describe(krippendorffAlpha.name, () => {
	const _ = null;
	const byCoders = (coders: (number | null)[][]) =>
		coders[0].map((__, u) => coders.map((c) => (c[u] === null || c[u] === undefined ? null : String(c[u]))));

	// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
	// Communication, University of Pennsylvania. § C "Nominal data, any number of observers, missing
	// data": observers A–D × 12 units, nominal α = 0.743.
	it('gives α = 0.743 on Krippendorff’s 2011 example (4 observers, 12 units, missing values)', () => {
		const result = krippendorffAlpha(
			byCoders([
				[1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
				[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
				[_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
				[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]
			])
		);
		expect(result.alpha).toBeCloseTo(0.743, 3);
		// Unit 12 has a single value: not pairable. n = 40 pairable values.
		expect(result.pairableUnits).toBe(11);
		expect(result.pairableValues).toBe(40);
		expect(result.categories).toEqual(['1', '2', '3', '4', '5']);
		// The coincidence matrix's row sums are the values' frequencies n_c (published: 9, 13, 10, 5, 3).
		expect(result.coincidences.map((row) => row.reduce((s, x) => s + x, 0))).toEqual([9, 13, 10, 5, 3].map((x) => expect.closeTo(x, 10)));
	});

	// Wikipedia, "Krippendorff's alpha", § A computational example: 3 coders × 15 units with missing
	// values, nominal α = 0.691.
	it('gives α = 0.691 on Wikipedia’s computational example', () => {
		const result = krippendorffAlpha(
			byCoders([
				[_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
				[1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
				[_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4]
			])
		);
		expect(result.alpha).toBeCloseTo(0.691, 3);
	});

	it('is 1 for perfect agreement, null without variation or without pairable values', () => {
		expect(krippendorffAlpha([['a', 'a'], ['b', 'b', null], ['a', 'a', 'a']]).alpha).toBe(1);
		expect(krippendorffAlpha([['a', 'a'], ['a', 'a']]).alpha).toBeNull();
		expect(krippendorffAlpha([['a', null], [null, 'b']]).alpha).toBeNull();
	});

	it('reaches the same value whatever the order of coders and units', () => {
		const units = [['yue', 'yue', 'cmn'], ['cmn', 'cmn', null], ['hak', 'yue', 'hak'], ['yue', null, 'yue']];
		const base = krippendorffAlpha(units).alpha!;
		expect(krippendorffAlpha([...units].reverse().map((u) => [...u].reverse())).alpha).toBeCloseTo(base, 12);
		expect(base).toBeLessThan(1);
	});
});

describe(agreementPerCategory.name, () => {
	it('equals the overall κ and α for each of two categories (the 50-proposal example)', () => {
		const [a, b] = fromTable(['Yes', 'No'], [[20, 5], [10, 15]]);
		const units = a.map((x, i) => [x, b[i]!]);
		const overallAlpha = krippendorffAlpha(units).alpha!;
		const per = agreementPerCategory(units);
		expect(per.map((c) => c.category)).toEqual(['No', 'Yes']);
		for (const c of per) {
			expect(c.kappa).toBeCloseTo(0.4, 12);
			expect(c.alpha).toBeCloseTo(overallAlpha, 12);
		}
		expect(per.find((c) => c.category === 'Yes')).toMatchObject({ units: 35, agreed: 20 });
	});

	it('reduces each category to "it or another": κ by hand on three tags', () => {
		// a: both a 1, a/other 1, other/a 1, other/other 2 → p_o = 0.6, p_e = 0.4² + 0.6² = 0.52, κ = 0.08 / 0.48.
		const units = [['a', 'a'], ['a', 'b'], ['b', 'b'], ['c', 'c'], ['c', 'a']];
		const [ca, cb, cc] = agreementPerCategory(units);
		expect(ca).toMatchObject({ category: 'a', units: 3, agreed: 1 });
		expect(ca!.kappa).toBeCloseTo(0.08 / 0.48, 12);
		expect(ca!.alpha).toBeCloseTo(krippendorffAlpha(units.map((u) => u.map((v) => (v === 'a' ? 'a' : 'x')))).alpha!, 12);
		expect(cb).toMatchObject({ category: 'b', units: 2, agreed: 1 });
		expect(cc).toMatchObject({ category: 'c', units: 2, agreed: 1 });
		// Missing values stay missing: a unit only one coder labelled counts for neither coefficient.
		expect(agreementPerCategory([['a', null], ['a', 'a'], ['b', 'b']])[0]).toMatchObject({ category: 'a', units: 2, agreed: 1, kappa: 1, alpha: 1 });
	});
});
