import { z } from 'zod';
import { ID_PATTERN } from '../lib/ids.ts';
import { idSchema, isoDateTime, userText } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';

/** The longest clip one request may cut. */
export const MAX_CLIP_MS = 10 * 60 * 1000;

const msParam = (name: string) =>
	z
		.string({ error: `${name} is required (integer milliseconds)` })
		.regex(/^\d{1,10}$/, `${name} must be a non-negative integer number of milliseconds`)
		.transform(Number);

export const recordingIdParamSchema = z.object({ id: idSchema('Recording') });
export const projectRecordingsParamSchema = z.object({ projectId: projectRefSchema });

export const clipQuerySchema = z.object({
	start: msParam('start').describe('Milliseconds'),
	end: msParam('end').describe(`Milliseconds, exclusive; at most ${MAX_CLIP_MS} ms after start`),
	format: z.enum(['wav', 'flac', 'opus']).default('wav')
});

/** Text fields sent beside the file in an upload; empty strings mean "not given". */
export const uploadFieldsSchema = z.object({
	speakerId: z
		.union([z.literal(''), z.string().regex(ID_PATTERN, 'Not a speaker id')])
		.optional()
		.transform((v) => v || undefined),
	place: z
		.string()
		.trim()
		.max(200)
		.optional()
		.transform((v) => v?.normalize('NFC') || undefined)
});

/** The multipart body of an upload, as the document shows it. */
export const uploadFormSchema = z.object({
	file: z.file().describe('The audio file (exactly one part named file)'),
	...uploadFieldsSchema.shape
});

export const PROCESSING_STATES = ['queued', 'processing', 'ready', 'failed'] as const;

export const recordingDtoSchema = z
	.object({
		id: z.string(),
		projectId: z.string(),
		name: z.string().describe("The uploaded file's base name"),
		sha256: z.string().regex(/^[0-9a-f]{64}$/),
		sizeBytes: z.number().int(),
		formatName: z.string(),
		codec: z.string(),
		durationMs: z.number().int().min(0),
		sampleRate: z.number().int(),
		channels: z.number().int(),
		speakerId: z.string().nullable(),
		place: z.string().nullable(),
		metadata: z.record(z.string(), z.unknown()).describe('Tags read from the file (title, artist, …)'),
		state: z.enum(PROCESSING_STATES),
		error: z.string().nullable().describe('Why processing failed'),
		segmentCount: z.number().int(),
		segmentedMs: z.number().int().describe('Milliseconds covered by segments (overlaps counted once)'),
		createdAt: isoDateTime,
		updatedAt: isoDateTime
	})
	.meta({ id: 'Recording' });

export type RecordingDto = z.infer<typeof recordingDtoSchema>;

export const recordingEnvelopeSchema = z.object({ recording: recordingDtoSchema });
export const recordingListSchema = z.object({ recordings: z.array(recordingDtoSchema) });

/** A recording's display name: user text (trimmed, NFC), 1–255 characters, no control characters. */
export const renameRecordingSchema = z.object({
	name: userText(255)
		.pipe(z.string().min(1, 'Give the recording a name'))
		// eslint-disable-next-line no-control-regex
		.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Names may not contain control characters')
});

export type RenameRecordingInput = z.infer<typeof renameRecordingSchema>;

/** What deleting a recording takes with it (GET /api/recordings/:id/deletion). */
export const recordingDeletionDtoSchema = z
	.object({
		segments: z.number().int().min(0).describe('Segments deleted with the recording'),
		revisions: z.number().int().min(0).describe('Revisions of its segments deleted with it'),
		originalShared: z.boolean().describe('The original file stays: another recording holds the same bytes')
	})
	.meta({ id: 'RecordingDeletion' });

export type RecordingDeletionDto = z.infer<typeof recordingDeletionDtoSchema>;

export const recordingDeletionEnvelopeSchema = z.object({ deletion: recordingDeletionDtoSchema });
