/**
 * Scoring units, defined exactly as NIST sclite (SCTK 2.4, `-e utf-8`) splits text, so that our
 * counts equal sclite's on the same (normalized) text:
 *
 *   word  — whitespace-separated words                          (sclite's default)
 *   char  — every character except spaces, one Unicode code     (sclite -c)
 *           point each: Han, kana, hangul, Latin letters, digits,
 *           punctuation, emoji and combining marks alike
 *   mixed — every non-ASCII code point on its own, but runs of   (sclite -c NOASCII)
 *           ASCII characters stay whole: 我用iPhone拍 → 我 用 iPhone 拍.
 *           The usual "mixed error rate" for Chinese with embedded English words or numbers.
 *
 * The caller normalizes first (normalizeText); whitespace here is any run of Unicode White_Space.
 * For the review diff's display tokens see diff.ts.
 */

export type ScoreUnit = 'char' | 'mixed' | 'word';

export const SCORE_UNITS: readonly ScoreUnit[] = ['char', 'mixed', 'word'];

const WHITESPACE = /[\s\u200b]+/u;
// Within a word (no spaces left): an ASCII run, or one non-ASCII code point (with the u flag, a
// surrogate pair is one).
const MIXED_TOKEN = /[\x00-\x7f]+|[^\x00-\x7f]/gu;

export function tokenize(text: string, unit: ScoreUnit): string[] {
	const words = text.split(WHITESPACE).filter((w) => w.length > 0);
	if (unit === 'word') return words;
	const tokens: string[] = [];
	for (const word of words) {
		if (unit === 'char') {
			for (const ch of word) tokens.push(ch);
		} else {
			for (const match of word.matchAll(MIXED_TOKEN)) tokens.push(match[0]);
		}
	}
	return tokens;
}
