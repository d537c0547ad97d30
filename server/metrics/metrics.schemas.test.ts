import { describe, expect, it } from 'vitest';
import { scoreOptionsSchema } from './metrics.schemas.ts';

describe('scoreOptionsSchema', () => {
	it('accepts ScoreOptions and refuses unknown units and keys', () => {
		expect(scoreOptionsSchema.parse({ unit: 'mixed', foldVariants: true, stripPunct: false })).toEqual({ unit: 'mixed', foldVariants: true, stripPunct: false });
		expect(scoreOptionsSchema.parse({})).toEqual({});
		expect(scoreOptionsSchema.safeParse({ unit: 'syllable' }).success).toBe(false);
		expect(scoreOptionsSchema.safeParse({ ignoreCase: true }).success).toBe(false);
		expect(scoreOptionsSchema.safeParse({ nfkc: 'yes' }).success).toBe(false);
	});
});
