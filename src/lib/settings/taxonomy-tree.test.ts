import { describe, expect, it } from 'vitest';
import {
	canDrop,
	diffCodes,
	exportTaxonomyJson,
	flattenTree,
	indentNode,
	moveNode,
	moveSibling,
	movesFor,
	outdentNode,
	parseTaxonomyJson,
	removeNode,
	treeFromInput,
	treeFromTags,
	treeToInput,
	validateTree,
	type DraftNode,
	type TaxonomyNodeInput
} from './taxonomy-tree.ts';

const TAGS = [
	{ id: 'cmn', parentId: null, code: 'cmn', nameEn: 'Mandarin', nameZh: '官话', sortOrder: 0 },
	{ id: 'yue', parentId: null, code: 'yue', nameEn: 'Yue', nameZh: '粤语', sortOrder: 1 },
	{ id: 'yue-hk', parentId: 'yue', code: 'yue-hk', nameEn: 'Hong Kong', nameZh: '香港粤语', sortOrder: 1 },
	{ id: 'yue-gz', parentId: 'yue', code: 'yue-gz', nameEn: 'Guangzhou', nameZh: '广州话', sortOrder: 0 },
	{ id: 'wuu', parentId: null, code: 'wuu', nameEn: 'Wu', nameZh: '吴语', sortOrder: 2 }
];

const shape = (tree: readonly DraftNode[]): string =>
	tree.map((n) => (n.children.length ? `${n.code}(${shape(n.children)})` : n.code)).join(' ');

const chain = (depth: number): TaxonomyNodeInput => ({
	code: `d${depth}x`,
	nameEn: 'x',
	nameZh: 'x',
	...(depth > 1 ? { children: [chain(depth - 1)] } : {})
});

describe(treeFromTags.name, () => {
	it('nests tags under their parents, siblings by sortOrder', () => {
		expect(shape(treeFromTags(TAGS))).toBe('cmn yue(yue-gz yue-hk) wuu');
	});

	it('round-trips through the PUT body shape, trimming and normalising names', () => {
		const tree = treeFromTags(TAGS);
		tree[0].nameEn = '  Cafe\u0301 ';
		const input = treeToInput(tree);
		expect(input[0]).toEqual({ code: 'cmn', nameEn: 'Caf\u00e9', nameZh: '官话' });
		expect(input[1].children?.map((c) => c.code)).toEqual(['yue-gz', 'yue-hk']);
		expect('children' in input[2]).toBe(false);
		const again = treeFromInput(input, new Map(TAGS.map((t) => [t.code, t.id])));
		expect(again[1].children[0].uid).toBe('yue-gz');
	});
});

describe('keyboard moves', () => {
	const tree = treeFromTags(TAGS);

	it('moves up and down among siblings, and says when it cannot', () => {
		expect(shape(moveSibling(tree, 'wuu', -1))).toBe('cmn wuu yue(yue-gz yue-hk)');
		expect(shape(moveSibling(tree, 'yue-gz', 1))).toBe('cmn yue(yue-hk yue-gz) wuu');
		expect(movesFor(tree, 'cmn')).toMatchObject({ up: false, down: true, indent: false, outdent: false });
		expect(shape(moveSibling(tree, 'cmn', -1))).toBe(shape(tree));
		// The input is never changed.
		expect(shape(tree)).toBe('cmn yue(yue-gz yue-hk) wuu');
	});

	it('indents under the previous sibling and outdents to after the parent', () => {
		const indented = indentNode(tree, 'wuu');
		expect(shape(indented)).toBe('cmn yue(yue-gz yue-hk wuu)');
		expect(shape(outdentNode(indented, 'wuu'))).toBe('cmn yue(yue-gz yue-hk) wuu');
		expect(shape(outdentNode(tree, 'yue-gz'))).toBe('cmn yue(yue-hk) yue-gz wuu');
		expect(movesFor(tree, 'yue-hk')).toMatchObject({ up: true, indent: true, outdent: true });
	});

	it('does not indent past the deepest level the server allows', () => {
		const deep = treeFromInput([{ code: 'top', nameEn: 't', nameZh: 't' }, chain(5)], new Map());
		expect(movesFor(deep, deep[1].uid).indent).toBe(false);
		const four = treeFromInput([{ code: 'top', nameEn: 't', nameZh: 't' }, chain(4)], new Map());
		expect(movesFor(four, four[1].uid).indent).toBe(true);
	});
});

describe(moveNode.name, () => {
	const tree = treeFromTags(TAGS);

	it('drops before, after or inside another node', () => {
		expect(shape(moveNode(tree, 'wuu', 'yue-gz', 'before'))).toBe('cmn yue(wuu yue-gz yue-hk)');
		expect(shape(moveNode(tree, 'cmn', 'wuu', 'after'))).toBe('yue(yue-gz yue-hk) wuu cmn');
		expect(shape(moveNode(tree, 'yue-hk', 'cmn', 'inside'))).toBe('cmn(yue-hk) yue(yue-gz) wuu');
		// A subtree moves whole.
		expect(shape(moveNode(tree, 'yue', 'wuu', 'inside'))).toBe('cmn wuu(yue(yue-gz yue-hk))');
	});

	it('refuses a drop onto itself or into its own subtree', () => {
		expect(canDrop(tree, 'yue', 'yue-gz', 'inside')).toBe(false);
		expect(canDrop(tree, 'yue', 'yue', 'after')).toBe(false);
		expect(shape(moveNode(tree, 'yue', 'yue-hk', 'after'))).toBe(shape(tree));
		expect(canDrop(tree, 'yue-gz', 'yue', 'before')).toBe(true);
	});

	it('refuses a drop that would nest deeper than five levels', () => {
		const deep = treeFromInput([chain(4), { code: 'pair', nameEn: 'p', nameZh: 'p', children: [{ code: 'kid', nameEn: 'k', nameZh: 'k' }] }], new Map());
		const leaf = flattenTree(deep).find((r) => r.depth === 4)!.node;
		expect(canDrop(deep, deep[1].uid, leaf.uid, 'inside')).toBe(false);
		expect(canDrop(deep, deep[1].children[0].uid, leaf.uid, 'inside')).toBe(true);
	});

	it('removes a node with its subtree', () => {
		expect(shape(removeNode(tree, 'yue'))).toBe('cmn wuu');
	});
});

describe(validateTree.name, () => {
	it('reports each bad code and empty name at its node and field', () => {
		const tree = treeFromTags(TAGS);
		tree[0].code = 'CMN';
		tree[1].children[1].code = 'wuu';
		tree[2].nameZh = '  ';
		const issues = validateTree(tree);
		expect(issues.map((i) => [i.kind, i.path])).toEqual([
			['code_pattern', 'dialectTags[0].code'],
			['code_duplicate', 'dialectTags[1].children[1].code'],
			['code_duplicate', 'dialectTags[2].code'],
			['name_required', 'dialectTags[2].nameZh']
		]);
		expect(issues[0]).toMatchObject({ uid: 'cmn', field: 'code', code: 'CMN' });
		expect(validateTree(treeFromTags(TAGS))).toEqual([]);
	});

	it('counts names in characters, not UTF-16 units', () => {
		const tree = treeFromInput([{ code: 'ok', nameEn: 'x', nameZh: '𠜎'.repeat(100) }], new Map());
		expect(validateTree(tree)).toEqual([]);
		tree[0].nameZh += '𠜎';
		expect(validateTree(tree)[0].kind).toBe('name_too_long');
	});
});

describe(parseTaxonomyJson.name, () => {
	it('reads the export back, and the bare array too', () => {
		const tree = treeFromTags(TAGS);
		const json = exportTaxonomyJson(tree);
		expect(json).toContain('"粤语"');
		const parsed = parseTaxonomyJson(json);
		expect(parsed).toEqual({ ok: true, nodes: treeToInput(tree) });
		expect(parseTaxonomyJson(JSON.stringify(treeToInput(tree))).ok).toBe(true);
		expect(parseTaxonomyJson('\uFEFF' + json).ok).toBe(true);
	});

	it('names every problem with its path and applies nothing', () => {
		expect(parseTaxonomyJson('{"dialectTags": [')).toEqual({ ok: false, issues: [{ kind: 'not_json', path: '' }] });
		expect(parseTaxonomyJson('{"tags": []}')).toEqual({ ok: false, issues: [{ kind: 'not_taxonomy', path: '' }] });
		const bad = parseTaxonomyJson(
			JSON.stringify({
				dialectTags: [
					{ code: 'yue', nameEn: 'Yue', nameZh: 3, children: 'none' },
					'cmn',
					{ code: 'hak', nameEn: 'Hakka', nameZh: '客家话', children: [{ code: 'X', nameEn: '', nameZh: '梅县' }] }
				]
			})
		);
		expect(bad.ok).toBe(false);
		if (bad.ok) return;
		// Shape and content problems together, each once, at its place in the file.
		expect(bad.issues.map((i) => [i.kind, i.path])).toEqual([
			['not_text', 'dialectTags[0].nameZh'],
			['not_a_list', 'dialectTags[0].children'],
			['not_a_node', 'dialectTags[1]'],
			['code_pattern', 'dialectTags[2].children[0].code'],
			['name_required', 'dialectTags[2].children[0].nameEn']
		]);
		const dup = parseTaxonomyJson(JSON.stringify([{ code: 'yue', nameEn: 'a', nameZh: 'a' }, { code: 'yue', nameEn: 'b', nameZh: 'b' }]));
		expect(dup.ok ? [] : dup.issues.map((i) => [i.kind, i.path, i.code])).toEqual([
			['code_duplicate', 'dialectTags[0].code', 'yue'],
			['code_duplicate', 'dialectTags[1].code', 'yue']
		]);
	});

	it('stops reading a deeply nested file at the depth limit', () => {
		// Written as text: JSON.stringify itself overflows the stack on 5,000 levels.
		const open = '{"code":"nn","nameEn":"n","nameZh":"n","children":['.repeat(5000);
		const text = `{"dialectTags":[${open}{"code":"leaf","nameEn":"l","nameZh":"l"}${']}'.repeat(5000)}]}`;
		const result = parseTaxonomyJson(text);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.issues.some((i) => i.kind === 'too_deep')).toBe(true);
		expect(parseTaxonomyJson(JSON.stringify({ dialectTags: [chain(5)] })).ok).toBe(true);
		expect(parseTaxonomyJson(JSON.stringify({ dialectTags: [chain(6)] })).ok).toBe(false);
	});
});

describe(diffCodes.name, () => {
	it('lists added, removed and kept codes', () => {
		const before = treeFromTags(TAGS);
		const after = treeFromInput([{ code: 'yue', nameEn: 'Yue', nameZh: '粤语' }, { code: 'hak', nameEn: 'Hakka', nameZh: '客家话' }], new Map());
		expect(diffCodes(before, after)).toEqual({ added: ['hak'], removed: ['cmn', 'yue-gz', 'yue-hk', 'wuu'], kept: ['yue'] });
	});
});
