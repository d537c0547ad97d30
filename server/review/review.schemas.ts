import { z } from 'zod';
import { REVIEW_DECISIONS } from '../db/schema.ts';
import { ID_PATTERN } from '../lib/ids.ts';
import { INT32_MAX, idSchema, int32, isoDateTime, userText } from '../lib/openapi.ts';
import { scoreOptionsSchema } from '../metrics/metrics.schemas.ts';
import { MAX_TEXT_CHARS, segmentDtoSchema } from '../segments/segments.schemas.ts';
import { MAX_REVIEW_STAGES } from './review-settings.ts';

export const CATEGORY_KEY_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;
const MAX_CATEGORIES = 50;

const name = userText(100).pipe(z.string().min(1, 'Give it a name'));

export const reviewStageSchema = z.object({ nameEn: name, nameZh: name }).meta({ id: 'ReviewStage' });
export const errorCategorySchema = z
	.object({
		key: z.string().regex(CATEGORY_KEY_PATTERN, 'Keys are 2–32 characters: a–z first, then a–z, 0–9 or _'),
		nameEn: name,
		nameZh: name
	})
	.meta({ id: 'ErrorCategory' });

export const reviewSettingsSchema = z
	.object({
		stages: z
			.array(reviewStageSchema)
			.min(1, 'A project needs at least one review stage')
			.max(MAX_REVIEW_STAGES, `At most ${MAX_REVIEW_STAGES} review stages`)
			.describe('Review stages in order (first check, second check, acceptance)'),
		categories: z.array(errorCategorySchema).max(MAX_CATEGORIES).describe('Error categories reviewers tick'),
		qaThreshold: z.number().min(0).max(1).describe('Largest sample CER (0–1) at which a QA batch is accepted')
	})
	.superRefine(({ categories }, ctx) => {
		const keys = categories.map((c) => c.key);
		const repeated = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
		if (repeated.length > 0) {
			ctx.addIssue({ code: 'custom', path: ['categories'], message: `Category keys must be unique; repeated: ${repeated.join(', ')}` });
		}
	})
	.meta({ id: 'ReviewSettings' });

export const reviewSettingsEnvelopeSchema = z.object({ settings: reviewSettingsSchema });

const refId = z.string().regex(ID_PATTERN, 'Not an id').nullable().optional();

export const correctionSchema = z
	.object({
		startMs: int32().optional(),
		endMs: int32().optional(),
		speakerId: refId,
		dialectTagId: refId,
		texts: z
			.record(z.string().max(64), z.string().max(MAX_TEXT_CHARS))
			.optional()
			.describe('Only the layers corrected (NFC); an empty string clears a layer')
	})
	.strict()
	.meta({ id: 'Correction' });

export const createReviewSchema = z.object({
	baseVersion: z.number().int().min(1).max(INT32_MAX).describe('The segment version reviewed; a newer one is a 409'),
	stage: z.number().int().min(1).max(MAX_REVIEW_STAGES).optional().describe('Default: the first stage not yet decided'),
	decision: z.enum(REVIEW_DECISIONS),
	corrected: correctionSchema.optional().describe('For `correct` only: the fields changed against what the reviewer saw'),
	categories: z.array(z.string().max(32)).max(MAX_CATEGORIES).default([]),
	comment: userText(2000).default(''),
	taskId: z.string().regex(ID_PATTERN, 'Not a task id').optional()
});

export type CreateReviewInput = z.infer<typeof createReviewSchema>;

export const reviewDtoSchema = z
	.object({
		id: z.string(),
		segmentId: z.string(),
		recordingId: z.string(),
		taskId: z.string().nullable(),
		stage: z.number().int(),
		baseVersion: z.number().int().describe('The segment version the reviewer saw'),
		reviewerId: z.string().nullable(),
		reviewerName: z.string().nullable(),
		decision: z.enum(REVIEW_DECISIONS),
		corrected: correctionSchema.nullable(),
		categories: z.array(z.string()),
		comment: z.string(),
		createdAt: isoDateTime
	})
	.meta({ id: 'SegmentReview' });

export const reviewableFieldsSchema = z
	.object({
		startMs: z.number().int(),
		endMs: z.number().int(),
		speakerId: z.string().nullable(),
		dialectTagId: z.string().nullable(),
		texts: z.record(z.string(), z.string())
	})
	.meta({ id: 'ReviewableFields' });

export const REVIEW_STATES = ['unreviewed', 'accepted', 'corrected', 'rejected'] as const;

export const acceptedVersionDtoSchema = z
	.object({
		fields: reviewableFieldsSchema.describe("The accepted version: the original with every stage's correction applied"),
		state: z.enum(REVIEW_STATES),
		stage: z.number().int().describe('Highest stage with a decision on the current version (0: none)'),
		currentReviewIds: z.array(z.string()).describe('The review that counts at each decided stage, in stage order')
	})
	.meta({ id: 'AcceptedVersion' });

export const segmentReviewEntrySchema = z
	.object({
		segment: segmentDtoSchema.describe("The transcriber's original (never changed by a review)"),
		accepted: acceptedVersionDtoSchema,
		reviews: z.array(reviewDtoSchema).describe('Every review of the segment, newest first (also superseded ones)')
	})
	.meta({ id: 'SegmentReviewEntry' });

export const reviewCountsSchema = z.object({
	unreviewed: z.number().int(),
	accepted: z.number().int(),
	corrected: z.number().int(),
	rejected: z.number().int()
});

export const recordingReviewSchema = z
	.object({
		settings: reviewSettingsSchema,
		canReview: z.boolean().describe('Whether the signed-in user may decide here'),
		segments: z.array(segmentReviewEntrySchema),
		counts: reviewCountsSchema
	})
	.meta({ id: 'RecordingReview' });

export const reviewCreatedSchema = z.object({ review: reviewDtoSchema, entry: segmentReviewEntrySchema });
export const reviewListSchema = z.object({ reviews: z.array(reviewDtoSchema) });

export const reviewRecordingParamSchema = z.object({ recordingId: idSchema('Recording') });

/** Metrics query: score options as query strings (`unit=word&nfkc=1`). */
const flag = z
	.enum(['0', '1', 'true', 'false'])
	.transform((v) => v === '1' || v === 'true')
	.optional();
export const metricsQuerySchema = z.object({
	unit: scoreOptionsSchema.shape.unit,
	nfkc: flag,
	foldWidth: flag,
	foldVariants: flag,
	foldCase: flag,
	stripPunct: flag,
	layer: z.string().max(64).optional().describe('Text layer scored (default: the first layer)')
});

export type ReviewDto = z.infer<typeof reviewDtoSchema>;
export type SegmentReviewEntryDto = z.infer<typeof segmentReviewEntrySchema>;
export type RecordingReviewDto = z.infer<typeof recordingReviewSchema>;
