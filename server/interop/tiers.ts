import {
	DEFAULT_LAYER,
	InteropError,
	cleanText,
	type InteropSegment,
	type InteropWarning,
	type TextOrigin
} from './model.ts';

/**
 * Tier naming convention shared by the TextGrid and EAF readers and writers (ELAN-like):
 *
 *     <speaker>[#<lane>] - <layer>
 *
 * - `<speaker>` is the speaker code; `(none)` stands for segments without a speaker.
 * - `#<lane>` (2, 3, …) marks an overflow tier: a speaker's segments that overlap each other go to
 *   `SPK#2 - transcript` and so on, since one interval tier cannot hold overlaps. Never dropped.
 * - `<layer>` is a text layer key (`transcript`, `translation`…) or one of two reserved names:
 *   `dialect` (the segment's dialect tag) and `status` (its workflow state).
 *
 * All tiers of one speaker and lane describe the same segments, interval for interval. A tier name
 * that does not follow the convention (a foreign file's `Mary`, `words`) is read as one speaker's
 * transcript: the whole name is the speaker, the layer is `transcript`.
 */
export const TIER_SEPARATOR = ' - ';
export const NO_SPEAKER = '(none)';
export const DIALECT_LAYER = 'dialect';
export const STATUS_LAYER = 'status';
export const RESERVED_LAYERS: ReadonlySet<string> = new Set([DIALECT_LAYER, STATUS_LAYER]);

export interface TierName {
	speaker: string | null;
	/** 1 for the main tier, 2+ for overflow tiers. */
	lane: number;
	layer: string;
	/** false when the name did not follow the convention and the fallback was used. */
	conventional: boolean;
}

export function formatTierName(speaker: string | null, lane: number, layer: string): string {
	return `${speaker ?? NO_SPEAKER}${lane > 1 ? `#${lane}` : ''}${TIER_SEPARATOR}${layer}`;
}

export function parseTierName(name: string): TierName {
	const trimmed = name.trim();
	const at = trimmed.lastIndexOf(TIER_SEPARATOR);
	const layer = at > 0 ? trimmed.slice(at + TIER_SEPARATOR.length).trim() : '';
	if (at <= 0 || layer === '' || /\s/.test(layer)) {
		return { speaker: speakerOrNull(trimmed), lane: 1, layer: DEFAULT_LAYER, conventional: false };
	}
	let left = trimmed.slice(0, at).trim();
	let lane = 1;
	const laneMatch = /^(.*\S)#(\d{1,4})$/.exec(left);
	if (laneMatch && Number(laneMatch[2]) >= 2) {
		left = laneMatch[1];
		lane = Number(laneMatch[2]);
	}
	return { speaker: speakerOrNull(left), lane, layer, conventional: true };
}

function speakerOrNull(code: string): string | null {
	return code === '' || code === NO_SPEAKER ? null : code;
}

/**
 * Greedy lanes for one speaker's segments: each goes to the first lane whose last segment ends at
 * or before its start. Returns the lane (1-based) of each segment, in input order.
 */
export function assignLanes(segments: readonly Pick<InteropSegment, 'startMs' | 'endMs'>[]): number[] {
	const order = segments.map((_, i) => i).sort((a, b) => segments[a].startMs - segments[b].startMs || segments[a].endMs - segments[b].endMs);
	const laneEnds: number[] = [];
	const lanes = new Array<number>(segments.length);
	for (const i of order) {
		const s = segments[i];
		let lane = laneEnds.findIndex((end) => end <= s.startMs);
		if (lane === -1) {
			lane = laneEnds.length;
			laneEnds.push(s.endMs);
		} else laneEnds[lane] = s.endMs;
		lanes[i] = lane + 1;
	}
	return lanes;
}

export interface TierPlanLane {
	speaker: string | null;
	lane: number;
	/** The lane's segments, sorted and non-overlapping. */
	segments: InteropSegment[];
}

export interface TierPlanOptions {
	/** Text layer keys in the order their tiers are written. */
	layers: readonly string[];
	/** Speaker codes in the order their tiers are written; others follow in order of first segment. */
	speakers?: readonly string[];
	/** `error` refuses same-speaker overlaps instead of writing overflow tiers. */
	overlaps?: 'overflow' | 'error';
}

/** Groups segments into (speaker, lane) tier sets, the layout both tier-based writers use. */
export function planTiers(segments: readonly InteropSegment[], options: TierPlanOptions): TierPlanLane[] {
	for (const key of options.layers) {
		if (RESERVED_LAYERS.has(key)) {
			throw new InteropError('invalid_segment', `A text layer cannot be called "${key}": the name is reserved for the ${key} tier.`);
		}
	}
	const bySpeaker = new Map<string | null, InteropSegment[]>();
	for (const code of options.speakers ?? []) bySpeaker.set(code, []);
	const sorted = [...segments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
	for (const s of sorted) {
		let list = bySpeaker.get(s.speaker);
		if (!list) bySpeaker.set(s.speaker, (list = []));
		list.push(s);
	}
	const plan: TierPlanLane[] = [];
	for (const [speaker, list] of bySpeaker) {
		if (list.length === 0) continue;
		const lanes = assignLanes(list);
		const count = Math.max(...lanes);
		if (count > 1 && options.overlaps === 'error') {
			const i = lanes.findIndex((l) => l > 1);
			throw new InteropError(
				'same_speaker_overlap',
				`Speaker ${speaker ?? NO_SPEAKER} has overlapping segments (one at ${list[i].startMs}–${list[i].endMs} ms); one tier cannot hold them.`
			);
		}
		for (let lane = 1; lane <= count; lane++) {
			plan.push({ speaker, lane, segments: list.filter((_, i) => lanes[i] === lane) });
		}
	}
	return plan;
}

/** One interval read from a tier, before tiers are merged into segments. */
export interface TierInterval {
	startMs: number;
	endMs: number;
	text: string;
	/** "tier 'A - transcript' interval 3" or an element/line reference. */
	source: string;
	/** The file's id for the interval (an EAF ANNOTATION_ID), handed back through `onPlaced`. */
	id?: string;
}

export interface ReadTier {
	name: string;
	speaker: string | null;
	lane: number;
	layer: string;
	intervals: TierInterval[];
	/** Empty intervals of this tier are segments too (EAF annotations), not gaps (TextGrid). */
	keepEmpty?: boolean;
}

/**
 * Merges the interval tiers of a file into segments: all tiers of one speaker and lane describe
 * the same segments. An interval with the same start and end as one already seen (after rounding to
 * ms) joins that segment; a dialect/status/secondary-layer interval whose boundaries differ joins
 * the segment it overlaps most (at least half of it), with a warning; anything else is its own
 * segment. Empty intervals are gaps and are skipped.
 */
export function mergeTiers(
	tiers: readonly ReadTier[],
	origin: TextOrigin,
	warnings: InteropWarning[],
	onPlaced?: (interval: TierInterval, segment: InteropSegment) => void
): InteropSegment[] {
	const groups = new Map<string, ReadTier[]>();
	for (const tier of tiers) {
		const key = JSON.stringify([tier.speaker, tier.lane]);
		let list = groups.get(key);
		if (!list) groups.set(key, (list = []));
		list.push(tier);
	}
	const out: InteropSegment[] = [];
	for (const group of groups.values()) {
		const textTiers = group.filter((t) => !RESERVED_LAYERS.has(t.layer));
		const primary = textTiers.find((t) => t.layer === 'transcript') ?? textTiers[0] ?? group[0];
		const ordered = [primary, ...group.filter((t) => t !== primary)];
		const byKey = new Map<string, InteropSegment>();
		const sorted: InteropSegment[] = [];
		for (const tier of ordered) {
			let approximate = 0;
			const isPrimary = tier === primary;
			for (const interval of tier.intervals) {
				const text = cleanText(tier.layer === DIALECT_LAYER || tier.layer === STATUS_LAYER ? interval.text.trim() : interval.text);
				if (text.trim() === '' && !(isPrimary && tier.keepEmpty)) continue;
				const key = `${interval.startMs}:${interval.endMs}`;
				let segment = byKey.get(key);
				if (segment && hasValue(segment, tier.layer)) segment = undefined;
				if (!segment && !isPrimary) {
					segment = bestOverlap(sorted, interval, tier.layer);
					if (segment) approximate++;
				}
				if (!segment) {
					segment = {
						startMs: interval.startMs,
						endMs: interval.endMs,
						speaker: primary.speaker,
						dialect: null,
						texts: {},
						status: null,
						origin,
						source: interval.source
					};
					if (!byKey.has(key)) byKey.set(key, segment);
					insertSorted(sorted, segment);
				}
				if (text.trim() !== '') setValue(segment, tier.layer, text);
				onPlaced?.(interval, segment);
			}
			if (approximate > 0) {
				warnings.push({
					code: 'boundaries_differ',
					message: `${approximate} interval(s) of tier "${tier.name}" do not line up with tier "${primary.name}" and were joined to the segment they overlap most.`,
					element: tier.name
				});
			}
		}
		out.push(...sorted);
	}
	return out;
}

function hasValue(segment: InteropSegment, layer: string): boolean {
	if (layer === DIALECT_LAYER) return segment.dialect !== null;
	if (layer === STATUS_LAYER) return segment.status !== null;
	return layer in segment.texts;
}

function setValue(segment: InteropSegment, layer: string, text: string): void {
	if (layer === DIALECT_LAYER) segment.dialect = text;
	else if (layer === STATUS_LAYER) segment.status = text;
	else segment.texts[layer] = text;
}

function insertSorted(list: InteropSegment[], segment: InteropSegment): void {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (list[mid].startMs <= segment.startMs) lo = mid + 1;
		else hi = mid;
	}
	list.splice(lo, 0, segment);
}

function bestOverlap(sorted: InteropSegment[], interval: TierInterval, layer: string): InteropSegment | undefined {
	const length = interval.endMs - interval.startMs;
	let best: InteropSegment | undefined;
	let bestOverlapMs = 0;
	// Segments are sorted by start; only those starting before the interval ends can overlap.
	let hi = sorted.length;
	let lo = 0;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid].startMs < interval.endMs) lo = mid + 1;
		else hi = mid;
	}
	for (let i = lo - 1; i >= 0; i--) {
		const s = sorted[i];
		const overlap = Math.min(s.endMs, interval.endMs) - Math.max(s.startMs, interval.startMs);
		if (overlap > bestOverlapMs && !hasValue(s, layer)) {
			best = s;
			bestOverlapMs = overlap;
		}
		// Segments of one lane do not overlap each other, so a few steps back is enough.
		if (s.endMs <= interval.startMs && lo - 1 - i > 8) break;
	}
	return best && bestOverlapMs * 2 >= length ? best : undefined;
}
