/**
 * QA sampling: a seeded, stratified random sample of a batch's segments, and the batch decision
 * from the sample's error rate. Pure, so the decision can be recomputed anywhere.
 *
 * The generator is written out here (cyrb128 seed hashing + sfc32) rather than taken from a
 * library on purpose: a stored seed must draw the same sample for as long as the batch exists,
 * and a dependency upgrade that changed its sequence would silently change old samples.
 */
import { scoreTexts, scoringTokens, sumCounts, type ErrorCounts, type ScoreOptions } from '../metrics/score.ts';
import type { EditCounts } from '../metrics/align.ts';

export interface SampleCandidate {
	segmentId: string;
	recordingId: string;
	/** What the sample is stratified by, e.g. `<transcriber>|<dialect tag>`. */
	stratum: string;
}

export interface SampledItem extends SampleCandidate {
	/** Review order within the sample (0-based). */
	position: number;
}

export interface StratumSummary {
	stratum: string;
	population: number;
	sampled: number;
}

/** cyrb128: four 32-bit words from a string seed. */
function hashSeed(seed: string): [number, number, number, number] {
	let h1 = 1779033703;
	let h2 = 3144134277;
	let h3 = 1013904242;
	let h4 = 2773480762;
	for (let i = 0; i < seed.length; i++) {
		const k = seed.charCodeAt(i);
		h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/** sfc32: a uniform float in [0, 1) per call, from a string seed. */
export function seededRandom(seed: string): () => number {
	let [a, b, c, d] = hashSeed(seed);
	return () => {
		a >>>= 0;
		b >>>= 0;
		c >>>= 0;
		d >>>= 0;
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		return (t >>> 0) / 4294967296;
	};
}

function shuffle<T>(items: T[], random: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `percent` of every stratum (rounded up, so no stratum with work goes unchecked), drawn with a
 * generator seeded by `seed` and the stratum: the same seed over the same segments gives the same
 * sample, whatever order the segments were listed in. Positions interleave the strata (a seeded
 * shuffle of the whole sample), so a reviewer working from the top meets every stratum early.
 *
 * @example
 * drawSample(candidates, { percent: 10, seed: 'batch-42' }).items.length
 */
export function drawSample(
	candidates: readonly SampleCandidate[],
	options: { percent: number; seed: string }
): { items: SampledItem[]; strata: StratumSummary[] } {
	if (!(options.percent > 0 && options.percent <= 100)) throw new RangeError('percent must be in (0, 100]');
	const groups = new Map<string, SampleCandidate[]>();
	for (const c of candidates) {
		const list = groups.get(c.stratum);
		if (list) list.push(c);
		else groups.set(c.stratum, [c]);
	}
	const strata: StratumSummary[] = [];
	const chosen: SampleCandidate[] = [];
	for (const stratum of [...groups.keys()].sort(byCodePoint)) {
		const members = groups.get(stratum)!.slice().sort((a, b) => byCodePoint(a.segmentId, b.segmentId));
		// Rounded before the ceiling: 10 % of 30 is 3, not 4 from 3.0000000000000004.
		const take = Math.min(members.length, Math.ceil(Math.round(((members.length * options.percent) / 100) * 1e9) / 1e9));
		chosen.push(...shuffle(members, seededRandom(`${options.seed}\u0000${stratum}`)).slice(0, take));
		strata.push({ stratum, population: members.length, sampled: take });
	}
	const ordered = shuffle(
		chosen.sort((a, b) => byCodePoint(a.segmentId, b.segmentId)),
		seededRandom(`${options.seed}\u0000order`)
	);
	return { items: ordered.map((c, position) => ({ ...c, position })), strata };
}

export interface SampleScoreInput {
	/** The transcriber's text. */
	original: string;
	/** The accepted text (after review). */
	accepted: string;
	/** A rejected segment counts as wrong throughout: as many errors as the original has tokens. */
	rejected: boolean;
}

/**
 * The sample's error rate: CER (or the unit asked for) of the transcribers' texts against the
 * accepted texts, summed over the sample as sclite sums (ΣS+ΣD+ΣI over ΣN).
 */
export function sampleErrorRate(items: readonly SampleScoreInput[], options: ScoreOptions = {}): ErrorCounts {
	const counts: EditCounts[] = items.map((item) => {
		if (!item.rejected) return scoreTexts(item.accepted, item.original, options);
		const n = Math.max(1, scoringTokens(item.original, options).length);
		return { correct: 0, substitutions: n, deletions: 0, insertions: 0, refLength: n };
	});
	return sumCounts(counts);
}

/** Accepted when the sample's error rate is at most the threshold (an empty reference counts as 0). */
export function batchDecision(errorRate: number | null, threshold: number): 'accepted' | 'returned' {
	return (errorRate ?? 0) <= threshold ? 'accepted' : 'returned';
}
