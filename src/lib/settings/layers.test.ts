import { describe, expect, it } from 'vitest';
import { deriveLayerKey, freshLayerKey, layersToInput, validateLayers, type DraftLayer } from './layers.ts';

const layer = (key: string, extra: Partial<DraftLayer> = {}): DraftLayer => ({
	uid: key,
	key,
	nameEn: key,
	nameZh: key,
	isNew: false,
	...extra
});

describe(deriveLayerKey.name, () => {
	it.each([
		['Jyutping (tones)', 'jyutping_tones'],
		['  IPA  ', 'ipa'],
		['Pe̍h-ōe-jī', 'peh_oe_ji'],
		['2nd transcript', 'nd_transcript'],
		['普通话', 'layer_3'],
		['X', 'layer_3']
	])('%s → %s', (name, key) => {
		expect(deriveLayerKey(name, 'layer_3')).toBe(key);
	});
});

describe(freshLayerKey.name, () => {
	it('skips keys in use', () => {
		expect(freshLayerKey([layer('transcript'), layer('layer_3')])).toBe('layer_4');
		expect(freshLayerKey([])).toBe('layer_1');
	});
});

describe(validateLayers.name, () => {
	it('accepts good layers and names each problem at its layer and field', () => {
		expect(validateLayers([layer('transcript'), layer('notes')])).toEqual([]);
		const issues = validateLayers([layer('transcript'), layer('transcript', { uid: 'b' }), layer('Bad Key', { nameZh: ' ' })]);
		expect(issues).toEqual([
			{ kind: 'key_duplicate', uid: 'transcript', field: 'key' },
			{ kind: 'key_duplicate', uid: 'b', field: 'key' },
			{ kind: 'key_pattern', uid: 'Bad Key', field: 'key' },
			{ kind: 'name_required', uid: 'Bad Key', field: 'nameZh' }
		]);
		expect(validateLayers([])).toEqual([{ kind: 'none_left' }]);
		expect(validateLayers(Array.from({ length: 21 }, (_, i) => layer(`l${i}x`)))[0].kind).toBe('too_many');
	});

	it('sends trimmed NFC names in draft order', () => {
		expect(layersToInput([layer('notes', { nameEn: ' Cafe\u0301 ' }), layer('transcript')])).toEqual([
			{ key: 'notes', nameEn: 'Caf\u00e9', nameZh: 'notes' },
			{ key: 'transcript', nameEn: 'transcript', nameZh: 'transcript' }
		]);
	});
});
