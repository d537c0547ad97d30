import { z } from 'zod';
import { SEGMENT_ORIGINS } from '../db/schema.ts';
import { ID_PATTERN } from '../lib/ids.ts';
import { INT32_MAX, errorBodySchema, idSchema, int32, isoDateTime } from '../lib/openapi.ts';

/** Client-made ids (offline-created segments) share the server's alphabet: 20–40 of [0-9a-z-]. */
export const SEGMENT_ID_PATTERN = /^[0-9a-z-]{20,40}$/;
export const STATUS_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export const MAX_TEXT_CHARS = 20_000;
const MAX_LAYERS = 50;

// Times are checked against the recording in the service (422 invalid_times), so only their type
// (and that they fit the column) is checked here.
const ms = int32();
const version = z.number().int().min(1).max(INT32_MAX);
const refId = z.string().regex(ID_PATTERN, 'Not an id').nullable().optional();

/** Text per layer key; an empty string clears that layer. Normalised to NFC in the service. */
const texts = z
	.record(z.string().max(64), z.string().max(MAX_TEXT_CHARS))
	.refine((t) => Object.keys(t).length <= MAX_LAYERS, `At most ${MAX_LAYERS} layers`)
	.describe('Text per layer key (NFC); in writes an empty string clears a layer');

const status = z.string().regex(STATUS_PATTERN, 'A status is a short lower-case word, e.g. new or transcribed');

export const createSegmentSchema = z.object({
	id: z
		.string()
		.regex(SEGMENT_ID_PATTERN, 'Segment ids are 20–40 characters of 0–9, a–z and -')
		.optional()
		.describe('Client-made id for offline creation; replaying it returns the existing segment'),
	startMs: ms,
	endMs: ms,
	speakerId: refId,
	dialectTagId: refId,
	texts: texts.optional(),
	status: status.optional(),
	variant: z
		.number()
		.int()
		.min(0)
		.max(INT32_MAX)
		.optional()
		.describe("The transcription it belongs to: 0 (the default) is the primary; a task's variant for double transcription")
});

export const patchSegmentSchema = z.object({
	version: version.describe('The version this edit is based on'),
	startMs: ms.optional(),
	endMs: ms.optional(),
	speakerId: refId,
	dialectTagId: refId,
	texts: texts.optional(),
	status: status.optional()
});

export const deleteSegmentQuerySchema = z.object({
	version: z
		.string({ error: 'version is required' })
		.regex(/^\d{1,10}$/, 'version must be a positive integer')
		.transform(Number)
		.pipe(version)
		.describe('The version you are deleting')
});

export const restoreSegmentSchema = z.object({
	revisionId: z.string().regex(ID_PATTERN, 'Not a revision id'),
	version: version.optional().describe('When given and the segment has moved on, 409')
});

export const recordingSegmentsParamSchema = z.object({ recordingId: idSchema('Recording') });
export const listSegmentsQuerySchema = z.object({
	variant: z
		.string()
		.regex(/^\d{1,9}$/, 'variant must be a non-negative integer')
		.transform(Number)
		.optional()
		.describe('Which transcription: 0 (the default) is the primary, k > 0 a task variant')
});
export const segmentParamSchema = z.object({
	id: z.string().regex(SEGMENT_ID_PATTERN, 'Segment not found').describe('Segment id (20–40 of 0–9, a–z and -)')
});

export const segmentDtoSchema = z
	.object({
		id: z.string(),
		recordingId: z.string(),
		startMs: z.number().int().describe('Start (ms)'),
		endMs: z.number().int().describe('End, exclusive (ms)'),
		speakerId: z.string().nullable(),
		dialectTagId: z.string().nullable(),
		texts: z.record(z.string(), z.string()).describe('Layer key → text (NFC); layers without text are absent'),
		status: z.string().describe('Workflow state, e.g. `new`, `transcribed`'),
		version: z.number().int().min(1).describe('Every write names the version it edits; the answer carries the next'),
		origin: z
			.enum(SEGMENT_ORIGINS)
			.describe(
				'Where the text came from: `manual` (the editor), `import` (a transcript file), `machine` (ASR output, to be post-edited) or `presegment` (pre-segmentation). Edits keep it; an import that replaces the text sets it.'
			),
		variant: z.number().int().min(0).describe('0: the primary transcription; k > 0: a double transcription or gold copy of a task'),
		createdBy: z.string().nullable(),
		createdAt: isoDateTime,
		updatedBy: z.string().nullable(),
		updatedAt: isoDateTime
	})
	.meta({ id: 'Segment' });

export const REVISION_ACTIONS = ['create', 'update', 'delete', 'restore'] as const;

export const revisionDtoSchema = z
	.object({
		id: z.string(),
		segmentId: z.string(),
		version: z.number().int().describe("The segment's version after the change (the deleted version for a delete)"),
		action: z.enum(REVISION_ACTIONS),
		before: segmentDtoSchema.nullable(),
		after: segmentDtoSchema.nullable(),
		userId: z.string().nullable(),
		userName: z.string().nullable(),
		createdAt: isoDateTime
	})
	.meta({ id: 'Revision' });

export type SegmentDto = z.infer<typeof segmentDtoSchema>;
export type RevisionDto = z.infer<typeof revisionDtoSchema>;

export const segmentEnvelopeSchema = z.object({ segment: segmentDtoSchema });
export const segmentListSchema = z.object({ segments: z.array(segmentDtoSchema) });
export const revisionListSchema = z.object({ revisions: z.array(revisionDtoSchema) });

/** A stale version: the error and the segment as it now is, to merge with. */
export const versionConflictSchema = z
	.object({ error: errorBodySchema.shape.error, segment: segmentDtoSchema })
	.meta({ id: 'VersionConflict' });

export type CreateSegmentInput = z.infer<typeof createSegmentSchema>;
export type PatchSegmentInput = z.infer<typeof patchSegmentSchema>;
