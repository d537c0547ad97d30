import { describe, expect, it } from 'vitest';
import { variantMetrics, type VariantSegment } from './review-metrics.ts';

const seg = (startMs: number, endMs: number, tag: string | null, text: string, speaker: string | null = 's1'): VariantSegment => ({
	startMs,
	endMs,
	speakerId: speaker,
	dialectTagId: tag,
	texts: { transcript: text }
});

const options = { layerKey: 'transcript', score: {}, tagCodes: new Map([['t-yue', 'yue'], ['t-wuu', 'wuu']]), speakerCodes: new Map([['s1', 'S1'], ['s2', 'S2']]) };

describe(variantMetrics.name, () => {
	it('is null with a single transcription', () => {
		expect(variantMetrics([[seg(0, 1000, 't-yue', '你好')]], options)).toBeNull();
	});

	it('pairs the variants by time and measures text, tag and speaker agreement', () => {
		const a = [seg(0, 1000, 't-yue', '我哋去饮茶'), seg(1000, 2000, 't-yue', '好耐冇见'), seg(2000, 3000, 't-wuu', '侬好')];
		// Boundaries drift a little; one tag and one speaker differ; the last segment has no partner.
		const b = [seg(50, 1020, 't-yue', '我哋去饮茶'), seg(1010, 1990, 't-wuu', '好耐冇見', 's2'), seg(5000, 6000, 't-yue', '多谢')];
		const m = variantMetrics([a, b], options)!;
		expect(m.count).toBe(2);
		// Two matched pairs: one substitution each way over 9 + 9 characters.
		expect(m.text!.aAsRef).toMatchObject({ substitutions: 1, refLength: 9 });
		expect(m.text!.symmetricErrorRate).toBeCloseTo(2 / 18);
		expect(m.dialectTagMatrix).toMatchObject({ categories: ['wuu', 'yue'], counts: [[0, 0], [1, 1]], n: 2 });
		// Alpha over the pairable units only (the unmatched segments carry no agreement information).
		expect(m.dialectTags.pairableUnits).toBe(2);
		expect(m.speakers.pairableUnits).toBe(2);
		expect(m.dialectTags.alpha).not.toBeNull();
		expect(m.dialectTags.alpha!).toBeLessThan(1);
	});

	it('gives alpha 1 when three variants agree on every tag', () => {
		const v = () => [seg(0, 1000, 't-yue', 'a'), seg(1000, 2000, 't-wuu', 'b')];
		expect(variantMetrics([v(), v(), v()], options)!.dialectTags.alpha).toBe(1);
	});
});
