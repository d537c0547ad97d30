/** A dialect tag of the project's taxonomy (DialectTagDto's shape). */
export interface TagLike {
	readonly id: string;
	readonly parentId: string | null;
	readonly code: string;
	readonly nameEn: string;
	readonly nameZh: string;
	readonly sortOrder?: number;
}

export interface TagOption<T extends TagLike = TagLike> {
	tag: T;
	/** "yue › Guangzhou" (or "粤语 › 广州话"): ancestors' codes, then the tag's own name. */
	path: string;
	depth: number;
}

/** Every tag in tree order (parents before children, siblings by sortOrder), with its display path. */
export function tagOptions<T extends TagLike>(tags: readonly T[], zh: boolean): TagOption<T>[] {
	const children = new Map<string | null, T[]>();
	for (const t of tags) {
		const key = t.parentId && tags.some((p) => p.id === t.parentId) ? t.parentId : null;
		children.set(key, [...(children.get(key) ?? []), t]);
	}
	for (const list of children.values()) list.sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0) || a.code.localeCompare(b.code));
	const out: TagOption<T>[] = [];
	const walk = (parentId: string | null, prefix: string, depth: number) => {
		for (const t of children.get(parentId) ?? []) {
			const name = (zh ? t.nameZh || t.nameEn : t.nameEn || t.nameZh) || t.code;
			const path = depth === 0 ? `${t.code} · ${name}` : `${prefix} › ${name}`;
			out.push({ tag: t, path, depth });
			walk(t.id, depth === 0 ? t.code : `${prefix} › ${name}`, depth + 1);
		}
	};
	walk(null, '', 0);
	return out;
}

/**
 * Options matching `query` by code, English or Chinese name (case-insensitive, any part of the
 * path), codes that start with the query first.
 */
export function searchTags<T extends TagLike>(options: readonly TagOption<T>[], query: string): TagOption<T>[] {
	const q = query.trim().normalize('NFC').toLowerCase();
	if (!q) return [...options];
	const score = (o: TagOption<T>) => {
		const { code, nameEn, nameZh } = o.tag;
		if (code.toLowerCase() === q) return 0;
		if (code.toLowerCase().startsWith(q)) return 1;
		if (nameEn.toLowerCase().startsWith(q) || nameZh.startsWith(q)) return 2;
		if (`${code} ${nameEn} ${nameZh} ${o.path}`.toLowerCase().includes(q)) return 3;
		return -1;
	};
	return options
		.map((o, i) => ({ o, i, s: score(o) }))
		.filter((x) => x.s >= 0)
		.sort((a, b) => a.s - b.s || a.i - b.i)
		.map((x) => x.o);
}
