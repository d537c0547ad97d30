import { z } from 'zod';

/** The longest clip one request may cut. */
export const MAX_CLIP_MS = 10 * 60 * 1000;

const msParam = (name: string) =>
	z
		.string({ error: `${name} is required (integer milliseconds)` })
		.regex(/^\d{1,10}$/, `${name} must be a non-negative integer number of milliseconds`)
		.transform(Number);

export const recordingIdParamSchema = z.object({ id: z.string().min(1).max(64) });

export const clipQuerySchema = z.object({
	start: msParam('start'),
	end: msParam('end'),
	format: z.enum(['wav', 'flac', 'opus']).default('wav')
});

/** Text fields sent beside the file in an upload; empty strings mean "not given". */
export const uploadFieldsSchema = z.object({
	speakerId: z
		.string()
		.max(64)
		.optional()
		.transform((v) => v || undefined),
	place: z
		.string()
		.trim()
		.max(200)
		.optional()
		.transform((v) => v?.normalize('NFC') || undefined)
});
