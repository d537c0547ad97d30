/**
 * Text layers as the settings page edits them, with the checks PUT /api/projects/:projectId/layers
 * makes (server/projects/projects.schemas.ts layersSchema).
 */

export interface DraftLayer {
	uid: string;
	key: string;
	nameEn: string;
	nameZh: string;
	/** Not saved yet: its key may still change (a saved layer is matched by key). */
	isNew: boolean;
}

export const LAYER_KEY_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;
export const MAX_LAYERS = 20;
const MAX_NAME = 100;

/**
 * A key for a new layer from its English name: lower-case ASCII, `_` between words, a letter
 * first; `fallback` when nothing usable is left (a Chinese-only name).
 *
 * @example
 * deriveLayerKey('Jyutping (tones)', 'layer_3'); // 'jyutping_tones'
 * deriveLayerKey('普通话', 'layer_3');            // 'layer_3'
 */
export function deriveLayerKey(name: string, fallback: string): string {
	const key = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^[^a-z]+/, '')
		.slice(0, 32)
		.replace(/_+$/, '');
	return LAYER_KEY_PATTERN.test(key) ? key : fallback;
}

/** A key not yet used by `layers`: layer_2, layer_3… */
export function freshLayerKey(layers: readonly { key: string }[]): string {
	const used = new Set(layers.map((l) => l.key));
	for (let n = layers.length + 1; ; n++) if (!used.has(`layer_${n}`)) return `layer_${n}`;
}

export type LayerIssueKind = 'key_pattern' | 'key_duplicate' | 'name_required' | 'name_too_long' | 'too_many' | 'none_left';

export interface LayerIssue {
	kind: LayerIssueKind;
	uid?: string;
	field?: 'key' | 'nameEn' | 'nameZh';
}

export function validateLayers(layers: readonly DraftLayer[]): LayerIssue[] {
	const issues: LayerIssue[] = [];
	if (layers.length === 0) issues.push({ kind: 'none_left' });
	if (layers.length > MAX_LAYERS) issues.push({ kind: 'too_many' });
	const counts = new Map<string, number>();
	for (const l of layers) counts.set(l.key, (counts.get(l.key) ?? 0) + 1);
	for (const l of layers) {
		if (!LAYER_KEY_PATTERN.test(l.key)) issues.push({ kind: 'key_pattern', uid: l.uid, field: 'key' });
		else if ((counts.get(l.key) ?? 0) > 1) issues.push({ kind: 'key_duplicate', uid: l.uid, field: 'key' });
		for (const field of ['nameEn', 'nameZh'] as const) {
			const name = l[field].trim().normalize('NFC');
			if (!name) issues.push({ kind: 'name_required', uid: l.uid, field });
			else if ([...name].length > MAX_NAME) issues.push({ kind: 'name_too_long', uid: l.uid, field });
		}
	}
	return issues;
}

/** The PUT body's `textLayers`, in the draft's order. */
export function layersToInput(layers: readonly DraftLayer[]) {
	return layers.map((l) => ({ key: l.key, nameEn: l.nameEn.trim().normalize('NFC'), nameZh: l.nameZh.trim().normalize('NFC') }));
}
