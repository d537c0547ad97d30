/**
 * CER/WER between texts, and the sums the dashboards, the API and the CLI share.
 *
 * Direction: `ref` is the text taken as right, `hyp` the one measured against it —
 *   transcriber vs reviewer: ref = the reviewer's corrected text, hyp = the transcriber's original;
 *   against gold:            ref = the gold text,                  hyp = the transcriber's;
 *   double transcription:    neither is right — see scoreDoubleTranscriptions.
 * Rates are sums over items ((ΣS+ΣD+ΣI) / ΣN), never means of per-item rates, as sclite reports.
 */
import { countEdits, type EditCounts } from './align.ts';
import { normalizeText, type NormalizeOptions } from './normalize.ts';
import { tokenize, type ScoreUnit } from './tokenize.ts';

export interface ScoreOptions extends NormalizeOptions {
	/** 'char' (CER, the default), 'mixed' (CJK per character, ASCII words whole) or 'word' (WER). */
	unit?: ScoreUnit;
}

export interface ErrorCounts extends EditCounts {
	/** substitutions + deletions + insertions */
	errors: number;
	/** errors / refLength; null when the reference is empty (no rate exists, whatever was inserted). */
	errorRate: number | null;
}

export interface ScoredPair {
	ref: string;
	hyp: string;
}

export function emptyCounts(): ErrorCounts {
	return { correct: 0, substitutions: 0, deletions: 0, insertions: 0, refLength: 0, errors: 0, errorRate: null };
}

export function withRate(counts: EditCounts): ErrorCounts {
	const errors = counts.substitutions + counts.deletions + counts.insertions;
	return {
		correct: counts.correct,
		substitutions: counts.substitutions,
		deletions: counts.deletions,
		insertions: counts.insertions,
		refLength: counts.refLength,
		errors,
		errorRate: counts.refLength > 0 ? errors / counts.refLength : null
	};
}

/** The sum of counts, with the rate of the sum. */
export function sumCounts(items: Iterable<EditCounts>): ErrorCounts {
	const total = { correct: 0, substitutions: 0, deletions: 0, insertions: 0, refLength: 0 };
	for (const c of items) {
		total.correct += c.correct;
		total.substitutions += c.substitutions;
		total.deletions += c.deletions;
		total.insertions += c.insertions;
		total.refLength += c.refLength;
	}
	return withRate(total);
}

/** Normalizes and tokenizes one text as `options` say: what the alignment sees. */
export function scoringTokens(text: string, options: ScoreOptions = {}): string[] {
	return tokenize(normalizeText(text, options), options.unit ?? 'char');
}

/**
 * Error counts of `hyp` against `ref`.
 *
 * @example
 * scoreTexts('我们在这里', '我在那里')            // char: C 3, S 1, D 1, I 0, N 5, errorRate 0.4
 * scoreTexts('Hello world', 'hello there world', { unit: 'word', foldCase: true }) // I 1, rate 0.5
 */
export function scoreTexts(ref: string, hyp: string, options: ScoreOptions = {}): ErrorCounts {
	return withRate(countEdits(scoringTokens(ref, options), scoringTokens(hyp, options)));
}

/** Each pair scored, and the total over all of them. */
export function scorePairs(pairs: Iterable<ScoredPair>, options: ScoreOptions = {}): { total: ErrorCounts; items: ErrorCounts[] } {
	const items: ErrorCounts[] = [];
	for (const pair of pairs) items.push(scoreTexts(pair.ref, pair.hyp, options));
	return { total: sumCounts(items), items };
}

export interface GroupScore<K> {
	group: K;
	/** Pairs in the group. */
	pairs: number;
	total: ErrorCounts;
}

/**
 * Totals per group key (a transcriber, a dialect tag, a week…), in order of first appearance.
 *
 * @example
 * scoreGroups(rows.map((r) => ({ group: r.transcriberId, ref: r.reviewedText, hyp: r.originalText })))
 */
export function scoreGroups<K>(rows: Iterable<ScoredPair & { group: K }>, options: ScoreOptions = {}): GroupScore<K>[] {
	const groups = new Map<K, { pairs: number; total: EditCounts }>();
	for (const row of rows) {
		let g = groups.get(row.group);
		if (!g) groups.set(row.group, (g = { pairs: 0, total: emptyCounts() }));
		const c = countEdits(scoringTokens(row.ref, options), scoringTokens(row.hyp, options));
		g.pairs++;
		g.total.correct += c.correct;
		g.total.substitutions += c.substitutions;
		g.total.deletions += c.deletions;
		g.total.insertions += c.insertions;
		g.total.refLength += c.refLength;
	}
	return [...groups].map(([group, g]) => ({ group, pairs: g.pairs, total: withRate(g.total) }));
}

export interface DoubleTranscriptionScore {
	/** `a` taken as the reference. */
	aAsRef: ErrorCounts;
	/** `b` taken as the reference. */
	bAsRef: ErrorCounts;
	/**
	 * (errors a→b + errors b→a) / (N of a + N of b): the same whichever is called a, and 0 only when
	 * the two agree everywhere; null when both are empty.
	 */
	symmetricErrorRate: number | null;
}

/** Agreement between two transcriptions of the same audio, where neither is the reference. */
export function scoreDoubleTranscriptions(
	pairs: Iterable<{ a: string; b: string }>,
	options: ScoreOptions = {}
): DoubleTranscriptionScore {
	const ab: ErrorCounts[] = [];
	const ba: ErrorCounts[] = [];
	for (const { a, b } of pairs) {
		const ta = scoringTokens(a, options);
		const tb = scoringTokens(b, options);
		ab.push(withRate(countEdits(ta, tb)));
		ba.push(withRate(countEdits(tb, ta)));
	}
	const aAsRef = sumCounts(ab);
	const bAsRef = sumCounts(ba);
	const n = aAsRef.refLength + bAsRef.refLength;
	return { aAsRef, bAsRef, symmetricErrorRate: n > 0 ? (aAsRef.errors + bAsRef.errors) / n : null };
}
