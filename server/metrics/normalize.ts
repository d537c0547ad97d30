/**
 * Text normalization before scoring (and, optionally, before diffing). Pure: no Node imports, so the
 * browser runs exactly the same code as the server and the CLI.
 *
 * Always applied: Unicode NFC (canonically equivalent text is the same text; Fangyan stores NFC) and
 * whitespace normalization (every Unicode space, line break and U+200B becomes one ASCII space,
 * runs collapse, ends are trimmed). The rest is opt-in, applied in this order:
 *   nfkc → foldWidth → foldVariants → foldCase → stripPunct
 */
import { foldVariants } from './variants.ts';

export interface NormalizeOptions {
	/** Unicode NFKC: compatibility forms fold (①→1, ㎏→kg, ﬁ→fi, full-width → ASCII, …). */
	nfkc?: boolean;
	/**
	 * Full-width/half-width folding only (the Halfwidth and Fullwidth Forms block, U+FF00–U+FFEF,
	 * and the ideographic space U+3000): ＡＢＣ１２３，→ ABC123, and half-width katakana ｶﾞ → ガ.
	 * A subset of NFKC, for when ①-style compatibility characters must stay as they are.
	 */
	foldWidth?: boolean;
	/** Traditional → Simplified Chinese through OpenCC (HK and TW variants included). */
	foldVariants?: boolean;
	/** Unicode default lower-casing (A→a, Ä→ä, Σ→σ). */
	foldCase?: boolean;
	/** Removes every character of Unicode general category P (CJK and ASCII punctuation alike). */
	stripPunct?: boolean;
}

/** The option names, in the order they apply, for CLIs, DTOs and docs. */
export const NORMALIZE_OPTION_NAMES = ['nfkc', 'foldWidth', 'foldVariants', 'foldCase', 'stripPunct'] as const;

const WHITESPACE = /[\s\u200b]+/gu;
const PUNCTUATION = /\p{P}+/gu;
// U+3000 is outside the block but is the full-width space the block's folding implies.
const WIDTH_FORMS = /[\u3000\uff00-\uffef]+/gu;

/**
 * Normalizes `text` for comparison.
 *
 * @example
 * normalizeText('「漢語」ＡＢＣ  ok', { foldVariants: true, foldWidth: true, stripPunct: true, foldCase: true })
 * // → '汉语abc ok'
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
	let s = text.normalize(options.nfkc ? 'NFKC' : 'NFC');
	if (options.foldWidth && !options.nfkc) s = s.replace(WIDTH_FORMS, (run) => run.normalize('NFKC'));
	if (options.foldVariants) s = foldVariants(s);
	if (options.foldCase) s = s.toLowerCase();
	if (options.stripPunct) s = s.replace(PUNCTUATION, '');
	return s.replace(WHITESPACE, ' ').trim();
}

/** The options that are on, by name (for reports: "nfkc, stripPunct"). */
export function describeNormalization(options: NormalizeOptions): string[] {
	return NORMALIZE_OPTION_NAMES.filter((name) => options[name]);
}
