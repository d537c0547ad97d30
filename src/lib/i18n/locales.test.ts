import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';
import { matchLocale } from './locales.ts';

describe(matchLocale.name, () => {
	it.each([
		['en', 'en'],
		['en-GB', 'en'],
		['zh', 'zh-CN'],
		['zh-CN', 'zh-CN'],
		['zh-Hans-CN', 'zh-CN'],
		['zh_TW', 'zh-CN'],
		['fr-FR', null],
		['', null],
		[undefined, null],
		[42, null]
	])('maps %s to %s', (tag, expected) => {
		expect(matchLocale(tag)).toBe(expected);
	});
});

type Dict = { [key: string]: string | Dict };

function keys(dict: Dict, prefix = ''): string[] {
	return Object.entries(dict).flatMap(([k, v]) =>
		typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)
	);
}

/** Argument names (`{name}`, `{count, plural, …}`), not the text of plural branches like `one {mono}`. */
function placeholders(message: string): string[] {
	const re = /(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{\s*(\w+)\s*[,}]/g;
	return [...message.matchAll(re)].map((m) => m[1]).sort();
}

describe('message files', () => {
	it('have the same keys in English and Simplified Chinese', () => {
		expect(keys(zhCN as Dict).sort()).toEqual(keys(en as Dict).sort());
	});

	it('use the same placeholders in both languages', () => {
		const flat = (dict: Dict) =>
			Object.fromEntries(
				keys(dict).map((k) => [k, k.split('.').reduce<string | Dict>((d, p) => (d as Dict)[p], dict) as string])
			);
		const enFlat = flat(en as Dict);
		const zhFlat = flat(zhCN as Dict);
		for (const key of Object.keys(enFlat)) {
			expect(new Set(placeholders(zhFlat[key])), key).toEqual(new Set(placeholders(enFlat[key])));
		}
	});
});
