/**
 * Pairs the segments that two (or N) annotators made of one recording, so that their labels can be
 * compared unit by unit (agreement.ts).
 *
 * Two annotators: every pair of segments that overlap in time is a candidate when its overlap ratio
 * (intersection ÷ union by default, or ÷ the shorter segment) reaches `minOverlapRatio`; candidates
 * are taken greedily by overlap length (longest first; ties by ratio, then earlier segments), each
 * segment at most once. Unmatched segments are reported, not forced onto a neighbour.
 *
 * N annotators (buildAgreementUnits): units start as the first annotator's segments; each further
 * annotator's segments are matched (as above) against the segment that opened each unit, and a
 * segment that matches none opens a unit of its own. So the first annotator's segmentation anchors
 * the units, and a unit never chains across drifting boundaries.
 *
 * Where an annotator has no segment for a unit the value is missing (null) — agreement on labels is
 * then measured where both annotated, and segmentation disagreement is left to boundary metrics.
 * With `unmatchedLabel` (e.g. 'none') it becomes that category instead, so that "one annotator
 * heard speech there and the other did not" counts as a disagreement. A segment that is matched but
 * has no label (label null) always stays missing.
 */

export interface TimedLabel {
	startMs: number;
	endMs: number;
	/** The category compared (a dialect tag, a speaker id); null when the annotator gave none. */
	label: string | null;
}

export interface SegmentMatchOptions {
	/** Smallest overlap ratio for two segments to be the same unit. Default 0.5. */
	minOverlapRatio?: number;
	/** 'union' (intersection over union, the default) or 'shorter' (intersection over the shorter one). */
	ratioOf?: 'union' | 'shorter';
}

export interface SegmentPair {
	/** Index into the first list. */
	a: number;
	/** Index into the second list. */
	b: number;
	overlapMs: number;
	ratio: number;
}

export interface SegmentMatching {
	/** In order of the first list's segments. */
	pairs: SegmentPair[];
	unmatchedA: number[];
	unmatchedB: number[];
}

type Span = Pick<TimedLabel, 'startMs' | 'endMs'>;

/** One-to-one matching of two annotators' segments by maximal temporal overlap. */
export function matchSegments(a: readonly Span[], b: readonly Span[], options: SegmentMatchOptions = {}): SegmentMatching {
	const minRatio = options.minOverlapRatio ?? 0.5;
	const byUnion = (options.ratioOf ?? 'union') === 'union';
	const order = b.map((_, i) => i).sort((x, y) => b[x].startMs - b[y].startMs || x - y);
	const starts = order.map((i) => b[i].startMs);
	const maxDuration = b.reduce((max, s) => Math.max(max, s.endMs - s.startMs), 0);
	const candidates: SegmentPair[] = [];
	for (let ai = 0; ai < a.length; ai++) {
		const sa = a[ai];
		if (!(sa.endMs > sa.startMs)) continue;
		// b segments starting before sa ends and late enough that they could still reach sa.
		for (let k = lowerBound(starts, sa.startMs - maxDuration); k < order.length && starts[k] < sa.endMs; k++) {
			const bi = order[k];
			const sb = b[bi];
			const overlap = Math.min(sa.endMs, sb.endMs) - Math.max(sa.startMs, sb.startMs);
			if (overlap <= 0) continue;
			const lenA = sa.endMs - sa.startMs;
			const lenB = sb.endMs - sb.startMs;
			const ratio = byUnion ? overlap / (lenA + lenB - overlap) : overlap / Math.min(lenA, lenB);
			if (ratio >= minRatio) candidates.push({ a: ai, b: bi, overlapMs: overlap, ratio });
		}
	}
	candidates.sort((x, y) => y.overlapMs - x.overlapMs || y.ratio - x.ratio || x.a - y.a || x.b - y.b);
	const usedA = new Uint8Array(a.length);
	const usedB = new Uint8Array(b.length);
	const pairs: SegmentPair[] = [];
	for (const c of candidates) {
		if (usedA[c.a] || usedB[c.b]) continue;
		usedA[c.a] = usedB[c.b] = 1;
		pairs.push(c);
	}
	pairs.sort((x, y) => x.a - y.a);
	return {
		pairs,
		unmatchedA: a.map((_, i) => i).filter((i) => !usedA[i]),
		unmatchedB: b.map((_, i) => i).filter((i) => !usedB[i])
	};
}

function lowerBound(sorted: number[], value: number): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (sorted[mid] < value) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export interface AgreementUnit {
	/** The span of the segment that opened the unit. */
	startMs: number;
	endMs: number;
	/** values[k]: annotator k's label (null: missing). */
	values: (string | null)[];
	/** segments[k]: index of annotator k's segment in the unit, null when it has none. */
	segments: (number | null)[];
}

export interface AgreementUnitOptions extends SegmentMatchOptions {
	/** The category given to an annotator who has no segment in a unit; default: missing (null). */
	unmatchedLabel?: string;
}

/**
 * Units of agreement across N annotators of one recording: feed `units.map((u) => u.values)` to
 * krippendorffAlpha, or two columns of it to cohenKappa. Units are in time order.
 */
export function buildAgreementUnits(annotators: readonly (readonly TimedLabel[])[], options: AgreementUnitOptions = {}): AgreementUnit[] {
	const count = annotators.length;
	const units: AgreementUnit[] = [];
	const open = (k: number, index: number) => {
		const s = annotators[k][index];
		const unit: AgreementUnit = {
			startMs: s.startMs,
			endMs: s.endMs,
			values: new Array<string | null>(count).fill(null),
			segments: new Array<number | null>(count).fill(null)
		};
		unit.values[k] = s.label;
		unit.segments[k] = index;
		units.push(unit);
	};
	if (count > 0) annotators[0].forEach((_, i) => open(0, i));
	for (let k = 1; k < count; k++) {
		const anchors = units.slice();
		const matching = matchSegments(anchors, annotators[k], options);
		for (const pair of matching.pairs) {
			anchors[pair.a].values[k] = annotators[k][pair.b].label;
			anchors[pair.a].segments[k] = pair.b;
		}
		for (const index of matching.unmatchedB) open(k, index);
	}
	if (options.unmatchedLabel !== undefined) {
		for (const unit of units) {
			for (let k = 0; k < count; k++) if (unit.segments[k] === null) unit.values[k] = options.unmatchedLabel;
		}
	}
	return units.sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
}
