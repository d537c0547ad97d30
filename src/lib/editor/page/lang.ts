/** Dialect codes of the default taxonomy that are also BCP 47 language subtags. */
const BCP47_DIALECTS = new Set(['cmn', 'yue', 'wuu', 'nan', 'hak', 'cdo', 'gan', 'hsn', 'cjy', 'hsn', 'cpx', 'czh', 'mnp']);

/**
 * The `lang` of a text field, so the browser and screen readers pick the right fonts, IME hints
 * and voice: romanization is Latin script, Mandarin translation is zh-CN, and the dialect layer
 * takes the segment's dialect (the root of its tag, e.g. yue for yue › Guangzhou), else zh.
 */
export function layerLang(
	layerKey: string,
	dialectTagId: string | null,
	tags: readonly { id: string; parentId: string | null; code: string }[]
): string {
	if (layerKey === 'romanization') return 'zh-Latn';
	if (layerKey === 'mandarin') return 'zh-CN';
	let tag = tags.find((t) => t.id === dialectTagId);
	while (tag?.parentId) tag = tags.find((t) => t.id === tag!.parentId) ?? undefined;
	const code = tag?.code.toLowerCase();
	return code && BCP47_DIALECTS.has(code) ? code : 'zh';
}
