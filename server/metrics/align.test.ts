import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignTokens, countEdits, countOps, DELETION_COST, INSERTION_COST, SUBSTITUTION_COST } from './align.ts';

const words = (s: string) => s.split(' ').filter(Boolean);

describe(countEdits.name, () => {
	// Expected counts read off `sctk sclite … -o pralign -s` (SCTK 2.4.10) for the same pairs.
	it.each([
		['a b c d', 'a c d e', { correct: 3, substitutions: 0, deletions: 1, insertions: 1 }],
		// Equal cost either way (sub hello→Hello + ins there, or ins Hello + sub hello→there): sclite
		// prefers the diagonal at each cell, which here reads back as insertion first.
		['hello world', 'Hello there world', { correct: 1, substitutions: 1, deletions: 0, insertions: 1 }],
		['x y', '', { correct: 0, substitutions: 0, deletions: 2, insertions: 0 }],
		['', 'f o o', { correct: 0, substitutions: 0, deletions: 0, insertions: 3 }],
		['我 们 在 这 里', '我 在 那 里', { correct: 3, substitutions: 1, deletions: 1, insertions: 0 }]
	])('%j → %j', (ref, hyp, expected) => {
		const r = words(ref);
		expect(countEdits(r, words(hyp))).toEqual({ ...expected, refLength: r.length });
	});

	it('prefers one substitution (4) to a deletion and an insertion (6)', () => {
		expect(countEdits(['a'], ['b'])).toMatchObject({ substitutions: 1, deletions: 0, insertions: 0 });
	});

	const tokens = fc.array(fc.constantFrom('a', 'b', 'c', '我', '你'), { maxLength: 25 });

	it('agrees with the full alignment path, whose cost is the minimum (plain Levenshtein DP)', () => {
		fc.assert(
			fc.property(tokens, tokens, (ref, hyp) => {
				const ops = alignTokens(ref, hyp);
				const counts = countEdits(ref, hyp);
				expect(countOps(ops)).toEqual(counts);
				expect(ops.filter((o) => o.op !== 'insertion').map((o) => (o as { ref: string }).ref)).toEqual(ref);
				expect(ops.filter((o) => o.op !== 'deletion').map((o) => (o as { hyp: string }).hyp)).toEqual(hyp);
				const cost = counts.substitutions * SUBSTITUTION_COST + counts.deletions * DELETION_COST + counts.insertions * INSERTION_COST;
				expect(cost).toBe(minimumCost(ref, hyp));
			}),
			{ seed: 8, numRuns: 300 }
		);
	});

	it('scores a text against itself as all correct', () => {
		fc.assert(
			fc.property(tokens, (t) => {
				expect(countEdits(t, t)).toEqual({ correct: t.length, substitutions: 0, deletions: 0, insertions: 0, refLength: t.length });
			}),
			{ seed: 9, numRuns: 50 }
		);
	});
});

/** Textbook weighted edit distance, written independently of align.ts. */
function minimumCost(ref: string[], hyp: string[]): number {
	const d = Array.from({ length: ref.length + 1 }, (_, i) => Array.from({ length: hyp.length + 1 }, (_, j) => (i === 0 ? j * 3 : j === 0 ? i * 3 : 0)));
	for (let i = 1; i <= ref.length; i++) {
		for (let j = 1; j <= hyp.length; j++) {
			d[i][j] = Math.min(d[i - 1][j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 4), d[i - 1][j] + 3, d[i][j - 1] + 3);
		}
	}
	return d[ref.length][hyp.length];
}

describe(alignTokens.name, () => {
	it('returns the path in reference order', () => {
		expect(alignTokens(words('a b c d'), words('a c d e'))).toEqual([
			{ op: 'correct', ref: 'a', hyp: 'a' },
			{ op: 'deletion', ref: 'b' },
			{ op: 'correct', ref: 'c', hyp: 'c' },
			{ op: 'correct', ref: 'd', hyp: 'd' },
			{ op: 'insertion', hyp: 'e' }
		]);
		expect(alignTokens(words('hello world'), words('Hello there world'))).toEqual([
			{ op: 'insertion', hyp: 'Hello' },
			{ op: 'substitution', ref: 'hello', hyp: 'there' },
			{ op: 'correct', ref: 'world', hyp: 'world' }
		]);
	});
});

describe('equal-cost alignments', () => {
	// Pairs where resolving deletion/insertion ties the other way changes the S/D/I split; the
	// expected counts are sclite's (SCTK 2.4.10, -o pralign -s).
	it.each([
		['b c b c b d b c a b b a a d d d c d b d a a c b', 'd a d a a d a a c a b a', [9, 1, 14, 2]],
		['d b b a a a b d c a c b b a', 'a c c d b b d b b c a c a c a d b c a d a', [9, 4, 1, 8]],
		['d c c a d b a a d d a b d', 'd b c b a a b d a b b d c b b c b a d d a', [8, 5, 0, 8]]
	])('%s | %s', (ref, hyp, [correct, substitutions, deletions, insertions]) => {
		expect(countEdits(words(ref), words(hyp))).toEqual({ correct, substitutions, deletions, insertions, refLength: words(ref).length });
	});
});
