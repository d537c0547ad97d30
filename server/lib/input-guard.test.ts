import { describe, expect, it } from 'vitest';
import { findTextProblem, jsonDepth, jsonDepthExceeds, textProblem } from './input-guard.ts';

describe(textProblem.name, () => {
	it('refuses NUL and lone surrogates, and keeps every other text', () => {
		expect(textProblem('a\u0000')).toMatch(/NUL/);
		expect(textProblem('\ud83d')).toMatch(/surrogate/);
		expect(textProblem('x\udc00y')).toMatch(/surrogate/);
		for (const fine of ['', '粤语 客家话', '😀 paired surrogates', '\u0001\t\n', 'e\u0301']) expect(textProblem(fine)).toBeNull();
	});
});

describe(findTextProblem.name, () => {
	it('names the path of the first bad string or key, at any depth, without recursion', () => {
		expect(findTextProblem({ a: [1, { b: 'ok' }, { c: 'bad\u0000' }] })).toEqual({ path: 'a.2.c', message: expect.stringMatching(/NUL/) });
		expect(findTextProblem({ a: { ['k\ud800']: 1 } })).toEqual({ path: 'a', message: expect.stringMatching(/key .*surrogate/) });
		expect(findTextProblem(['\u0000'])).toEqual({ path: '0', message: expect.stringMatching(/NUL/) });
		let deep: unknown = 'end\u0000';
		for (let i = 0; i < 100_000; i++) deep = [deep];
		expect(findTextProblem(deep)?.path.split('.')).toHaveLength(100_000);
		expect(findTextProblem({ fine: ['粤', 1, null, true] })).toBeNull();
	});
});

describe(jsonDepthExceeds.name, () => {
	it('counts nesting outside strings only', () => {
		expect(jsonDepthExceeds('[[[1]]]', 3)).toBe(false);
		expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
		expect(jsonDepthExceeds('{"a":"[[[[[[[[[[{{{{"}', 2)).toBe(false);
		expect(jsonDepthExceeds('{"a\\"[[[[":"\\\\"}', 1)).toBe(false);
		expect(jsonDepthExceeds('[' + '{"k":'.repeat(50) + '1' + '}'.repeat(50) + ']', 32)).toBe(true);
	});
});

describe(jsonDepth.name, () => {
	it('measures parsed values: scalars 0, containers one more than their deepest child', () => {
		expect(jsonDepth('x')).toBe(0);
		expect(jsonDepth({})).toBe(1);
		expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
	});
});
