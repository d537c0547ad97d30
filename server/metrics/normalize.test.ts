import { describe, expect, it } from 'vitest';
import { describeNormalization, normalizeText } from './normalize.ts';
import { foldVariants } from './variants.ts';

describe(normalizeText.name, () => {
	it('always composes to NFC and collapses every kind of space', () => {
		expect(normalizeText('Pe\u0301 \u3000 a\u00a0\tb\u200bc\n\r d  ')).toBe('Pé a b c d');
	});

	it.each([
		['nfkc', { nfkc: true }, '①㎏ﬁ ＡＢＣ１２３，', '1kgfi ABC123,'],
		['foldWidth', { foldWidth: true }, '①ＡＢＣ１２３，ｶﾞｷﾞ\u3000ok', '①ABC123,ガギ ok'],
		['foldVariants (HK, TW and general Traditional)', { foldVariants: true }, '漢語衞生裏面穿著乾淨', '汉语卫生里面穿着干净'],
		['foldCase', { foldCase: true }, 'iPhone ÄΣΑ', 'iphone äσα'],
		['stripPunct (CJK and ASCII alike)', { stripPunct: true }, '「你好」，世界！ Hello, world... (ok) don\'t', '你好世界 Hello world ok dont']
	])('%s', (_, options, input, expected) => {
		expect(normalizeText(input, options)).toBe(expected);
	});

	it('keeps what no option asked to change', () => {
		expect(normalizeText('漢語，ＡＢＣ Hello!')).toBe('漢語，ＡＢＣ Hello!');
	});

	it('applies every option together, width before punctuation (，is folded, then removed)', () => {
		expect(
			normalizeText('「漢語」ＡＢＣ ，OK！', { foldVariants: true, foldWidth: true, stripPunct: true, foldCase: true })
		).toBe('汉语abc ok');
	});

	it('leaves Simplified text and OpenCC phrases alone, and folding twice changes nothing', () => {
		const simplified = '我们在这里说话，著名的乾隆皇帝';
		expect(foldVariants(simplified)).toBe(simplified);
		const once = foldVariants('我們在這裡說話，著名的乾隆皇帝');
		expect(once).toBe(simplified);
		expect(foldVariants(once)).toBe(once);
	});
});

describe(describeNormalization.name, () => {
	it('names the options that are on, in the order they apply', () => {
		expect(describeNormalization({ stripPunct: true, nfkc: true, foldCase: false })).toEqual(['nfkc', 'stripPunct']);
	});
});
