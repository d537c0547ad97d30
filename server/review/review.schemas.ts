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

export const errorCountsSchema = z
	.object({
		correct: z.number().int(),
		substitutions: z.number().int(),
		deletions: z.number().int(),
		insertions: z.number().int(),
		refLength: z.number().int().describe('N: tokens of the reference (the accepted text)'),
		errors: z.number().int(),
		errorRate: z.number().nullable().describe('(S + D + I) / N; null when N = 0')
	})
	.meta({ id: 'ErrorCounts' });

export const confusionMatrixSchema = z
	.object({
		categories: z.array(z.string()).describe('Row and column order'),
		counts: z.array(z.array(z.number().int())).describe('counts[i][j]: first said categories[i], second categories[j]'),
		n: z.number().int(),
		excluded: z.number().int().describe('Items left out because a label was missing')
	})
	.meta({ id: 'ConfusionMatrix' });

export const kappaSchema = z
	.object({
		kappa: z.number().nullable(),
		observedAgreement: z.number().nullable(),
		expectedAgreement: z.number().nullable(),
		matrix: confusionMatrixSchema
	})
	.meta({ id: 'CohenKappa' });

export const alphaSchema = z
	.object({
		alpha: z.number().nullable(),
		pairableUnits: z.number().int(),
		pairableValues: z.number().int(),
		categories: z.array(z.string()),
		observedDisagreement: z.number().nullable(),
		expectedDisagreement: z.number().nullable()
	})
	.meta({ id: 'KrippendorffAlpha' });

export const labelAgreementSchema = z.object({ dialectTags: kappaSchema, speakers: kappaSchema });

export const recordingMetricsSchema = z
	.object({
		layer: z.string().describe('The text layer scored'),
		unit: z.string(),
		normalization: z.array(z.string()).describe('Normalizations applied, in order'),
		transcriberVsAccepted: z.object({
			total: errorCountsSchema,
			reviewedSegments: z.number().int(),
			items: z.array(z.object({ segmentId: z.string(), state: z.enum(REVIEW_STATES), counts: errorCountsSchema }))
		}),
		agreement: labelAgreementSchema.describe("Transcriber vs accepted version on the reviewed segments' dialect tags (codes) and speakers (codes)"),
		variants: z
			.object({
				count: z.number().int(),
				text: z.object({ aAsRef: errorCountsSchema, bAsRef: errorCountsSchema, symmetricErrorRate: z.number().nullable() }).nullable(),
				dialectTags: alphaSchema,
				speakers: alphaSchema,
				dialectTagMatrix: confusionMatrixSchema.nullable().describe('Variants 0 and 1, time-overlapping segments')
			})
			.nullable()
			.describe('Between double transcriptions, when the recording has more than one variant')
	})
	.meta({ id: 'RecordingMetrics' });

export type RecordingMetricsDto = z.infer<typeof recordingMetricsSchema>;

export const createQaBatchSchema = z.object({
	recordingIds: z.array(z.string().regex(ID_PATTERN, 'Not a recording id')).min(1).max(1000).describe('The work the batch covers'),
	percent: z.number().gt(0).max(100).describe('Share of each stratum (transcriber × dialect tag) to review'),
	seed: z.string().trim().min(1).max(100).optional().describe('Same seed, same segments → same sample; random when absent'),
	stage: z.number().int().min(1).max(MAX_REVIEW_STAGES).default(1)
});

export const qaStratumSchema = z.object({
	transcriberId: z.string().nullable(),
	dialectTagId: z.string().nullable(),
	population: z.number().int(),
	sampled: z.number().int()
});

export const qaBatchDtoSchema = z
	.object({
		id: z.string(),
		projectId: z.string(),
		stage: z.number().int(),
		percent: z.number(),
		seed: z.string(),
		threshold: z.number(),
		recordingIds: z.array(z.string()),
		population: z.number().int(),
		sampled: z.number().int(),
		taskIds: z
			.array(z.string())
			.describe('The submitted tasks (waiting for this stage) the batch stands for: its decision accepts, passes on or returns them'),
		state: z.enum(['open', 'accepted', 'returned']),
		errorRate: z.number().nullable().describe("The sample's error rate once decided"),
		createdBy: z.string().nullable(),
		createdAt: isoDateTime,
		decidedBy: z.string().nullable(),
		decidedAt: isoDateTime.nullable()
	})
	.meta({ id: 'QaBatch' });

export const qaBatchDetailSchema = z.object({
	batch: qaBatchDtoSchema,
	strata: z.array(qaStratumSchema),
	items: z.array(
		z.object({
			segmentId: z.string(),
			recordingId: z.string(),
			position: z.number().int(),
			state: z.enum(REVIEW_STATES).describe('Review state at the batch stage (unreviewed until decided there)')
		})
	),
	progress: z.object({ decided: z.number().int(), sampled: z.number().int() }),
	sampleScore: errorCountsSchema.describe('Error counts over the decided part of the sample so far')
});

export const qaBatchListSchema = z.object({ batches: z.array(qaBatchDtoSchema) });
export const qaBatchParamSchema = z.object({ batchId: idSchema('QA batch') });
export type QaBatchDetailDto = z.infer<typeof qaBatchDetailSchema>;
