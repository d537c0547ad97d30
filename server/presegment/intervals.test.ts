import { describe, expect, it } from 'vitest';
import {
	mergeOrDropShort,
	overlaps,
	padIntervals,
	pairSilenceEvents,
	proposeSegments,
	quietestPoint,
	speechFromSilences,
	splitLong,
	type Envelope,
	type Interval
} from './intervals.ts';

/** [start, end] pairs → intervals, to keep the tables short. */
const iv = (...pairs: [number, number][]): Interval[] => pairs.map(([startMs, endMs]) => ({ startMs, endMs }));

/** An envelope of 10 ms frames, loud (1) everywhere except the given quiet spans. */
function envelope(durationMs: number, quiet: { from: number; to: number; power: number }[]): Envelope {
	const power = new Float32Array(Math.ceil(durationMs / 10)).fill(1);
	for (const q of quiet) for (let f = Math.floor(q.from / 10); f < Math.ceil(q.to / 10); f++) power[f] = q.power;
	return { frameMs: 10, power };
}

function assertWellFormed(intervals: Interval[], durationMs: number) {
	for (const [i, s] of intervals.entries()) {
		expect(Number.isInteger(s.startMs) && Number.isInteger(s.endMs)).toBe(true);
		expect(s.startMs).toBeGreaterThanOrEqual(0);
		expect(s.endMs).toBeLessThanOrEqual(durationMs);
		expect(s.endMs).toBeGreaterThan(s.startMs);
		if (i > 0) expect(s.startMs).toBeGreaterThanOrEqual(intervals[i - 1].endMs);
	}
}

describe(pairSilenceEvents.name, () => {
	it.each<[string, Parameters<typeof pairSilenceEvents>[0], Interval[]]>([
		['none', [], []],
		['one pair', [{ kind: 'start', ms: 100 }, { kind: 'end', ms: 600 }], iv([100, 600])],
		[
			'two pairs',
			[{ kind: 'start', ms: 0 }, { kind: 'end', ms: 500 }, { kind: 'start', ms: 900 }, { kind: 'end', ms: 1400 }],
			iv([0, 500], [900, 1400])
		],
		['unterminated silence runs to the end', [{ kind: 'start', ms: 9000 }], iv([9000, 10000])],
		['an end without a start begins at 0', [{ kind: 'end', ms: 400 }], iv([0, 400])],
		['a repeated start keeps the first', [{ kind: 'start', ms: 100 }, { kind: 'start', ms: 200 }, { kind: 'end', ms: 700 }], iv([100, 700])]
	])('%s', (_name, events, expected) => {
		expect(pairSilenceEvents(events, 10_000)).toEqual(expected);
	});
});

describe(speechFromSilences.name, () => {
	it.each<[string, Interval[], Interval[]]>([
		['no silence: all speech', [], iv([0, 10_000])],
		['all silence: no speech', iv([0, 10_000]), []],
		['silence in the middle', iv([3000, 4000]), iv([0, 3000], [4000, 10_000])],
		['silence at both ends', iv([0, 1000], [9000, 10_000]), iv([1000, 9000])],
		['unsorted and overlapping silences merge', iv([5000, 6000], [1000, 2000], [1500, 2500]), iv([0, 1000], [2500, 5000], [6000, 10_000])],
		['silences outside the recording are clamped', iv([-50, 500], [9500, 12_000]), iv([500, 9500])],
		['a silence ending just before the end reaches it', iv([8000, 9970]), iv([0, 8000])],
		['fractional ms are rounded', iv([999.6, 2000.4]), iv([0, 1000], [2000, 10_000])],
		['empty silences are ignored', iv([3000, 3000]), iv([0, 10_000])]
	])('%s', (_name, silences, expected) => {
		expect(speechFromSilences(silences, 10_000)).toEqual(expected);
	});

	it('gives nothing for an empty recording', () => {
		expect(speechFromSilences([], 0)).toEqual([]);
	});
});

describe(mergeOrDropShort.name, () => {
	it.each<[string, Interval[], Interval[]]>([
		['long speech stays', iv([0, 1000], [2000, 3000]), iv([0, 1000], [2000, 3000])],
		['an isolated short bit is dropped', iv([0, 1000], [5000, 5100], [9000, 10_000]), iv([0, 1000], [9000, 10_000])],
		['a short bit joins a close previous', iv([0, 1000], [1500, 1600], [9000, 10_000]), iv([0, 1600], [9000, 10_000])],
		['a short bit joins a close next', iv([0, 1000], [5000, 5100], [5400, 6000]), iv([0, 1000], [5000, 6000])],
		['a short bit joins the nearer neighbour', iv([0, 1000], [1800, 1900], [2100, 3000]), iv([0, 1000], [1800, 3000])],
		['equal gaps prefer the previous', iv([0, 1000], [1500, 1600], [2100, 3000]), iv([0, 1600], [2100, 3000])],
		['a gap exactly at the limit still merges', iv([0, 1000], [2000, 2100]), iv([0, 2100])],
		['short bits in a row add up', iv([0, 200], [400, 600], [800, 1000]), iv([0, 1000])],
		['short bits in a row that stay short are dropped', iv([0, 50], [200, 250]), []],
		['a lone short bit is dropped', iv([4000, 4100]), []],
		['nothing in, nothing out', [], []]
	])('%s', (_name, speech, expected) => {
		expect(mergeOrDropShort(speech, 300, 1000)).toEqual(expected);
	});

	it('keeps everything with a zero minimum', () => {
		expect(mergeOrDropShort(iv([0, 1], [5000, 5002]), 0, 1000)).toEqual(iv([0, 1], [5000, 5002]));
	});

	it('does not change its input', () => {
		const speech = iv([0, 1000], [1500, 1600]);
		mergeOrDropShort(speech, 300, 1000);
		expect(speech).toEqual(iv([0, 1000], [1500, 1600]));
	});
});

describe(padIntervals.name, () => {
	it.each<[string, Interval[], Interval[]]>([
		['pads both sides', iv([1000, 2000], [5000, 6000]), iv([900, 2100], [4900, 6100])],
		['clamps at the start and end', iv([50, 2000], [9950, 10_000]), iv([0, 2100], [9850, 10_000])],
		['a pause shorter than two pads is shared at its middle', iv([1000, 2000], [2150, 3000]), iv([900, 2075], [2075, 3100])],
		['an odd pause splits without fractions', iv([1000, 2000], [2101, 3000]), iv([900, 2050], [2050, 3100])],
		['touching intervals stay touching', iv([1000, 2000], [2000, 3000]), iv([900, 2000], [2000, 3100])],
		['a pause of exactly two pads is filled', iv([1000, 2000], [2200, 3000]), iv([900, 2100], [2100, 3100])]
	])('%s', (_name, intervals, expected) => {
		const padded = padIntervals(intervals, 100, 10_000);
		expect(padded).toEqual(expected);
		assertWellFormed(padded, 10_000);
	});

	it('changes nothing with a zero pad', () => {
		expect(padIntervals(iv([0, 10], [20, 30]), 0, 100)).toEqual(iv([0, 10], [20, 30]));
	});
});

describe(splitLong.name, () => {
	it('leaves intervals up to the maximum alone', () => {
		expect(splitLong(iv([0, 15_000], [20_000, 21_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: null })).toEqual(
			iv([0, 15_000], [20_000, 21_000])
		);
	});

	it.each<[string, number, number, Interval[]]>([
		['just over: two even halves', 0, 15_001, iv([0, 7501], [7501, 15_001])],
		['three pieces', 1000, 31_001, iv([1000, 11_000], [11_000, 21_001], [21_001, 31_001])],
		['uneven length: nearly equal integer pieces', 0, 40_001, iv([0, 13_334], [13_334, 26_668], [26_668, 40_001])]
	])('without an envelope splits evenly: %s', (_name, startMs, endMs, expected) => {
		const pieces = splitLong(iv([startMs, endMs]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: null });
		expect(pieces).toEqual(expected);
	});

	it('cuts at the quietest point of the envelope', () => {
		const env = envelope(20_000, [{ from: 3000, to: 3200, power: 0.001 }]);
		const pieces = splitLong(iv([0, 16_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env });
		expect(pieces).toHaveLength(2);
		expect(pieces[0].endMs).toBeGreaterThanOrEqual(3000);
		expect(pieces[0].endMs).toBeLessThanOrEqual(3200);
		expect(pieces[1]).toEqual({ startMs: pieces[0].endMs, endMs: 16_000 });
	});

	it('prefers the deeper of two pauses', () => {
		const env = envelope(20_000, [
			{ from: 4000, to: 4200, power: 0.01 },
			{ from: 9000, to: 9200, power: 0.0001 }
		]);
		const [first] = splitLong(iv([0, 16_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env });
		expect(first.endMs).toBeGreaterThanOrEqual(9000);
		expect(first.endMs).toBeLessThanOrEqual(9200);
	});

	it('never cuts a piece longer than the maximum, even when the quietest point is beyond it', () => {
		// The pause at 25 s would leave a 25 s first piece: the cut must fall within the first 15 s.
		const env = envelope(40_000, [{ from: 25_000, to: 25_500, power: 0 }]);
		const pieces = splitLong(iv([0, 29_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env });
		expect(pieces).toHaveLength(2);
		for (const p of pieces) expect(p.endMs - p.startMs).toBeLessThanOrEqual(15_000);
	});

	it('uses the fewest pieces, each within [min, max], on flat loud audio', () => {
		const env = envelope(100_000, []);
		const pieces = splitLong(iv([1234, 91_234]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env });
		expect(pieces).toHaveLength(6);
		expect(pieces[0].startMs).toBe(1234);
		expect(pieces.at(-1)!.endMs).toBe(91_234);
		for (const p of pieces) {
			expect(p.endMs - p.startMs).toBeLessThanOrEqual(15_000);
			expect(p.endMs - p.startMs).toBeGreaterThanOrEqual(300);
		}
		assertWellFormed(pieces, 100_000);
	});

	it('keeps the minimum when the quietest point is right at the start', () => {
		const env = envelope(20_000, [{ from: 0, to: 200, power: 0 }]);
		const [first] = splitLong(iv([0, 16_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env });
		expect(first.endMs).toBeGreaterThanOrEqual(1000);
	});

	it('falls back to even cuts where the envelope is too short', () => {
		const env: Envelope = { frameMs: 10, power: new Float32Array(10) };
		expect(splitLong(iv([0, 20_000]), { maxSegmentMs: 15_000, minSegmentMs: 300, envelope: env })).toEqual(iv([0, 10_000], [10_000, 20_000]));
	});

	it('still respects the maximum when the minimum cannot be kept', () => {
		const pieces = splitLong(iv([0, 1100]), { maxSegmentMs: 1000, minSegmentMs: 800, envelope: null });
		expect(pieces).toHaveLength(2);
		for (const p of pieces) expect(p.endMs - p.startMs).toBeLessThanOrEqual(1000);
	});
});

describe(quietestPoint.name, () => {
	it('returns a frame centre inside the range', () => {
		const env = envelope(1000, [{ from: 500, to: 510, power: 0 }]);
		expect(quietestPoint(env, 100, 900, 400)).toBe(505);
	});

	it('breaks ties towards the preferred point', () => {
		const env = envelope(1000, [{ from: 200, to: 800, power: 0 }]);
		expect(quietestPoint(env, 0, 1000, 444)).toBe(445);
	});

	it('reads an envelope that starts later in the recording', () => {
		const power = new Float32Array(100).fill(1);
		power[30] = 0;
		expect(quietestPoint({ frameMs: 10, offsetMs: 60_000, power }, 60_000, 61_000, 60_500)).toBe(60_305);
	});

	it('clamps to the range', () => {
		const env = envelope(1000, [{ from: 0, to: 100, power: 0 }]);
		expect(quietestPoint(env, 52, 900, 500)).toBeGreaterThanOrEqual(52);
	});
});

describe(proposeSegments.name, () => {
	const defaults = { durationMs: 20_000, minSegmentMs: 300, padMs: 100, maxSegmentMs: 15_000 };

	it('turns silences into padded speech', () => {
		const silences = iv([0, 1000], [3000, 6000], [8000, 20_000]);
		expect(proposeSegments(silences, defaults)).toEqual(iv([900, 3100], [5900, 8100]));
	});

	it('drops an isolated click and keeps a nearby syllable', () => {
		// speech: 1000–3000, syllable 3500–3650 (500 ms later), click 12000–12050 (far from anything), 15000–16000
		const silences = iv([0, 1000], [3000, 3500], [3650, 12_000], [12_050, 15_000], [16_000, 20_000]);
		expect(proposeSegments(silences, defaults)).toEqual(iv([900, 3750], [14_900, 16_100]));
	});

	it('splits speech longer than the maximum, with padding inside the limit', () => {
		const proposals = proposeSegments(iv([0, 1000], [19_000, 20_000]), { ...defaults, maxSegmentMs: 5000 });
		expect(proposals[0].startMs).toBe(900);
		expect(proposals.at(-1)!.endMs).toBe(19_100);
		for (const p of proposals) expect(p.endMs - p.startMs).toBeLessThanOrEqual(5000);
		assertWellFormed(proposals, 20_000);
	});

	it('gives one proposal for audio without silence, and none for pure silence', () => {
		expect(proposeSegments([], { ...defaults, durationMs: 5000 })).toEqual(iv([0, 5000]));
		expect(proposeSegments(iv([0, 20_000]), defaults)).toEqual([]);
	});

	it('uses the given merge gap', () => {
		const silences = iv([0, 1000], [3000, 3500], [3650, 20_000]);
		expect(proposeSegments(silences, { ...defaults, mergeGapMs: 200 })).toEqual(iv([900, 3100]));
	});

	it('always yields sorted, disjoint, integer intervals within [min, max] inside the recording (randomised)', () => {
		let seed = 42;
		const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
		for (let run = 0; run < 200; run++) {
			const durationMs = 1000 + Math.floor(random() * 120_000);
			const silences: Interval[] = [];
			for (let i = 0; i < 30; i++) {
				const start = Math.floor(random() * durationMs);
				silences.push({ startMs: start, endMs: start + Math.floor(random() * 5000) });
			}
			const options = {
				durationMs,
				minSegmentMs: Math.floor(random() * 1000),
				padMs: Math.floor(random() * 500),
				maxSegmentMs: 2000 + Math.floor(random() * 20_000)
			};
			const proposals = proposeSegments(silences, options);
			assertWellFormed(proposals, durationMs);
			for (const p of proposals) {
				expect(p.endMs - p.startMs).toBeLessThanOrEqual(options.maxSegmentMs);
				expect(p.endMs - p.startMs).toBeGreaterThanOrEqual(options.minSegmentMs);
			}
		}
	});
});

describe(overlaps.name, () => {
	it.each<[Interval, Interval, boolean]>([
		[{ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 15 }, true],
		[{ startMs: 0, endMs: 10 }, { startMs: 10, endMs: 20 }, false],
		[{ startMs: 5, endMs: 6 }, { startMs: 0, endMs: 100 }, true],
		[{ startMs: 20, endMs: 30 }, { startMs: 0, endMs: 10 }, false]
	])('%j and %j → %s', (a, b, expected) => {
		expect(overlaps(a, b)).toBe(expected);
	});
});
