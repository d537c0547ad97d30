import { describe, expect, it } from 'vitest';
import { activeSpeakers, pickerSpeakers } from './speakers.ts';

const speakers = [
	{ id: 'a', code: 'A', isActive: true },
	{ id: 'b', code: 'B', isActive: false },
	{ id: 'c', code: 'C', isActive: true }
];

describe(pickerSpeakers.name, () => {
	it('offers the active speakers, keeping a deactivated one only where it is already assigned', () => {
		expect(pickerSpeakers(speakers, null).map((s) => s.code)).toEqual(['A', 'C']);
		expect(pickerSpeakers(speakers, 'c').map((s) => s.code)).toEqual(['A', 'C']);
		expect(pickerSpeakers(speakers, 'b').map((s) => s.code)).toEqual(['A', 'B', 'C']);
	});
});

describe(activeSpeakers.name, () => {
	it('numbers only the active speakers (keys 1–9)', () => {
		expect(activeSpeakers(speakers).map((s) => s.code)).toEqual(['A', 'C']);
	});
});
