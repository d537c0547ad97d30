import { compactTexts, type InteropSegment } from './model.ts';

/**
 * The preview of an import: what merging (or replacing) a recording's segments with a file's
 * would add, change and remove, per speaker and per layer. Pure; the caller maps database rows to
 * `ExistingSegment` (speaker and dialect as codes, like the file's).
 *
 * An incoming segment matches an existing one of the same speaker whose start and end are both
 * within `toleranceMs` (default 1 ms: what a TextGrid/EAF round-trip keeps); the closest wins.
 * - merge: matched pairs are `changed` (a text, the dialect or the status differs) or `unchanged`;
 *   unmatched incoming segments are `added`; unmatched existing ones are kept (`unchanged`).
 * - replace: as merge, but unmatched existing segments are `removed`.
 * A field the file does not carry is not a change: a null status or dialect, and a layer outside
 * `layers` (the file's layers, `doc.layers`; default: every layer either side has), keep the
 * existing value when merging.
 */

export interface ExistingSegment {
	id: string;
	startMs: number;
	endMs: number;
	speaker: string | null;
	dialect: string | null;
	texts: Record<string, string>;
	status: string | null;
}

export type ChangeKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface SegmentChange<E extends ExistingSegment = ExistingSegment> {
	kind: ChangeKind;
	existing: E | null;
	incoming: InteropSegment | null;
	/** What differs: layer keys, `dialect`, `status`, `times` (within tolerance it is not a change). */
	fields: string[];
}

export interface ImportPreview<E extends ExistingSegment = ExistingSegment> {
	changes: SegmentChange<E>[];
	totals: Record<ChangeKind, number>;
	/** Per speaker code (`(none)` for none): counts of added / changed / removed segments. */
	bySpeaker: Record<string, Record<Exclude<ChangeKind, 'unchanged'>, number>>;
	/** Per layer key (and `dialect`, `status`): segments whose value there is added / changed / removed. */
	byLayer: Record<string, Record<Exclude<ChangeKind, 'unchanged'>, number>>;
}

export function previewImport<E extends ExistingSegment>(
	existing: readonly E[],
	incoming: readonly InteropSegment[],
	options: { mode: 'merge' | 'replace'; toleranceMs?: number; layers?: readonly string[] }
): ImportPreview<E> {
	const tolerance = options.toleranceMs ?? 1;
	const fileLayers = options.layers ? new Set(options.layers) : null;
	const bySpeaker = new Map<string | null, E[]>();
	for (const e of [...existing].sort((a, b) => a.startMs - b.startMs)) {
		let list = bySpeaker.get(e.speaker);
		if (!list) bySpeaker.set(e.speaker, (list = []));
		list.push(e);
	}
	const used = new Set<E>();
	const changes: SegmentChange<E>[] = [];
	for (const s of incoming) {
		const candidates = bySpeaker.get(s.speaker) ?? [];
		let best: E | null = null;
		let bestDistance = Infinity;
		// Candidates are sorted by start: binary search the window [start - tolerance, start + tolerance].
		let lo = 0;
		let hi = candidates.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (candidates[mid].startMs < s.startMs - tolerance) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < candidates.length && candidates[i].startMs <= s.startMs + tolerance; i++) {
			const c = candidates[i];
			if (used.has(c) || Math.abs(c.endMs - s.endMs) > tolerance) continue;
			const distance = Math.abs(c.startMs - s.startMs) + Math.abs(c.endMs - s.endMs);
			if (distance < bestDistance) {
				best = c;
				bestDistance = distance;
			}
		}
		if (!best) {
			changes.push({ kind: 'added', existing: null, incoming: s, fields: fieldsOf(null, s) });
			continue;
		}
		used.add(best);
		const fields = differences(best, s, fileLayers);
		changes.push({ kind: fields.length > 0 ? 'changed' : 'unchanged', existing: best, incoming: s, fields });
	}
	for (const e of existing) {
		if (used.has(e)) continue;
		changes.push(options.mode === 'replace' ? { kind: 'removed', existing: e, incoming: null, fields: fieldsOf(e, null) } : { kind: 'unchanged', existing: e, incoming: null, fields: [] });
	}

	const totals: Record<ChangeKind, number> = { added: 0, changed: 0, removed: 0, unchanged: 0 };
	const speakers: ImportPreview<E>['bySpeaker'] = {};
	const layers: ImportPreview<E>['byLayer'] = {};
	for (const change of changes) {
		totals[change.kind]++;
		if (change.kind === 'unchanged') continue;
		const speaker = (change.incoming ?? change.existing)!.speaker ?? '(none)';
		(speakers[speaker] ??= { added: 0, changed: 0, removed: 0 })[change.kind]++;
		for (const field of change.fields) {
			if (field === 'times') continue;
			const kind = change.kind === 'changed' ? layerChange(change.existing!, change.incoming!, field) : change.kind;
			(layers[field] ??= { added: 0, changed: 0, removed: 0 })[kind]++;
		}
	}
	return { changes, totals, bySpeaker: speakers, byLayer: layers };
}

function valueOf(s: ExistingSegment | InteropSegment, field: string): string | null {
	if (field === 'dialect') return s.dialect;
	if (field === 'status') return s.status;
	return compactTexts(s.texts)[field] ?? null;
}

function fieldsOf(e: ExistingSegment | null, s: InteropSegment | null): string[] {
	const seg = (e ?? s)!;
	return [...Object.keys(compactTexts(seg.texts)), ...(seg.dialect !== null ? ['dialect'] : []), ...(seg.status !== null ? ['status'] : [])];
}

function differences(e: ExistingSegment, s: InteropSegment, fileLayers: Set<string> | null): string[] {
	const out: string[] = [];
	if (e.startMs !== s.startMs || e.endMs !== s.endMs) out.push('times');
	const keys = new Set([...Object.keys(compactTexts(e.texts)), ...Object.keys(compactTexts(s.texts))]);
	for (const key of keys) if ((!fileLayers || fileLayers.has(key)) && valueOf(e, key) !== valueOf(s, key)) out.push(key);
	if (s.dialect !== null && s.dialect !== e.dialect) out.push('dialect');
	if (s.status !== null && s.status !== e.status) out.push('status');
	return out;
}

function layerChange(e: ExistingSegment, s: InteropSegment, field: string): Exclude<ChangeKind, 'unchanged'> {
	const before = valueOf(e, field);
	const after = valueOf(s, field);
	return before === null ? 'added' : after === null ? 'removed' : 'changed';
}
