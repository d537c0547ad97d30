import { z } from 'zod';
import { idSchema } from '../lib/openapi.ts';
import { segmentDtoSchema } from '../segments/segments.schemas.ts';

/**
 * The knobs of one pre-segmentation run, with the contract's defaults. Integer ms throughout;
 * `bandPass` (on by default) filters to 80 Hz–4 kHz before detection so hum does not read as speech.
 */
export const presegmentOptionsSchema = z
	.object({
		thresholdDb: z.number().min(-80).max(-10).default(-35),
		minSilenceMs: z.number().int().min(50).max(10_000).default(300),
		minSegmentMs: z.number().int().min(0).max(10_000).default(300),
		padMs: z.number().int().min(0).max(2000).default(100),
		maxSegmentMs: z.number().int().min(1000).max(600_000).default(15_000),
		bandPass: z.boolean().default(true).describe('Filter to 80 Hz–4 kHz before detection')
	})
	// Splitting a long segment must be able to keep both halves at the minimum length.
	.refine((o) => o.maxSegmentMs >= 2 * o.minSegmentMs, {
		path: ['maxSegmentMs'],
		message: 'maxSegmentMs must be at least twice minSegmentMs'
	});

export type PresegmentOptions = z.infer<typeof presegmentOptionsSchema>;

export const presegmentBodySchema = presegmentOptionsSchema.and(
	z.object({
		apply: z
			.boolean()
			.default(false)
			.describe('false: preview only; true: insert the proposals that overlap no segment'),
		variant: z
			.number()
			.int()
			.min(0)
			.max(999_999_999)
			.optional()
			.describe(
				"The transcription to segment: by default the variant of the task you hold in progress on the recording, else 0 (the primary). A variant k > 0 only in your own task's window, while it is in progress"
			)
	})
);

export const presegmentParamSchema = z.object({ recordingId: idSchema('Recording') });

export const proposalsSchema = z.object({
	proposals: z.array(z.object({ startMs: z.number().int(), endMs: z.number().int() })),
	variant: z.number().int().describe('The transcription the proposals are for (within your task\'s window for k > 0)')
});

export const appliedSchema = z.object({
	variant: z.number().int().describe('The transcription the segments went into'),
	segments: z.array(segmentDtoSchema),
	skipped: z.number().int().describe('Proposals left out because they overlap segments')
});
