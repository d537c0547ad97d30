import type { SilenceEvent } from './silence-args.ts';

/** A half-open span [startMs, endMs) of the recording, in integer milliseconds. */
export interface Interval {
	startMs: number;
	endMs: number;
}

/**
 * Mean-square power of the analysed audio per frame of `frameMs`: frame i covers
 * [offsetMs + i·frameMs, offsetMs + (i+1)·frameMs). Frames outside it count as unknown.
 */
export interface Envelope {
	frameMs: number;
	offsetMs?: number;
	power: ArrayLike<number>;
}

export interface ProposeOptions {
	durationMs: number;
	/** Speech shorter than this is merged into a close neighbour or dropped (see mergeOrDropShort). */
	minSegmentMs: number;
	/** Silence added on each side of a segment, never past a neighbour or the recording's ends. */
	padMs: number;
	/** Longer segments are split (see splitLong). */
	maxSegmentMs: number;
	/** A short bit of speech joins a neighbour at most this far away; farther, it is dropped as noise. */
	mergeGapMs?: number;
	/** When given, long segments split at their quietest point; otherwise evenly. */
	envelope?: Envelope | null;
}

/**
 * A syllable or filler ("嗯") separated from an utterance by a pause of up to a second is part of
 * it; an isolated click or cough farther from any speech is noise.
 */
export const DEFAULT_MERGE_GAP_MS = 1000;

/** A silence that the analysis says ends this close to the end still counts as running to the end. */
const TAIL_TOLERANCE_MS = 50;

/**
 * Turns silencedetect's detected silences into proposed segments:
 * silences → speech (their complement) → short speech merged or dropped → padded → long ones split.
 *
 * @example
 * proposeSegments([{ startMs: 0, endMs: 1000 }, { startMs: 3000, endMs: 5000 }],
 * 	{ durationMs: 5000, minSegmentMs: 300, padMs: 100, maxSegmentMs: 15000 });
 * // [{ startMs: 900, endMs: 3100 }]
 */
export function proposeSegments(silences: Interval[], options: ProposeOptions): Interval[] {
	return splitLong(speechSpans(silences, options), {
		maxSegmentMs: options.maxSegmentMs,
		minSegmentMs: options.minSegmentMs,
		envelope: options.envelope ?? null
	});
}

/** proposeSegments before splitting: the padded speech, possibly longer than maxSegmentMs. */
export function speechSpans(silences: Interval[], options: Omit<ProposeOptions, 'maxSegmentMs' | 'envelope'>): Interval[] {
	const { durationMs, minSegmentMs, padMs } = options;
	const speech = speechFromSilences(silences, durationMs);
	const kept = mergeOrDropShort(speech, minSegmentMs, options.mergeGapMs ?? DEFAULT_MERGE_GAP_MS);
	return padIntervals(kept, padMs, durationMs);
}

/**
 * Pairs silencedetect's start/end events into silences. A start without an end (older ffmpeg does
 * not report a silence still running at the end of the input) runs to `durationMs`.
 */
export function pairSilenceEvents(events: SilenceEvent[], durationMs: number): Interval[] {
	const silences: Interval[] = [];
	let openStart: number | null = null;
	for (const event of events) {
		if (event.kind === 'start') {
			openStart ??= event.ms;
		} else {
			silences.push({ startMs: openStart ?? 0, endMs: event.ms });
			openStart = null;
		}
	}
	if (openStart !== null) silences.push({ startMs: openStart, endMs: durationMs });
	return silences;
}

/**
 * The complement of the silences within [0, durationMs]: silences are clamped, sorted and merged
 * first, and one that stops within a few ms of the end (decoders disagree by a frame about where an
 * input ends) is taken to reach it.
 */
export function speechFromSilences(silences: Interval[], durationMs: number): Interval[] {
	const clamped = silences
		.map((s) => ({ startMs: clamp(Math.round(s.startMs), 0, durationMs), endMs: clamp(Math.round(s.endMs), 0, durationMs) }))
		.map((s) => (durationMs - s.endMs <= TAIL_TOLERANCE_MS ? { ...s, endMs: durationMs } : s))
		.filter((s) => s.endMs > s.startMs)
		.sort((a, b) => a.startMs - b.startMs);
	const speech: Interval[] = [];
	let cursor = 0;
	for (const silence of clamped) {
		if (silence.startMs > cursor) speech.push({ startMs: cursor, endMs: silence.startMs });
		cursor = Math.max(cursor, silence.endMs);
	}
	if (cursor < durationMs) speech.push({ startMs: cursor, endMs: durationMs });
	return speech;
}

/**
 * Speech shorter than `minSegmentMs` joins the nearer neighbour when that one is at most
 * `mergeGapMs` away (the earlier one on a tie), and is dropped otherwise. Joining the next
 * neighbour makes it longer before its own check, so a run of short bits can add up to a segment.
 * Input sorted and disjoint; output too. Linear time.
 */
export function mergeOrDropShort(speech: Interval[], minSegmentMs: number, mergeGapMs: number): Interval[] {
	const items = speech.map((s) => ({ ...s }));
	const out: Interval[] = [];
	for (let i = 0; i < items.length; i++) {
		const current = items[i];
		if (current.endMs - current.startMs >= minSegmentMs) {
			out.push(current);
			continue;
		}
		const previous = out.at(-1);
		const next = items[i + 1];
		const gapBefore = previous ? current.startMs - previous.endMs : Infinity;
		const gapAfter = next ? next.startMs - current.endMs : Infinity;
		if (previous && gapBefore <= mergeGapMs && gapBefore <= gapAfter) previous.endMs = current.endMs;
		else if (next && gapAfter <= mergeGapMs) next.startMs = current.startMs;
	}
	return out;
}

/**
 * Widens each interval by `padMs` on both sides, clamped to [0, durationMs]. Where the pause
 * between two neighbours is shorter than two pads, they meet at its middle instead of overlapping.
 * Input sorted and disjoint; output too.
 */
export function padIntervals(intervals: Interval[], padMs: number, durationMs: number): Interval[] {
	return intervals.map((current, i) => {
		const previous = intervals[i - 1];
		const next = intervals[i + 1];
		const startMs = previous
			? Math.max(current.startMs - padMs, previous.endMs + Math.floor((current.startMs - previous.endMs) / 2))
			: Math.max(0, current.startMs - padMs);
		const endMs = next
			? Math.min(current.endMs + padMs, current.endMs + Math.floor((next.startMs - current.endMs) / 2))
			: Math.min(durationMs, current.endMs + padMs);
		return { startMs, endMs };
	});
}

/**
 * Splits every interval longer than `maxSegmentMs` into the fewest pieces (⌈length/max⌉) that are
 * each at most `maxSegmentMs` and, where the length allows, at least `minSegmentMs` long.
 *
 * Where to cut: with an energy envelope, at the quietest point (lowest power smoothed over ~50 ms)
 * among the cuts that keep those bounds: a breath or a short pause that did not reach the silence
 * threshold or minimum silence length, so no word is cut in half. Without one, evenly. Cuts are
 * made left to right; pieces abut (no padding is added at a cut).
 */
export function splitLong(
	intervals: Interval[],
	options: { maxSegmentMs: number; minSegmentMs: number; envelope: Envelope | null }
): Interval[] {
	const { maxSegmentMs: max, minSegmentMs: min, envelope } = options;
	const out: Interval[] = [];
	for (const interval of intervals) {
		let startMs = interval.startMs;
		const endMs = interval.endMs;
		while (endMs - startMs > max) {
			const length = endMs - startMs;
			const pieces = Math.ceil(length / max);
			// The cut keeps this piece ≤ max and leaves a rest that pieces−1 pieces of ≤ max can cover.
			let lo = Math.max(startMs + min, endMs - (pieces - 1) * max);
			let hi = Math.min(startMs + max, endMs - min);
			if (lo > hi) {
				lo = Math.max(startMs + 1, endMs - (pieces - 1) * max);
				hi = Math.min(startMs + max, endMs - 1);
			}
			const even = clamp(startMs + Math.round(length / pieces), lo, hi);
			const cut = envelope ? quietestPoint(envelope, lo, hi, even) : even;
			out.push({ startMs, endMs: cut });
			startMs = cut;
		}
		out.push({ startMs, endMs });
	}
	return out;
}

/**
 * Triangular weights over a candidate's frame and two on each side (≈ 50 ms at 10 ms frames): a
 * lone glitch frame does not make a cut point, and the centre decides between equally quiet spans.
 */
const SMOOTH_WEIGHTS = [1, 2, 3, 2, 1];
const SMOOTH_REACH = (SMOOTH_WEIGHTS.length - 1) / 2;

/**
 * The point in [lo, hi] (integer ms, a frame centre) with the lowest smoothed power; ties go to
 * the point nearest `preferred`. Falls back to `preferred` when the envelope does not cover [lo, hi].
 */
export function quietestPoint(envelope: Envelope, lo: number, hi: number, preferred: number): number {
	const { frameMs, power } = envelope;
	const offset = envelope.offsetMs ?? 0;
	const half = Math.floor(frameMs / 2);
	const first = Math.max(0, Math.ceil((lo - offset - half) / frameMs));
	const last = Math.min(power.length - 1, Math.floor((hi - offset - half) / frameMs));
	let best = preferred;
	let bestPower = Infinity;
	for (let frame = first; frame <= last; frame++) {
		let sum = 0;
		let count = 0;
		for (let j = 0; j < SMOOTH_WEIGHTS.length; j++) {
			const k = frame - SMOOTH_REACH + j;
			if (k >= 0 && k < power.length) {
				sum += SMOOTH_WEIGHTS[j] * power[k];
				count += SMOOTH_WEIGHTS[j];
			}
		}
		const value = sum / count;
		const point = clamp(offset + frame * frameMs + half, lo, hi);
		if (value < bestPower || (value === bestPower && Math.abs(point - preferred) < Math.abs(best - preferred))) {
			bestPower = value;
			best = point;
		}
	}
	return best;
}

/** Whether two half-open intervals share any time. */
export function overlaps(a: Interval, b: Interval): boolean {
	return a.startMs < b.endMs && b.startMs < a.endMs;
}

function clamp(value: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, value));
}
