import { SPLITS, type Split } from './corpus.ts';

/**
 * Speaker-disjoint train/dev/test assignment. Pure and seeded: the same segments, ratios and seed
 * give the same assignment whatever the input order.
 *
 * Each speaker goes to exactly one split. Speakers are grouped by their majority dialect tag (by
 * duration) and each group is dealt out on its own, so every dialect is spread over the splits where
 * it has enough speakers ("stratified where possible"). Within a group, speakers are taken largest
 * first (ties in seeded random order) and each goes to the split that is furthest below its target,
 * measured as the missing fraction of the target within the group plus the same for the whole
 * corpus, so groups of one or two speakers still even out globally.
 */

export interface SplitInput {
	/** The speaker key (segments without a speaker need their own key, e.g. `unk:<recording>`). */
	speaker: string;
	dialect: string | null;
	durationMs: number;
}

export type SplitRatios = Record<Split, number>;

export const DEFAULT_SPLIT_RATIOS: SplitRatios = { train: 0.8, dev: 0.1, test: 0.1 };

export interface SplitAssignment {
	/** speaker → split. */
	bySpeaker: Map<string, Split>;
	/** Totals per split (segments, speakers, ms) and per dialect within each split (ms). */
	summary: Record<Split, { segments: number; speakers: number; durationMs: number; byDialect: Record<string, number> }>;
}

/** mulberry32: a tiny, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number | string): () => number {
	let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a over UTF-16 code units. */
export function hashString(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

export function assignSplits(
	segments: Iterable<SplitInput>,
	options: { ratios?: Partial<SplitRatios>; seed: number | string }
): SplitAssignment {
	const ratios = normaliseRatios({ ...DEFAULT_SPLIT_RATIOS, ...options.ratios });
	const active = SPLITS.filter((s) => ratios[s] > 0);

	// Per speaker: total duration, segment count, duration per dialect.
	const speakers = new Map<string, { durationMs: number; segments: number; dialects: Map<string, number> }>();
	for (const s of segments) {
		if (!Number.isFinite(s.durationMs) || s.durationMs < 0) throw new RangeError(`bad duration ${s.durationMs} for speaker ${s.speaker}`);
		let info = speakers.get(s.speaker);
		if (!info) speakers.set(s.speaker, (info = { durationMs: 0, segments: 0, dialects: new Map() }));
		info.durationMs += s.durationMs;
		info.segments++;
		const tag = s.dialect ?? '';
		info.dialects.set(tag, (info.dialects.get(tag) ?? 0) + s.durationMs);
	}

	// Strata: the speaker's majority tag (ties: the smaller code, so the result is order-free).
	const strata = new Map<string, string[]>();
	for (const [speaker, info] of speakers) {
		let best = '';
		let bestMs = -1;
		for (const [tag, ms] of [...info.dialects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
			if (ms > bestMs) {
				best = tag;
				bestMs = ms;
			}
		}
		let list = strata.get(best);
		if (!list) strata.set(best, (list = []));
		list.push(speaker);
	}

	const random = seededRandom(options.seed);
	// Durations weigh speakers; when every duration is 0, each speaker weighs 1.
	const allMs = [...speakers.values()].reduce((sum, s) => sum + s.durationMs, 0);
	const weight = (speaker: string) => (allMs > 0 ? speakers.get(speaker)!.durationMs : 1);
	const total = allMs > 0 ? allMs : speakers.size;
	const globalAssigned: Record<Split, number> = { train: 0, dev: 0, test: 0 };
	const bySpeaker = new Map<string, Split>();
	const missing = (target: number, assigned: number) => (target - assigned) / target;

	// Larger strata first; within each, heaviest speakers first in seeded random tie order.
	const ordered = [...strata].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0));
	for (const [, members] of ordered) {
		const keyed = members
			.sort()
			.map((speaker) => ({ speaker, weight: weight(speaker), tie: random() }))
			.sort((a, b) => b.weight - a.weight || a.tie - b.tie);
		const stratumTotal = keyed.reduce((sum, s) => sum + s.weight, 0) || keyed.length;
		const assigned: Record<Split, number> = { train: 0, dev: 0, test: 0 };
		for (const { speaker, weight: w } of keyed) {
			let best: Split = active[0];
			let bestScore = -Infinity;
			for (const split of active) {
				const score = missing(ratios[split] * stratumTotal, assigned[split]) + missing(ratios[split] * total, globalAssigned[split]);
				if (score > bestScore + 1e-12) {
					best = split;
					bestScore = score;
				}
			}
			bySpeaker.set(speaker, best);
			assigned[best] += w;
			globalAssigned[best] += w;
		}
	}

	const summary = Object.fromEntries(SPLITS.map((s) => [s, { segments: 0, speakers: 0, durationMs: 0, byDialect: {} as Record<string, number> }])) as SplitAssignment['summary'];
	for (const [speaker, info] of speakers) {
		const split = summary[bySpeaker.get(speaker)!];
		split.speakers++;
		split.segments += info.segments;
		split.durationMs += info.durationMs;
		for (const [tag, ms] of info.dialects) split.byDialect[tag || '(none)'] = (split.byDialect[tag || '(none)'] ?? 0) + ms;
	}
	return { bySpeaker, summary };
}

function normaliseRatios(ratios: SplitRatios): SplitRatios {
	for (const split of SPLITS) {
		if (!Number.isFinite(ratios[split]) || ratios[split] < 0) throw new RangeError(`the ${split} ratio must be a number ≥ 0`);
	}
	const sum = ratios.train + ratios.dev + ratios.test;
	if (sum <= 0) throw new RangeError('at least one split needs a ratio above 0');
	return { train: ratios.train / sum, dev: ratios.dev / sum, test: ratios.test / sum };
}
