/**
 * Agreement on categorical labels (dialect tags, speakers): a confusion matrix, Cohen's kappa for
 * two annotators and Krippendorff's alpha (nominal) for any number, missing values allowed.
 * `null` is a missing value everywhere: Cohen's kappa leaves out the items either side lacks;
 * Krippendorff's alpha uses every unit with at least two values, as it is defined to.
 * A coefficient that is undefined (no items, or no variation at all) is `null`, never NaN.
 */

export type Label = string;

export interface ConfusionMatrix {
	/** Row and column order. */
	categories: Label[];
	/** counts[i][j]: items the first annotator labelled categories[i] and the second categories[j]. */
	counts: number[][];
	/** Items counted (both labels present). */
	n: number;
	/** Items left out because a label was missing. */
	excluded: number;
}

function sortedCategories(values: Iterable<Label | null>): Label[] {
	const set = new Set<Label>();
	for (const v of values) if (v !== null) set.add(v);
	return [...set].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Cross-tabulates two annotators' labels of the same items (`a[i]` and `b[i]` label item i).
 * Categories are `categories` when given (labels outside it are an error), else every label seen,
 * sorted by code point.
 */
export function confusionMatrix(a: readonly (Label | null)[], b: readonly (Label | null)[], categories?: readonly Label[]): ConfusionMatrix {
	if (a.length !== b.length) throw new RangeError(`The two label lists differ in length (${a.length} and ${b.length})`);
	const cats = categories ? [...categories] : sortedCategories([...a, ...b]);
	const index = new Map(cats.map((c, i) => [c, i]));
	const counts = cats.map(() => cats.map(() => 0));
	let n = 0;
	let excluded = 0;
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (x === null || y === null) {
			excluded++;
			continue;
		}
		const xi = index.get(x);
		const yi = index.get(y);
		if (xi === undefined || yi === undefined) throw new RangeError(`Label ${JSON.stringify(xi === undefined ? x : y)} is not one of the categories`);
		counts[xi][yi]++;
		n++;
	}
	return { categories: cats, counts, n, excluded };
}

export interface KappaResult {
	/** null when undefined: no items, or chance agreement is already 1 (both always say the same one label). */
	kappa: number | null;
	/** p_o: share of items on which the two agree. */
	observedAgreement: number | null;
	/** p_e: agreement expected by chance from each annotator's own label frequencies. */
	expectedAgreement: number | null;
	matrix: ConfusionMatrix;
}

/** Cohen's kappa of a square table of counts (rows: first annotator, columns: second). */
export function cohenKappaFromMatrix(matrix: ConfusionMatrix): KappaResult {
	const { counts, n } = matrix;
	if (n === 0) return { kappa: null, observedAgreement: null, expectedAgreement: null, matrix };
	let agree = 0;
	let chance = 0;
	for (let i = 0; i < counts.length; i++) {
		agree += counts[i][i];
		let row = 0;
		let col = 0;
		for (let j = 0; j < counts.length; j++) {
			row += counts[i][j];
			col += counts[j][i];
		}
		chance += (row / n) * (col / n);
	}
	const po = agree / n;
	const pe = chance;
	return { kappa: pe >= 1 ? null : (po - pe) / (1 - pe), observedAgreement: po, expectedAgreement: pe, matrix };
}

/**
 * Cohen's kappa of two annotators' labels of the same items; items missing either label are left
 * out (the matrix says how many).
 *
 * @example
 * cohenKappa(['yue', 'yue', 'cmn', 'wuu'], ['yue', 'cmn', 'cmn', null]).kappa // 3 items compared
 */
export function cohenKappa(a: readonly (Label | null)[], b: readonly (Label | null)[], categories?: readonly Label[]): KappaResult {
	return cohenKappaFromMatrix(confusionMatrix(a, b, categories));
}

/** Builds a ConfusionMatrix from a published table of counts. */
export function matrixFromCounts(categories: readonly Label[], counts: number[][]): ConfusionMatrix {
	if (counts.length !== categories.length || counts.some((row) => row.length !== categories.length)) {
		throw new RangeError('The table must be square, one row and one column per category');
	}
	const n = counts.reduce((sum, row) => sum + row.reduce((s, c) => s + c, 0), 0);
	return { categories: [...categories], counts: counts.map((row) => [...row]), n, excluded: 0 };
}

export interface AlphaResult {
	/** null when undefined: fewer than two pairable values, or every pairable value the same. */
	alpha: number | null;
	/** Units with at least two values (the others carry no information on agreement). */
	pairableUnits: number;
	/** n: the number of pairable values. */
	pairableValues: number;
	categories: Label[];
	/** Krippendorff's coincidence matrix o_ck (rows and columns in `categories` order). */
	coincidences: number[][];
	/** Observed and expected disagreement (nominal: shares of mismatching pairs). */
	observedDisagreement: number | null;
	expectedDisagreement: number | null;
}

/**
 * Krippendorff's alpha for nominal data. `units[u][c]` is coder c's label of unit u, null when
 * coder c gave none (units may differ in length: a missing tail is missing data).
 *
 * Computed through the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"): o_ck = Σ_u (pairs of values c,k in u) / (m_u − 1),
 * α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k.
 */
export function krippendorffAlpha(units: readonly (readonly (Label | null | undefined)[])[]): AlphaResult {
	const cats = sortedCategories(units.flatMap((u) => u.filter((v): v is Label => v !== null && v !== undefined)));
	const index = new Map(cats.map((c, i) => [c, i]));
	const k = cats.length;
	const o = cats.map(() => new Array<number>(k).fill(0));
	let pairableUnits = 0;
	const perUnit = new Array<number>(k);
	for (const unit of units) {
		perUnit.fill(0);
		let m = 0;
		for (const v of unit) {
			if (v === null || v === undefined) continue;
			perUnit[index.get(v)!]++;
			m++;
		}
		if (m < 2) continue;
		pairableUnits++;
		for (let c = 0; c < k; c++) {
			if (perUnit[c] === 0) continue;
			for (let d = 0; d < k; d++) {
				if (perUnit[d] === 0) continue;
				o[c][d] += (perUnit[c] * (c === d ? perUnit[c] - 1 : perUnit[d])) / (m - 1);
			}
		}
	}
	const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
	const n = nc.reduce((s, x) => s + x, 0);
	let observed = 0;
	let expected = 0;
	for (let c = 0; c < k; c++) {
		for (let d = 0; d < k; d++) {
			if (c === d) continue;
			observed += o[c][d];
			expected += nc[c] * nc[d];
		}
	}
	const pairableValues = Math.round(n);
	const result = { pairableUnits, pairableValues, categories: cats, coincidences: o };
	if (n < 2) return { alpha: null, observedDisagreement: null, expectedDisagreement: null, ...result };
	const dO = observed / n;
	const dE = expected / (n * (n - 1));
	return { alpha: dE === 0 ? null : 1 - dO / dE, observedDisagreement: dO, expectedDisagreement: dE, ...result };
}

export interface CategoryAgreement {
	category: Label;
	/** Cohen's kappa of the first two coders on "this category or another". */
	kappa: number | null;
	/** Krippendorff's alpha of all coders on "this category or another". */
	alpha: number | null;
	/** Units in which at least one coder chose this category. */
	units: number;
	/** Of those, the units in which every coder who labelled it chose it. */
	agreed: number;
}

/** The "any other category" value of a one-versus-rest reduction (no label is a control character). */
const OTHER = '\u0000other';

/**
 * Agreement on each category on its own (one versus the rest): every label becomes "this category"
 * or "another", and Cohen's kappa (the first two coders; items either lacks are left out) and
 * Krippendorff's alpha (all coders, missing data allowed) are computed on that, the per-category
 * reliability of Krippendorff (2011) §3. `units` as for krippendorffAlpha; categories in code-point order.
 */
export function agreementPerCategory(units: readonly (readonly (Label | null | undefined)[])[]): CategoryAgreement[] {
	const cats = sortedCategories(units.flatMap((u) => u.filter((v): v is Label => v !== null && v !== undefined)));
	return cats.map((category) => {
		const binary = units.map((u) => u.map((v) => (v === null || v === undefined ? null : v === category ? category : OTHER)));
		let seen = 0;
		let agreed = 0;
		for (const u of binary) {
			const given = u.filter((v) => v !== null);
			if (!given.includes(category)) continue;
			seen++;
			if (given.length > 1 && given.every((v) => v === category)) agreed++;
		}
		const first = binary.map((u) => u[0] ?? null);
		const second = binary.map((u) => u[1] ?? null);
		return {
			category,
			kappa: cohenKappa(first, second).kappa,
			alpha: krippendorffAlpha(binary).alpha,
			units: seen,
			agreed
		};
	});
}
