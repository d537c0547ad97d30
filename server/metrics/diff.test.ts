import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffTexts, diffTokens, type DiffSpan } from './diff.ts';
import { scoreTexts } from './score.ts';
import { correctedText, medianMs, seededRandom, transcriptText } from './test-texts.ts';

const join = (spans: DiffSpan[], keep: 'delete' | 'insert') => spans.filter((s) => s.op === 'equal' || s.op === keep).map((s) => s.text).join('');

describe(diffTokens.name, () => {
	it('splits CJK per character and keeps other words, spaces, emoji and punctuation whole', () => {
		expect(diffTokens('Pe\u030dh-ōe-jī 我用iPhone拍了，好嘢！ 👨‍👩‍👧🇭🇰')).toEqual([
			'Pe\u030dh',
			'-',
			'ōe',
			'-',
			'jī',
			' ',
			'我',
			'用',
			'iPhone',
			'拍',
			'了',
			'，',
			'好',
			'嘢',
			'！',
			' ',
			'👨‍👩‍👧',
			'🇭🇰'
		]);
	});
});

describe(diffTexts.name, () => {
	it('diffs Chinese per character and English per word', () => {
		expect(diffTexts('我哋去食饭 ok', '我们去吃饭 OK')).toEqual([
			{ op: 'equal', text: '我' },
			{ op: 'delete', text: '哋' },
			{ op: 'insert', text: '们' },
			{ op: 'equal', text: '去' },
			{ op: 'delete', text: '食' },
			{ op: 'insert', text: '吃' },
			{ op: 'equal', text: '饭 ' },
			{ op: 'delete', text: 'ok' },
			{ op: 'insert', text: 'OK' }
		]);
		expect(diffTexts('the cat sat on the mat', 'the cats sat on a mat')).toEqual([
			{ op: 'equal', text: 'the ' },
			{ op: 'delete', text: 'cat' },
			{ op: 'insert', text: 'cats' },
			{ op: 'equal', text: ' sat on ' },
			{ op: 'delete', text: 'the' },
			{ op: 'insert', text: 'a' },
			{ op: 'equal', text: ' mat' }
		]);
	});

	it('handles empty and identical texts', () => {
		expect(diffTexts('', '')).toEqual([]);
		expect(diffTexts('', '新')).toEqual([{ op: 'insert', text: '新' }]);
		expect(diffTexts('旧', '')).toEqual([{ op: 'delete', text: '旧' }]);
		expect(diffTexts('一样', '一样')).toEqual([{ op: 'equal', text: '一样' }]);
	});

	it('can compare normalized texts (width and variants folded)', () => {
		expect(diffTexts('我們ＯＫ', '我们OK', { normalize: { foldVariants: true, foldWidth: true } })).toEqual([{ op: 'equal', text: '我们OK' }]);
	});

	it('is lossless: equal + deleted spans give the original, equal + inserted the correction', () => {
		const piece = fc.constantFrom('我', '们', '在', '这', '里', '嘅', 'ok', 'the', 'cat', ' ', '  ', '，', '。', '!', '😀', 'e\u0301', '👍🏽', '\n');
		const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
		fc.assert(
			fc.property(text, text, (before, after) => {
				const spans = diffTexts(before, after);
				expect(join(spans, 'delete')).toBe(before);
				expect(join(spans, 'insert')).toBe(after);
				for (let i = 1; i < spans.length; i++) {
					expect(spans[i].op).not.toBe(spans[i - 1].op);
					expect(spans[i - 1].op === 'insert' && spans[i].op === 'delete').toBe(false);
				}
				expect(spans.every((s) => s.text.length > 0)).toBe(true);
			}),
			{ seed: 88, numRuns: 300 }
		);
	});

	it('diffs a 200-character correction in well under 1 ms (median)', () => {
		const random = seededRandom(200);
		const pairs = Array.from({ length: 50 }, () => {
			const before = transcriptText(random, 200);
			return [before, correctedText(random, before)] as const;
		});
		expect([...pairs[0][0]]).toHaveLength(200);
		let i = 0;
		const diffMs = medianMs(() => {
			const [a, b] = pairs[i++ % pairs.length];
			return diffTexts(a, b);
		});
		const scoreMs = medianMs(() => {
			const [a, b] = pairs[i++ % pairs.length];
			return scoreTexts(a, b, { foldVariants: true, stripPunct: true, foldWidth: true });
		});
		expect(diffMs).toBeLessThan(1);
		expect(scoreMs).toBeLessThan(1);
	});
});
