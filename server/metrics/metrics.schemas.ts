import { z } from 'zod';
import { SCORE_UNITS, type ScoreUnit } from './tokenize.ts';

/**
 * Scoring options as the API (and per-project settings) accept them: the same names as
 * ScoreOptions, all optional, unknown keys refused so a typo is not silently ignored.
 */
export const scoreOptionsSchema = z
	.object({
		unit: z.enum(SCORE_UNITS as [ScoreUnit, ...ScoreUnit[]]).optional(),
		nfkc: z.boolean().optional(),
		foldWidth: z.boolean().optional(),
		foldVariants: z.boolean().optional(),
		foldCase: z.boolean().optional(),
		stripPunct: z.boolean().optional()
	})
	.strict();

export type ScoreOptionsInput = z.infer<typeof scoreOptionsSchema>;
