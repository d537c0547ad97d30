import { SCALAR_FIELDS, type FieldKey, type SegmentData, type SegmentLike } from './types.ts';

/**
 * A plain, structured-clone-safe copy of a segment's saved fields. Editor state may be a Svelte
 * proxy, which IndexedDB cannot store, and must not be shared with the outbox by reference.
 */
export function snapshotSegment(segment: SegmentLike, recordingId?: string): SegmentData {
	const texts: Record<string, string> = {};
	for (const [key, value] of Object.entries(segment.texts ?? {})) texts[key] = String(value ?? '');
	return {
		id: segment.id,
		recordingId: segment.recordingId ?? recordingId ?? '',
		startMs: segment.startMs,
		endMs: segment.endMs,
		speakerId: segment.speakerId ?? null,
		dialectTagId: segment.dialectTagId ?? null,
		texts,
		status: segment.status,
		version: segment.version ?? 0,
		...(segment.variant ? { variant: segment.variant } : {})
	};
}

export function getField(segment: SegmentData | null, field: FieldKey): string | number | null {
	if (!segment) return null;
	if (field.startsWith('texts.')) return segment.texts[field.slice(6)] ?? '';
	return segment[field as keyof SegmentData] as string | number | null;
}

/** Returns a copy of `segment` with `field` set to `value`. */
export function withField(segment: SegmentData, field: FieldKey, value: string | number | null): SegmentData {
	if (field.startsWith('texts.')) {
		return { ...segment, texts: { ...segment.texts, [field.slice(6)]: String(value ?? '') } };
	}
	return { ...segment, [field]: value };
}

function sameValue(a: string | number | null, b: string | number | null): boolean {
	if (typeof a === 'string' && typeof b === 'string') return a.normalize('NFC') === b.normalize('NFC');
	return a === b;
}

/** Every field either segment has: the scalars, then text layers in a stable order. */
export function allFields(...segments: (SegmentData | null)[]): FieldKey[] {
	const layers = new Set<string>();
	for (const s of segments) for (const key of Object.keys(s?.texts ?? {})) layers.add(key);
	return [...SCALAR_FIELDS, ...[...layers].sort().map((k) => `texts.${k}` as FieldKey)];
}

/**
 * Fields whose values differ between `a` and `b` (text compared after NFC; a missing layer
 * equals ''). Either side null means "no segment": every field of the other differs.
 *
 * @example
 * diffFields({ ...seg, endMs: 10 }, { ...seg, endMs: 12 }) // ['endMs']
 */
export function diffFields(a: SegmentData | null, b: SegmentData | null): FieldKey[] {
	if (!a && !b) return [];
	const fields = allFields(a, b);
	if (!a || !b) return fields;
	return fields.filter((f) => !sameValue(getField(a, f), getField(b, f)));
}

/** True when `server` holds exactly `target`'s values for every field in `fields`. */
export function fieldsMatch(server: SegmentData, target: SegmentData, fields: FieldKey[]): boolean {
	return fields.every((f) => sameValue(getField(server, f), getField(target, f)));
}

/** The PATCH body for `fields` of `target`, editing `version`. Text is sent NFC. */
export function patchBody(target: SegmentData, fields: FieldKey[], version: number) {
	const body: Record<string, unknown> = { version };
	let texts: Record<string, string> | undefined;
	for (const f of fields) {
		if (f.startsWith('texts.')) {
			texts ??= {};
			texts[f.slice(6)] = String(getField(target, f) ?? '').normalize('NFC');
		} else {
			body[f] = getField(target, f);
		}
	}
	if (texts) body.texts = texts;
	return body;
}

/**
 * The POST body that creates `segment` with its client-chosen id. Absent values are left out
 * rather than sent as null or '' (a missing layer reads as '').
 */
export function createBody(segment: SegmentData) {
	const texts: Record<string, string> = {};
	for (const [k, v] of Object.entries(segment.texts)) if (v) texts[k] = v.normalize('NFC');
	const body: Record<string, unknown> = {
		id: segment.id,
		startMs: segment.startMs,
		endMs: segment.endMs,
		texts
	};
	if (segment.speakerId) body.speakerId = segment.speakerId;
	if (segment.dialectTagId) body.dialectTagId = segment.dialectTagId;
	if (segment.status) body.status = segment.status;
	if (segment.variant) body.variant = segment.variant;
	return body;
}
