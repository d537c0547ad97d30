import { z } from 'zod';
import { idSchema, isoDateTime } from '../lib/openapi.ts';

export const recordingEventsParamSchema = z.object({ recordingId: idSchema('Recording') });

export const recordingEventDtoSchema = z
	.object({
		id: z.string(),
		recordingId: z.string(),
		timeMs: z.number().int().min(0).describe('The point, or the start of a span (ms)'),
		endMs: z.number().int().nullable().describe('End of a span (ms, exclusive); null for a point'),
		tier: z.string().describe("The tier or kind it came from: a TextGrid point tier's name, a Transcriber event type"),
		label: z.string().describe('Its text (a point mark, an event description)'),
		speakerId: z.string().nullable(),
		source: z.string().describe('The import that brought it, e.g. `textgrid a.TextGrid`'),
		createdBy: z.string().nullable(),
		createdAt: isoDateTime
	})
	.meta({ id: 'RecordingEvent' });

export type RecordingEventDto = z.infer<typeof recordingEventDtoSchema>;

export const recordingEventListSchema = z.object({ events: z.array(recordingEventDtoSchema) });
