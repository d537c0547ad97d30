import { describe, expect, it } from 'vitest';
import { searchTags, tagOptions } from './tags.ts';

const TAGS = [
	{ id: 'y', parentId: null, code: 'yue', nameEn: 'Cantonese', nameZh: '粤语', sortOrder: 1 },
	{ id: 'g', parentId: 'y', code: 'yue-gz', nameEn: 'Guangzhou', nameZh: '广州话', sortOrder: 0 },
	{ id: 'c', parentId: null, code: 'cmn', nameEn: 'Mandarin', nameZh: '官话', sortOrder: 0 }
];

describe(tagOptions.name, () => {
	it('lists parents before children with hierarchical paths', () => {
		expect(tagOptions(TAGS, false).map((o) => o.path)).toEqual(['cmn · Mandarin', 'yue · Cantonese', 'yue › Guangzhou']);
		expect(tagOptions(TAGS, true).map((o) => o.path)).toEqual(['cmn · 官话', 'yue · 粤语', 'yue › 广州话']);
	});
});

describe(searchTags.name, () => {
	it('finds tags by code, English or Chinese name', () => {
		const options = tagOptions(TAGS, false);
		expect(searchTags(options, 'yue').map((o) => o.tag.id)).toEqual(['y', 'g']);
		expect(searchTags(options, 'guang').map((o) => o.tag.id)).toEqual(['g']);
		expect(searchTags(options, '广州').map((o) => o.tag.id)).toEqual(['g']);
		expect(searchTags(options, 'zzz')).toEqual([]);
		expect(searchTags(options, '')).toHaveLength(3);
	});
});
