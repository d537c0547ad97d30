import { describe, expect, it } from 'vitest';
import { scoreDoubleTranscriptions, scoreGroups, scorePairs, scoreTexts, sumCounts } from './score.ts';

describe(scoreTexts.name, () => {
	it('CER by default, with the rate of N', () => {
		expect(scoreTexts('我们在这里', '我在那里')).toEqual({
			correct: 3,
			substitutions: 1,
			deletions: 1,
			insertions: 0,
			refLength: 5,
			errors: 2,
			errorRate: 0.4
		});
	});

	it('WER and mixed units; normalization on both sides', () => {
		expect(scoreTexts('Hello world', 'hello there world', { unit: 'word' })).toMatchObject({ substitutions: 1, insertions: 1 });
		expect(scoreTexts('Hello world', 'hello there world', { unit: 'word', foldCase: true })).toMatchObject({ errors: 1, errorRate: 0.5 });
		expect(scoreTexts('我用iPhone拍照', '我用iphone拍了照', { unit: 'mixed' })).toMatchObject({ refLength: 5, substitutions: 1, insertions: 1 });
		expect(scoreTexts('「我們在這裡。」', '我们在这里', { foldVariants: true, stripPunct: true })).toMatchObject({ errors: 0, refLength: 5 });
	});

	it('has no rate for an empty reference', () => {
		expect(scoreTexts('', 'abc')).toMatchObject({ insertions: 3, refLength: 0, errorRate: null });
		expect(scoreTexts(' ，', '', { stripPunct: true })).toMatchObject({ errors: 0, errorRate: null });
	});
});

describe(scorePairs.name, () => {
	it('rates the sum, not the mean of the items’ rates', () => {
		const { total, items } = scorePairs([
			{ ref: '一', hyp: '二' },
			{ ref: '一二三四五六七八九', hyp: '一二三四五六七八九' }
		]);
		expect(items.map((i) => i.errorRate)).toEqual([1, 0]);
		expect(total).toMatchObject({ errors: 1, refLength: 10, errorRate: 0.1 });
	});
});

describe(scoreGroups.name, () => {
	it('totals per group, in order of first appearance', () => {
		const groups = scoreGroups([
			{ group: 'ana', ref: '我们在这里', hyp: '我在那里' },
			{ group: 'bo', ref: 'abc', hyp: 'abc' },
			{ group: 'ana', ref: '好', hyp: '' }
		]);
		expect(groups.map((g) => [g.group, g.pairs, g.total.errors, g.total.refLength])).toEqual([
			['ana', 2, 3, 6],
			['bo', 1, 0, 3]
		]);
		expect(groups[0].total.errorRate).toBe(0.5);
	});
});

describe(scoreDoubleTranscriptions.name, () => {
	it('scores both ways; the symmetric rate does not depend on which is called a', () => {
		const pairs = [
			{ a: '我们在这里', b: '我在那里' },
			{ a: '好', b: '好的' }
		];
		const forward = scoreDoubleTranscriptions(pairs);
		const backward = scoreDoubleTranscriptions(pairs.map(({ a, b }) => ({ a: b, b: a })));
		expect(forward.aAsRef).toMatchObject({ deletions: 1, insertions: 1, refLength: 6 });
		expect(forward.bAsRef).toMatchObject({ deletions: 1, insertions: 1, refLength: 6 });
		expect(forward.symmetricErrorRate).toBe((3 + 3) / 12);
		expect(backward.symmetricErrorRate).toBe(forward.symmetricErrorRate);
		expect(scoreDoubleTranscriptions([{ a: '', b: '' }]).symmetricErrorRate).toBeNull();
	});
});

describe(sumCounts.name, () => {
	it('of nothing is zero with no rate', () => {
		expect(sumCounts([])).toEqual({ correct: 0, substitutions: 0, deletions: 0, insertions: 0, refLength: 0, errors: 0, errorRate: null });
	});
});
