/**
 * The dialect taxonomy as the settings page edits it: a nested draft, the moves the page offers
 * (drag and drop, and the keyboard's up/down/indent/outdent), the checks the server makes on
 * PUT /api/projects/:projectId/taxonomy (server/projects/projects.schemas.ts), and JSON import
 * and export in the body shape of that route. Pure functions: every edit returns a new tree.
 */

/** One node as the PUT body and the JSON export carry it. */
export interface TaxonomyNodeInput {
	code: string;
	nameEn: string;
	nameZh: string;
	children?: TaxonomyNodeInput[];
}

/** A node of the draft: `uid` identifies it while editing (the server id for saved tags). */
export interface DraftNode {
	uid: string;
	code: string;
	nameEn: string;
	nameZh: string;
	children: DraftNode[];
}

export type DropPosition = 'before' | 'after' | 'inside';

/** The server's limits (server/projects/projects.schemas.ts): keep in step. */
export const TAG_CODE_PATTERN = /^[a-z0-9-]{2,32}$/;
export const MAX_DEPTH = 5;
export const MAX_TAGS = 1000;
export const MAX_NAME = 100;

let counter = 0;
/** A uid for a node the server has not seen yet. */
export function newUid(): string {
	return `new-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

/** The project's tags (parents before children, as ProjectDto lists them) as a draft tree. */
export function treeFromTags(
	tags: readonly { id: string; parentId: string | null; code: string; nameEn: string; nameZh: string; sortOrder: number }[]
): DraftNode[] {
	const nodes = new Map<string, DraftNode>();
	for (const t of tags) nodes.set(t.id, { uid: t.id, code: t.code, nameEn: t.nameEn, nameZh: t.nameZh, children: [] });
	const roots: DraftNode[] = [];
	const ordered = [...tags].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
	for (const t of ordered) {
		const parent = t.parentId ? nodes.get(t.parentId) : undefined;
		(parent ? parent.children : roots).push(nodes.get(t.id)!);
	}
	return roots;
}

/** Imported nodes as a draft; a code the project already has keeps that tag's uid. */
export function treeFromInput(nodes: readonly TaxonomyNodeInput[], uidByCode: ReadonlyMap<string, string>): DraftNode[] {
	return nodes.map((n) => ({
		uid: uidByCode.get(n.code) ?? newUid(),
		code: n.code,
		nameEn: n.nameEn,
		nameZh: n.nameZh,
		children: treeFromInput(n.children ?? [], uidByCode)
	}));
}

/** The draft as the PUT body's `dialectTags` (names trimmed and NFC, as the server stores them). */
export function treeToInput(tree: readonly DraftNode[]): TaxonomyNodeInput[] {
	return tree.map((n) => {
		const node: TaxonomyNodeInput = {
			code: n.code.trim(),
			nameEn: n.nameEn.trim().normalize('NFC'),
			nameZh: n.nameZh.trim().normalize('NFC')
		};
		if (n.children.length > 0) node.children = treeToInput(n.children);
		return node;
	});
}

/** The JSON export: the PUT body, pretty-printed, with CJK as it is (never escaped). */
export function exportTaxonomyJson(tree: readonly DraftNode[]): string {
	return JSON.stringify({ dialectTags: treeToInput(tree) }, null, 2) + '\n';
}

export interface FlatRow {
	node: DraftNode;
	/** 1 for a top-level tag. */
	depth: number;
	parent: DraftNode | null;
	index: number;
	siblings: number;
}

/** Every node in display order (pre-order) with where it sits. */
export function flattenTree(tree: readonly DraftNode[]): FlatRow[] {
	const out: FlatRow[] = [];
	const walk = (list: readonly DraftNode[], parent: DraftNode | null, depth: number) => {
		list.forEach((node, index) => {
			out.push({ node, depth, parent, index, siblings: list.length });
			walk(node.children, node, depth + 1);
		});
	};
	walk(tree, null, 1);
	return out;
}

/** The node and every node below it. */
export function subtree(node: DraftNode): DraftNode[] {
	return [node, ...node.children.flatMap(subtree)];
}

/** Levels from `node` down to its deepest descendant (1 for a leaf). */
export function heightOf(node: DraftNode): number {
	return 1 + Math.max(0, ...node.children.map(heightOf));
}

function clone(tree: readonly DraftNode[]): DraftNode[] {
	return tree.map((n) => ({ ...n, children: clone(n.children) }));
}

interface Located {
	list: DraftNode[];
	index: number;
	parent: DraftNode | null;
	depth: number;
}

function locate(tree: DraftNode[], uid: string): Located | null {
	const walk = (list: DraftNode[], parent: DraftNode | null, depth: number): Located | null => {
		for (let index = 0; index < list.length; index++) {
			if (list[index].uid === uid) return { list, index, parent, depth };
			const found = walk(list[index].children, list[index], depth + 1);
			if (found) return found;
		}
		return null;
	};
	return walk(tree, null, 1);
}

export function findNode(tree: readonly DraftNode[], uid: string): DraftNode | null {
	const at = locate(tree as DraftNode[], uid);
	return at ? at.list[at.index] : null;
}

/** Changes a node's fields. */
export function updateNode(
	tree: readonly DraftNode[],
	uid: string,
	fields: Partial<Pick<DraftNode, 'code' | 'nameEn' | 'nameZh'>>
): DraftNode[] {
	const next = clone(tree);
	const at = locate(next, uid);
	if (at) Object.assign(at.list[at.index], fields);
	return next;
}

/** Adds `node` as the last child of `parentUid`, or at the top level for null. */
export function addNode(tree: readonly DraftNode[], parentUid: string | null, node: DraftNode): DraftNode[] {
	const next = clone(tree);
	if (parentUid === null) {
		next.push(node);
		return next;
	}
	const at = locate(next, parentUid);
	if (!at) return next;
	at.list[at.index].children.push(node);
	return next;
}

/** Removes a node with everything under it. */
export function removeNode(tree: readonly DraftNode[], uid: string): DraftNode[] {
	const next = clone(tree);
	const at = locate(next, uid);
	if (at) at.list.splice(at.index, 1);
	return next;
}

/** What the keyboard moves may do for `uid` right now. */
export function movesFor(tree: readonly DraftNode[], uid: string) {
	const at = locate(tree as DraftNode[], uid);
	if (!at) return { up: false, down: false, indent: false, outdent: false };
	const node = at.list[at.index];
	return {
		up: at.index > 0,
		down: at.index < at.list.length - 1,
		// Under the previous sibling, one level deeper.
		indent: at.index > 0 && at.depth + heightOf(node) <= MAX_DEPTH,
		outdent: at.parent !== null
	};
}

/** One place earlier (or later) among its siblings. */
export function moveSibling(tree: readonly DraftNode[], uid: string, delta: -1 | 1): DraftNode[] {
	const next = clone(tree);
	const at = locate(next, uid);
	if (!at) return next;
	const to = at.index + delta;
	if (to < 0 || to >= at.list.length) return next;
	const [node] = at.list.splice(at.index, 1);
	at.list.splice(to, 0, node);
	return next;
}

/** Makes the node the last child of its previous sibling. */
export function indentNode(tree: readonly DraftNode[], uid: string): DraftNode[] {
	if (!movesFor(tree, uid).indent) return clone(tree);
	const next = clone(tree);
	const at = locate(next, uid)!;
	const [node] = at.list.splice(at.index, 1);
	at.list[at.index - 1].children.push(node);
	return next;
}

/** Moves the node out of its parent, right after it. */
export function outdentNode(tree: readonly DraftNode[], uid: string): DraftNode[] {
	const next = clone(tree);
	const at = locate(next, uid);
	if (!at || !at.parent) return next;
	const parentAt = locate(next, at.parent.uid)!;
	const [node] = at.list.splice(at.index, 1);
	parentAt.list.splice(parentAt.index + 1, 0, node);
	return next;
}

/**
 * Whether `uid` may be dropped at `position` relative to `targetUid`: never onto itself or into
 * its own subtree, and never deeper than MAX_DEPTH.
 */
export function canDrop(tree: readonly DraftNode[], uid: string, targetUid: string, position: DropPosition): boolean {
	const source = locate(tree as DraftNode[], uid);
	const target = locate(tree as DraftNode[], targetUid);
	if (!source || !target) return false;
	const node = source.list[source.index];
	if (subtree(node).some((n) => n.uid === targetUid)) return false;
	const depth = position === 'inside' ? target.depth + 1 : target.depth;
	return depth + heightOf(node) - 1 <= MAX_DEPTH;
}

/** Drag and drop: `uid` goes before, after or inside (as last child of) `targetUid`. */
export function moveNode(tree: readonly DraftNode[], uid: string, targetUid: string, position: DropPosition): DraftNode[] {
	if (!canDrop(tree, uid, targetUid, position)) return clone(tree);
	const next = clone(tree);
	const source = locate(next, uid)!;
	const [node] = source.list.splice(source.index, 1);
	const target = locate(next, targetUid)!;
	if (position === 'inside') target.list[target.index].children.push(node);
	else target.list.splice(position === 'before' ? target.index : target.index + 1, 0, node);
	return next;
}

export type IssueKind =
	| 'code_pattern'
	| 'code_duplicate'
	| 'name_required'
	| 'name_too_long'
	| 'too_deep'
	| 'too_many'
	| 'not_json'
	| 'not_taxonomy'
	| 'not_a_node'
	| 'not_text'
	| 'not_a_list';

export interface TreeIssue {
	kind: IssueKind;
	/** Where: `dialectTags[1].children[0].code`, as in the JSON. */
	path: string;
	/** The draft node concerned, when there is one. */
	uid?: string;
	field?: 'code' | 'nameEn' | 'nameZh';
	/** The offending code, for duplicates and patterns. */
	code?: string;
}

/** The server's checks, per node and field, so the page can show each next to its input. */
export function validateTree(tree: readonly DraftNode[]): TreeIssue[] {
	const issues: TreeIssue[] = [];
	const seen = new Map<string, number>();
	for (const { node } of flattenTree(tree)) seen.set(node.code.trim(), (seen.get(node.code.trim()) ?? 0) + 1);
	let count = 0;
	const walk = (list: readonly DraftNode[], prefix: string, depth: number) => {
		list.forEach((node, i) => {
			count++;
			const path = `${prefix}[${i}]`;
			const code = node.code.trim();
			if (!TAG_CODE_PATTERN.test(code)) issues.push({ kind: 'code_pattern', path: `${path}.code`, uid: node.uid, field: 'code', code });
			else if ((seen.get(code) ?? 0) > 1) issues.push({ kind: 'code_duplicate', path: `${path}.code`, uid: node.uid, field: 'code', code });
			for (const field of ['nameEn', 'nameZh'] as const) {
				const name = node[field].trim().normalize('NFC');
				if (!name) issues.push({ kind: 'name_required', path: `${path}.${field}`, uid: node.uid, field });
				else if ([...name].length > MAX_NAME) issues.push({ kind: 'name_too_long', path: `${path}.${field}`, uid: node.uid, field });
			}
			if (depth > MAX_DEPTH) issues.push({ kind: 'too_deep', path, uid: node.uid });
			walk(node.children, `${path}.children`, depth + 1);
		});
	};
	walk(tree, 'dialectTags', 1);
	if (count > MAX_TAGS) issues.push({ kind: 'too_many', path: 'dialectTags' });
	return issues;
}

export type ImportResult = { ok: true; nodes: TaxonomyNodeInput[] } | { ok: false; issues: TreeIssue[] };

/** Above this many levels an import is refused as it is read, before anything walks it further. */
const READ_DEPTH_LIMIT = MAX_DEPTH + 1;

/**
 * Reads an imported file: the PUT body (`{ "dialectTags": [...] }`) or, leniently, the bare
 * array. Every problem is reported with its JSON path; nothing is returned unless all is well.
 */
export function parseTaxonomyJson(text: string): ImportResult {
	let value: unknown;
	try {
		value = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch {
		return { ok: false, issues: [{ kind: 'not_json', path: '' }] };
	}
	const list = Array.isArray(value) ? value : (value as { dialectTags?: unknown } | null)?.dialectTags;
	if (!Array.isArray(list)) return { ok: false, issues: [{ kind: 'not_taxonomy', path: '' }] };

	const issues: TreeIssue[] = [];
	const read = (items: unknown[], prefix: string, depth: number): TaxonomyNodeInput[] =>
		items.map((item, i) => {
			const path = `${prefix}[${i}]`;
			// A stand-in keeps the later siblings at their index, so every path stays true to the file.
			const node: TaxonomyNodeInput = { code: '', nameEn: '', nameZh: '' };
			if (!item || typeof item !== 'object' || Array.isArray(item)) {
				issues.push({ kind: 'not_a_node', path });
				return node;
			}
			const raw = item as Record<string, unknown>;
			for (const field of ['code', 'nameEn', 'nameZh'] as const) {
				if (typeof raw[field] === 'string') node[field] = raw[field] as string;
				else issues.push({ kind: 'not_text', path: `${path}.${field}`, field });
			}
			if (raw.children !== undefined) {
				if (!Array.isArray(raw.children)) issues.push({ kind: 'not_a_list', path: `${path}.children` });
				else if (depth >= READ_DEPTH_LIMIT) issues.push({ kind: 'too_deep', path });
				else if (raw.children.length > 0) node.children = read(raw.children, `${path}.children`, depth + 1);
			}
			return node;
		});
	const nodes = read(list, 'dialectTags', 1);
	// The server's checks too, but not again where the shape was already wrong. The uids of this
	// throwaway draft mean nothing to the caller.
	const shapeWrong = (path: string) => issues.some((i) => path === i.path || path.startsWith(`${i.path}.`));
	const checks = validateTree(treeFromInput(nodes, new Map()))
		.filter((i) => !shapeWrong(i.path))
		.map(({ kind, path, field, code }) => ({ kind, path, field, code }));
	const all = [...issues, ...checks].sort((a, b) => (orderKey(a.path) < orderKey(b.path) ? -1 : orderKey(a.path) > orderKey(b.path) ? 1 : 0));
	return all.length > 0 ? { ok: false, issues: all } : { ok: true, nodes };
}

/** Sorts JSON paths in file order: by index, and within a tag code, nameEn, nameZh, children. */
function orderKey(path: string): string {
	const rank: Record<string, string> = { code: '0', nameEn: '1', nameZh: '2', children: '3' };
	return path.replace(/\[(\d+)\]/g, (_, d: string) => `[${d.padStart(6, '0')}]`).replace(/\.(code|nameEn|nameZh|children)/g, (_, f: string) => `.${rank[f]}`);
}

/** Codes added, removed and kept going from `before` to `after`. */
export function diffCodes(before: readonly DraftNode[], after: readonly DraftNode[]) {
	const a = new Set(flattenTree(before).map((r) => r.node.code));
	const b = new Set(flattenTree(after).map((r) => r.node.code));
	return {
		added: [...b].filter((c) => !a.has(c)),
		removed: [...a].filter((c) => !b.has(c)),
		kept: [...b].filter((c) => a.has(c))
	};
}
