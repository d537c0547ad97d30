import { z } from 'zod';

/** Client-made ids (offline-created segments) share the server's alphabet: 20–40 of [0-9a-z-]. */
export const SEGMENT_ID_PATTERN = /^[0-9a-z-]{20,40}$/;
export const STATUS_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

const MAX_TEXT_CHARS = 20_000;
const MAX_LAYERS = 50;

// Times are checked against the recording in the service (422 invalid_times), so only their type is checked here.
const ms = z.number().int();
const refId = z.string().min(1).max(64).nullable().optional();

/** Text per layer key; an empty string clears that layer. Normalised to NFC in the service. */
const texts = z
	.record(z.string().max(64), z.string().max(MAX_TEXT_CHARS))
	.refine((t) => Object.keys(t).length <= MAX_LAYERS, `At most ${MAX_LAYERS} layers`);

const status = z.string().regex(STATUS_PATTERN, 'A status is a short lower-case word, e.g. new or transcribed');

export const createSegmentSchema = z.object({
	id: z.string().regex(SEGMENT_ID_PATTERN, 'Segment ids are 20–40 characters of 0–9, a–z and -').optional(),
	startMs: ms,
	endMs: ms,
	speakerId: refId,
	dialectTagId: refId,
	texts: texts.optional(),
	status: status.optional()
});

export const patchSegmentSchema = z.object({
	version: z.number().int().min(1),
	startMs: ms.optional(),
	endMs: ms.optional(),
	speakerId: refId,
	dialectTagId: refId,
	texts: texts.optional(),
	status: status.optional()
});

export const deleteSegmentQuerySchema = z.object({
	version: z.coerce.number().int().min(1)
});

export const restoreSegmentSchema = z.object({
	revisionId: z.string().min(1).max(64),
	version: z.number().int().min(1).optional()
});

export type CreateSegmentInput = z.infer<typeof createSegmentSchema>;
export type PatchSegmentInput = z.infer<typeof patchSegmentSchema>;
