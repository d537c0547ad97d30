import { formatMs } from './format.ts';
import { allFields, getField } from './fields.ts';
import type { FieldKey, SegmentData } from './types.ts';

/** Project vocabulary the components use to show ids as names (all optional). */
export interface DisplayContext {
	layers?: { key: string; nameEn: string; nameZh: string }[];
	speakers?: { id: string; code: string; name: string }[];
	dialectTags?: { id: string; code: string; nameEn: string; nameZh: string }[];
	/** Show Chinese names. */
	zh?: boolean;
}

/**
 * The fields to show for some segments: scalars first, then text layers in the project's
 * order (layers the project no longer lists come last).
 */
export function displayFields(ctx: DisplayContext, ...segments: (SegmentData | null)[]): FieldKey[] {
	const fields = allFields(...segments);
	const order = new Map((ctx.layers ?? []).map((l, i) => [`texts.${l.key}`, i]));
	const scalars = fields.filter((f) => !f.startsWith('texts.'));
	const texts = fields.filter((f) => f.startsWith('texts.'));
	for (const l of ctx.layers ?? []) if (!texts.includes(`texts.${l.key}`)) texts.push(`texts.${l.key}`);
	texts.sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
	return [...scalars, ...texts];
}

/** A text layer's name, or null for scalar fields (whose labels come from the messages). */
export function layerName(field: FieldKey, ctx: DisplayContext): string | null {
	if (!field.startsWith('texts.')) return null;
	const key = field.slice(6);
	const layer = ctx.layers?.find((l) => l.key === key);
	if (!layer) return key;
	return ctx.zh ? layer.nameZh || layer.nameEn : layer.nameEn || layer.nameZh;
}

/** A field's value as the user reads it: times as m:ss.mmm, speaker and tag by code and name. */
export function displayValue(segment: SegmentData | null, field: FieldKey, ctx: DisplayContext): string {
	const value = getField(segment, field);
	if (value === null || value === '') return '';
	if (field === 'startMs' || field === 'endMs') return formatMs(Number(value));
	if (field === 'speakerId') {
		const s = ctx.speakers?.find((x) => x.id === value);
		return s ? `${s.code} · ${s.name}` : String(value);
	}
	if (field === 'dialectTagId') {
		const t = ctx.dialectTags?.find((x) => x.id === value);
		return t ? `${t.code} · ${ctx.zh ? t.nameZh || t.nameEn : t.nameEn || t.nameZh}` : String(value);
	}
	return String(value);
}
