import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';

describe(tokenize.name, () => {
	const text = '我用iPhone拍了 3张 café 😀ok x-y';

	it('word: whitespace-separated words', () => {
		expect(tokenize(text, 'word')).toEqual(['我用iPhone拍了', '3张', 'café', '😀ok', 'x-y']);
	});

	it('char: every code point but spaces, as sclite -c (combining marks and emoji included)', () => {
		expect(tokenize(text, 'char')).toEqual([
			...'我用iPhone拍了',
			'3',
			'张',
			'c',
			'a',
			'f',
			'é',
			'😀',
			'o',
			'k',
			'x',
			'-',
			'y'
		]);
		expect(tokenize('Pe\u030dh', 'char')).toEqual(['P', 'e', '\u030d', 'h']);
	});

	it('mixed: ASCII runs whole, other code points one by one, as sclite -c NOASCII', () => {
		expect(tokenize(text, 'mixed')).toEqual(['我', '用', 'iPhone', '拍', '了', '3', '张', 'caf', 'é', '😀', 'ok', 'x-y']);
	});

	it('gives no tokens for empty or blank text', () => {
		for (const unit of ['char', 'mixed', 'word'] as const) {
			expect(tokenize('', unit)).toEqual([]);
			expect(tokenize(' \t\u3000 ', unit)).toEqual([]);
		}
	});
});
