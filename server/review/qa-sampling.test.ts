import { describe, expect, it } from 'vitest';
import { batchDecision, drawSample, sampleErrorRate, seededRandom, type SampleCandidate } from './qa-sampling.ts';

/** 3 transcribers × 2 tags, strata of different sizes (10, 20, 30, 5, 7, 40). */
function population(): SampleCandidate[] {
	const sizes: Record<string, number> = { 'ann|yue': 10, 'ann|wuu': 20, 'bo|yue': 30, 'bo|wuu': 5, 'chen|yue': 7, 'chen|wuu': 40 };
	return Object.entries(sizes).flatMap(([stratum, n]) =>
		Array.from({ length: n }, (_, i) => ({ segmentId: `${stratum.replace('|', '-')}-${String(i).padStart(3, '0')}`, recordingId: 'r1', stratum }))
	);
}

describe(drawSample.name, () => {
	it('takes the percentage of every stratum, rounded up, so no stratum goes unchecked', () => {
		const { items, strata } = drawSample(population(), { percent: 10, seed: 'seed-1' });
		const expected: Record<string, number> = { 'ann|yue': 1, 'ann|wuu': 2, 'bo|yue': 3, 'bo|wuu': 1, 'chen|yue': 1, 'chen|wuu': 4 };
		expect(Object.fromEntries(strata.map((s) => [s.stratum, s.sampled]))).toEqual(expected);
		const perStratum: Record<string, number> = {};
		for (const item of items) perStratum[item.stratum] = (perStratum[item.stratum] ?? 0) + 1;
		expect(perStratum).toEqual(expected);
		expect(items.map((i) => i.position)).toEqual(items.map((_, i) => i));
		expect(new Set(items.map((i) => i.segmentId)).size).toBe(items.length);
	});

	it('draws the same sample from the same seed whatever the input order, another from another seed', () => {
		const a = drawSample(population(), { percent: 25, seed: 'batch-42' }).items;
		const b = drawSample(population().reverse(), { percent: 25, seed: 'batch-42' }).items;
		const c = drawSample(population(), { percent: 25, seed: 'batch-43' }).items;
		expect(b).toEqual(a);
		expect(c.map((i) => i.segmentId)).not.toEqual(a.map((i) => i.segmentId));
		expect(c.length).toBe(a.length);
	});

	it('takes everything at 100 % and refuses a percentage outside (0, 100]', () => {
		expect(drawSample(population(), { percent: 100, seed: 'x' }).items).toHaveLength(112);
		expect(() => drawSample(population(), { percent: 0, seed: 'x' })).toThrow(RangeError);
		expect(() => drawSample(population(), { percent: 101, seed: 'x' })).toThrow(RangeError);
	});

	it('spreads over each stratum: over many seeds every member is drawn about equally often', () => {
		const members = population().filter((c) => c.stratum === 'ann|yue');
		const hits = new Map<string, number>();
		for (let s = 0; s < 2000; s++) {
			for (const item of drawSample(members, { percent: 10, seed: `s${s}` }).items) hits.set(item.segmentId, (hits.get(item.segmentId) ?? 0) + 1);
		}
		expect(hits.size).toBe(10);
		for (const n of hits.values()) expect(n).toBeGreaterThan(120);
	});
});

describe(seededRandom.name, () => {
	it('repeats its sequence for a seed and stays in [0, 1)', () => {
		const a = seededRandom('abc');
		const b = seededRandom('abc');
		const xs = Array.from({ length: 1000 }, () => a());
		expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		expect(seededRandom('abd')()).not.toBe(xs[0]);
	});
});

describe(sampleErrorRate.name, () => {
	it("sums the sample's edits (CER) and counts a rejected segment wrong throughout", () => {
		const score = sampleErrorRate([
			{ original: '我哋去食饭', accepted: '我哋去食飯', rejected: false },
			{ original: '今日好热', accepted: '今日好热', rejected: false },
			{ original: '唔知', accepted: '唔知', rejected: true }
		]);
		expect(score).toMatchObject({ substitutions: 3, refLength: 11, errors: 3 });
		expect(score.errorRate).toBeCloseTo(3 / 11);
	});

	it('accepts the batch at or under the threshold and returns it above', () => {
		expect(batchDecision(0.05, 0.05)).toBe('accepted');
		expect(batchDecision(0.0501, 0.05)).toBe('returned');
		expect(batchDecision(null, 0)).toBe('accepted');
	});
});
