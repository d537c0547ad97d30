/** One node of a dialect taxonomy as an admin edits it: children nest, codes identify. */
export interface TaxonomyNode {
	code: string;
	nameEn: string;
	nameZh: string;
	children?: TaxonomyNode[];
}

export interface TextLayerInput {
	key: string;
	nameEn: string;
	nameZh: string;
}

/**
 * The taxonomy every new project starts with: the major Sinitic groups by ISO 639-3 code, with a
 * few well-documented sub-varieties under project-chosen codes (`<group>-<place>`). Projects edit it
 * freely; the grouping is contested (Common Voice argues `yue` vs `zh-HK`), so this is a start only.
 */
export const DEFAULT_DIALECT_TAXONOMY: TaxonomyNode[] = [
	{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' },
	{
		code: 'yue',
		nameEn: 'Cantonese (Yue)',
		nameZh: '粤语',
		children: [
			{ code: 'yue-gz', nameEn: 'Guangzhou', nameZh: '广州话' },
			{ code: 'yue-hk', nameEn: 'Hong Kong', nameZh: '香港粤语' },
			{ code: 'yue-ts', nameEn: 'Taishanese', nameZh: '台山话' }
		]
	},
	{
		code: 'wuu',
		nameEn: 'Wu',
		nameZh: '吴语',
		children: [
			{ code: 'wuu-sh', nameEn: 'Shanghainese', nameZh: '上海话' },
			{ code: 'wuu-sz', nameEn: 'Suzhou', nameZh: '苏州话' }
		]
	},
	{
		code: 'nan',
		nameEn: 'Southern Min',
		nameZh: '闽南语',
		children: [
			{ code: 'nan-hok', nameEn: 'Hokkien', nameZh: '泉漳话 (福建话)' },
			{ code: 'nan-tc', nameEn: 'Teochew', nameZh: '潮州话' }
		]
	},
	{
		code: 'hak',
		nameEn: 'Hakka',
		nameZh: '客家话',
		children: [
			{ code: 'hak-mx', nameEn: 'Meixian', nameZh: '梅县话' },
			{ code: 'hak-sx', nameEn: 'Sixian', nameZh: '四县话' }
		]
	},
	{
		code: 'cdo',
		nameEn: 'Eastern Min',
		nameZh: '闽东语',
		children: [{ code: 'cdo-fz', nameEn: 'Fuzhou', nameZh: '福州话' }]
	},
	{
		code: 'gan',
		nameEn: 'Gan',
		nameZh: '赣语',
		children: [{ code: 'gan-nc', nameEn: 'Nanchang', nameZh: '南昌话' }]
	},
	{
		code: 'hsn',
		nameEn: 'Xiang',
		nameZh: '湘语',
		children: [{ code: 'hsn-cs', nameEn: 'Changsha', nameZh: '长沙话' }]
	},
	{
		code: 'cjy',
		nameEn: 'Jin',
		nameZh: '晋语',
		children: [{ code: 'cjy-ty', nameEn: 'Taiyuan', nameZh: '太原话' }]
	}
];

/** The text layers every new project's segments carry, in display order. */
export const DEFAULT_TEXT_LAYERS: TextLayerInput[] = [
	{ key: 'transcript', nameEn: 'Transcript', nameZh: '转写 (方言字)' },
	{ key: 'romanization', nameEn: 'Romanization', nameZh: '拼音/罗马字' },
	{ key: 'mandarin', nameEn: 'Mandarin translation', nameZh: '普通话翻译' }
];
