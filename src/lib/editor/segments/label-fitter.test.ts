import { describe, expect, it } from 'vitest';
import { ELLIPSIS, LabelFitter } from './label-fitter.ts';

// A monospace-ish fake: CJK 12 px, everything else 6 px, the ellipsis 8 px.
const measure = (s: string) => (s === ELLIPSIS ? 8 : /\p{Script=Han}/u.test(s) ? 12 : 6);

describe(LabelFitter.name, () => {
	it('returns the whole text when it fits, else a prefix and an ellipsis', () => {
		const f = new LabelFitter(measure);
		expect(f.width('你好ab')).toBe(36);
		expect(f.fit('你好ab', 36)).toBe('你好ab');
		expect(f.fit('你好ab', 35)).toBe('你好' + ELLIPSIS); // 24 + 8 ≤ 35
		expect(f.fit('你好ab', 20)).toBe('你' + ELLIPSIS);
		expect(f.fit('你好ab', 19)).toBe('');
		expect(f.fit('', 100)).toBe('');
	});

	it('collapses whitespace and never splits a surrogate pair', () => {
		const f = new LabelFitter(measure);
		expect(f.fit('a\n\n b', 100)).toBe('a b');
		expect(f.fit('𠀀𠀀𠀀', 22)).toBe('𠀀' + ELLIPSIS);
	});

	it('measures each character once and each text once', () => {
		const f = new LabelFitter(measure);
		const before = f.measureCalls;
		for (let i = 0; i < 100; i++) {
			f.fit('你好你好', 30 + (i % 3));
			f.fit('好你', 10);
		}
		expect(f.measureCalls - before).toBe(2); // 你, 好
		f.reset();
		f.fit('你', 100);
		expect(f.measureCalls).toBe(before + 2 + 2); // ellipsis again + 你
	});
});

describe('LabelFitter.fitWidth', () => {
	it('reports the width of the fitted label', () => {
		const f = new LabelFitter(measure);
		expect(f.fitWidth('你好ab', 100)).toBe(36);
		expect(f.fitWidth('你好ab', 35)).toBe(32);
		expect(f.fitWidth('你好ab', 5)).toBe(0);
	});
});
