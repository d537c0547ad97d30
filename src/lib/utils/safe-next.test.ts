import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe(safeNext.name, () => {
	it.each([
		['/projects/demo?x=1', '/projects/demo?x=1'],
		['/', '/'],
		[null, '/'],
		['', '/'],
		['https://evil.example/', '/'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['/a\nb', '/'],
		['projects', '/']
	])('turns %s into %s', (input, expected) => {
		expect(safeNext(input)).toBe(expected);
	});
});
