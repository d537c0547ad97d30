import fc from 'fast-check';
import { compactTexts, type InteropSegment } from '../model.ts';

/**
 * Segment sets for property tests: CJK, quotes, backslashes, newlines, tabs, XML specials and
 * emoji in texts, empty texts, several speakers overlapping, zero-gap neighbours, same-speaker
 * overlaps (overflow tiers) and segments without a speaker.
 */
const CHARS = ['你', '好', '说', '话', '粤', '語', '"', '""', '\\', '\n', '\t', ' ', 'a', 'Z', '&', '<', '>', '-->', '!', "'", '😀', 'é', '1', '#'];

export const textArb = fc.oneof(
	{ weight: 1, arbitrary: fc.constant('') },
	{ weight: 4, arbitrary: fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')) }
);

export const SPEAKERS = ['A', 'spk-02', 'S_3', '说话人甲'] as const;
export const LAYERS = ['transcript', 'mandarin'] as const;
export const DIALECTS = ['yue', 'yue-gz', 'cmn', 'wuu-sh'] as const;
export const STATUSES = ['new', 'transcribed', 'approved'] as const;

const segmentShape = fc.record({
	speaker: fc.option(fc.constantFrom(...SPEAKERS), { nil: null, freq: 6 }),
	/** Gap after the previous segment of the same speaker: 0 = touching, negative = overlap. */
	gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: -400, max: -1 })),
	duration: fc.integer({ min: 1, max: 5000 }),
	transcript: textArb,
	mandarin: textArb,
	dialect: fc.option(fc.constantFrom(...DIALECTS), { nil: null }),
	status: fc.constantFrom(...STATUSES)
});

export const segmentsArb: fc.Arbitrary<InteropSegment[]> = fc.array(segmentShape, { minLength: 0, maxLength: 30 }).map((shapes) => {
	const ends = new Map<string | null, number>();
	return shapes.map((s) => {
		const startMs = Math.max(0, (ends.get(s.speaker) ?? 0) + s.gap);
		const endMs = startMs + s.duration;
		ends.set(s.speaker, Math.max(ends.get(s.speaker) ?? 0, endMs));
		return {
			startMs,
			endMs,
			speaker: s.speaker,
			dialect: s.dialect,
			texts: compactTexts({ transcript: s.transcript, mandarin: s.mandarin }),
			status: s.status,
			origin: 'human' as const
		};
	});
});

/** What a lossless round-trip must keep, in a canonical order. */
export function canonical(segments: readonly InteropSegment[]) {
	return segments
		.map((s) => ({ startMs: s.startMs, endMs: s.endMs, speaker: s.speaker, dialect: s.dialect, texts: compactTexts(s.texts), status: s.status }))
		.sort((a, b) => {
			const x = JSON.stringify([a.speaker, a.startMs, a.endMs, a.texts, a.dialect, a.status]);
			const y = JSON.stringify([b.speaker, b.startMs, b.endMs, b.texts, b.dialect, b.status]);
			return x < y ? -1 : x > y ? 1 : 0;
		});
}
