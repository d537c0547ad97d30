import { z } from 'zod';
import { userText } from '../projects/projects.schemas.ts';

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

/** A recording's display name: user text (trimmed, NFC), 1–255 characters, no control characters. */
export const renameRecordingSchema = z.object({
	name: userText(255)
		.pipe(z.string().min(1, 'Give the recording a name'))
		// eslint-disable-next-line no-control-regex
		.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Names may not contain control characters')
});

export type RenameRecordingInput = z.infer<typeof renameRecordingSchema>;
