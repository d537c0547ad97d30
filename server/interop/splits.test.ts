import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignSplits, hashString, seededRandom, type SplitInput } from './splits.ts';

const inputArb = fc.array(
	fc.record({
		speaker: fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `spk${i}`)),
		dialect: fc.option(fc.constantFrom('yue', 'cmn', 'wuu', 'hak'), { nil: null }),
		durationMs: fc.integer({ min: 0, max: 20_000 })
	}),
	{ maxLength: 300 }
);

describe(assignSplits.name, () => {
	it('never puts one speaker in two splits, assigns every speaker, and sums up what it assigned (property)', () => {
		fc.assert(
			fc.property(inputArb, fc.integer(), (segments, seed) => {
				const { bySpeaker, summary } = assignSplits(segments, { seed });
				const speakers = new Set(segments.map((s) => s.speaker));
				expect(new Set(bySpeaker.keys())).toEqual(speakers);
				expect(summary.train.speakers + summary.dev.speakers + summary.test.speakers).toBe(speakers.size);
				expect(summary.train.segments + summary.dev.segments + summary.test.segments).toBe(segments.length);
				const total = segments.reduce((sum, s) => sum + s.durationMs, 0);
				expect(summary.train.durationMs + summary.dev.durationMs + summary.test.durationMs).toBe(total);
				// Each segment's speaker is in exactly the split that counted it.
				for (const split of ['train', 'dev', 'test'] as const) {
					const ms = segments.filter((s) => bySpeaker.get(s.speaker) === split).reduce((sum, s) => sum + s.durationMs, 0);
					expect(summary[split].durationMs).toBe(ms);
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('is deterministic for a seed and independent of input order (property)', () => {
		fc.assert(
			fc.property(inputArb, fc.integer(), (segments, seed) => {
				const a = assignSplits(segments, { seed });
				const b = assignSplits([...segments].reverse(), { seed });
				expect([...b.bySpeaker].sort()).toEqual([...a.bySpeaker].sort());
			}),
			{ numRuns: 200 }
		);
	});

	it('follows the target ratios by duration when speakers are many and similar (property)', () => {
		const many = fc.array(fc.integer({ min: 9_000, max: 11_000 }), { minLength: 100, maxLength: 200 }).map((ds) =>
			ds.map((durationMs, i): SplitInput => ({ speaker: `s${i}`, dialect: ['yue', 'cmn'][i % 2], durationMs }))
		);
		fc.assert(
			fc.property(many, fc.integer(), (segments, seed) => {
				const { summary } = assignSplits(segments, { seed, ratios: { train: 0.7, dev: 0.15, test: 0.15 } });
				const total = segments.reduce((sum, s) => sum + s.durationMs, 0);
				expect(Math.abs(summary.train.durationMs / total - 0.7)).toBeLessThan(0.03);
				expect(Math.abs(summary.dev.durationMs / total - 0.15)).toBeLessThan(0.03);
				// Stratified: each dialect is itself split roughly 70/15/15.
				for (const tag of ['yue', 'cmn']) {
					const tagTotal = segments.filter((s) => s.dialect === tag).reduce((sum, s) => sum + s.durationMs, 0);
					expect(Math.abs((summary.test.byDialect[tag] ?? 0) / tagTotal - 0.15)).toBeLessThan(0.05);
				}
			}),
			{ numRuns: 50 }
		);
	});

	it('gives dev and test a speaker each when there are only three, and different seeds differ', () => {
		const three = ['a', 'b', 'c'].map((speaker) => ({ speaker, dialect: null, durationMs: 1000 }));
		const { summary } = assignSplits(three, { seed: 1 });
		expect([summary.train.speakers, summary.dev.speakers, summary.test.speakers]).toEqual([1, 1, 1]);
		const segments = Array.from({ length: 60 }, (_, i) => ({ speaker: `s${i}`, dialect: 'yue', durationMs: 1000 }));
		const seeds = new Set([1, 2, 3, 'x', 'y'].map((seed) => JSON.stringify([...assignSplits(segments, { seed }).bySpeaker].sort())));
		expect(seeds.size).toBeGreaterThan(1);
	});

	it('honours a zero ratio and refuses bad ratios', () => {
		const segments = Array.from({ length: 20 }, (_, i) => ({ speaker: `s${i}`, dialect: null, durationMs: 500 }));
		expect(assignSplits(segments, { seed: 3, ratios: { train: 0.9, dev: 0, test: 0.1 } }).summary.dev.speakers).toBe(0);
		expect(() => assignSplits(segments, { seed: 3, ratios: { train: 0, dev: 0, test: 0 } })).toThrow(/at least one split/);
		expect(() => assignSplits(segments, { seed: 3, ratios: { train: -1 } })).toThrow(/train ratio/);
	});
});

describe(seededRandom.name, () => {
	it('repeats for a seed, stays in [0, 1) and spreads evenly', () => {
		const a = seededRandom('seed');
		const b = seededRandom(hashString('seed'));
		const xs = Array.from({ length: 10_000 }, () => a());
		expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
	});
});
