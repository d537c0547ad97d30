import { z } from 'zod';
import { ID_PATTERN } from '../lib/ids.ts';
import { idSchema, userText } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';
import { SPEAKER_CODE_PATTERN, speakerDtoSchema } from '../speakers/speakers.schemas.ts';

/** The formats a transcript import reads (server/interop/read.ts). */
export const TRANSCRIPT_FORMATS = ['textgrid', 'eaf', 'trs', 'srt', 'webvtt', 'asr-json', 'label-studio'] as const;

/** The largest transcript file accepted; streamed to disk and refused with 413 past it. */
export const MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024;
/** The largest `mapping` field (a project with hundreds of speakers still fits). */
export const MAX_MAPPING_BYTES = 256 * 1024;

export const IMPORT_MODES = ['merge', 'replace'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

const fileKey = z.string().min(1).max(200);

const speakerTargetSchema = z
	.union([
		z.object({ speakerId: z.string().regex(ID_PATTERN, 'Not a speaker id') }).strict(),
		z
			.object({
				create: z
					.object({
						code: z.string().regex(SPEAKER_CODE_PATTERN, 'Codes are 1–32 ASCII letters, digits, _ . or -'),
						name: userText(100).optional()
					})
					.strict()
			})
			.strict(),
		z.null()
	])
	.describe('An existing speaker, a speaker to create with this code, or null for none');

export const importMappingSchema = z
	.object({
		speakers: z
			.record(fileKey, speakerTargetSchema)
			.optional()
			.describe("File speaker code (`(none)` for segments without one) → project speaker; unlisted ones by code, else created"),
		layers: z
			.record(fileKey, z.string().max(64).nullable())
			.optional()
			.describe('File layer → project text layer key, or null to skip it; unlisted ones by key or name'),
		dialects: z
			.record(fileKey, z.string().regex(ID_PATTERN, 'Not a tag id').nullable())
			.optional()
			.describe('File dialect value → dialect tag id, or null for none; unlisted ones by code or name')
	})
	.strict()
	.meta({ id: 'TranscriptImportMapping' });

export type ImportMappingInput = z.infer<typeof importMappingSchema>;

const flag = (what: string) =>
	z
		.enum(['true', 'false', ''])
		.optional()
		.transform((v) => v === 'true')
		.describe(what);

/** The text fields beside the file, as multipart sends them (strings). */
export const importFieldsSchema = z.object({
	mode: z.enum(IMPORT_MODES).default('merge').describe("merge: add and update, keep what the file does not have; replace: the file's segments replace the recording's"),
	format: z
		.union([z.literal(''), z.enum(TRANSCRIPT_FORMATS)])
		.optional()
		.transform((v) => v || undefined)
		.describe('Override the format detected from the name and content'),
	mapping: z
		.string()
		.optional()
		.transform((text, ctx) => {
			if (!text) return {};
			try {
				return JSON.parse(text) as unknown;
			} catch {
				ctx.addIssue({ code: 'custom', message: 'mapping is not valid JSON' });
				return z.NEVER;
			}
		})
		.pipe(importMappingSchema)
		.describe('JSON: { speakers, layers, dialects } (see TranscriptImportMapping)'),
	clip: flag('true: cut a transcript that runs past the end of the recording there (with a warning) instead of refusing it'),
	apply: flag('false (default): preview only; true: write it, with the token of the preview it confirms'),
	token: z
		.string()
		.regex(/^[0-9a-f]{64}$/, 'Not a preview token')
		.optional()
		.describe('The preview’s token; required with apply=true. A stale one (the recording changed since) is a 409')
});

export type ImportFields = z.infer<typeof importFieldsSchema>;

/** The multipart body, as the document shows it. */
export const importFormSchema = z.object({
	file: z.file().describe(`The transcript (at most ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MB): .TextGrid, .eaf, .trs, .srt, .vtt or .json`),
	mode: z.enum(IMPORT_MODES).optional(),
	format: z.enum(TRANSCRIPT_FORMATS).optional(),
	mapping: z.string().optional().describe('JSON, see TranscriptImportMapping'),
	clip: z.enum(['true', 'false']).optional(),
	apply: z.enum(['true', 'false']).optional(),
	token: z.string().optional()
});

export const recordingImportParamSchema = z.object({ recordingId: idSchema('Recording') });
export const projectImportParamSchema = z.object({ projectId: projectRefSchema });

const count = z.number().int().min(0);
const counts = z.object({ added: count, changed: count, removed: count });

export const importWarningSchema = z
	.object({
		code: z
			.string()
			.describe(
				'e.g. `past_the_end` (blocking unless clip), `clipped_to_recording`, `same_speaker_overlap`, `zero_length_interval`, `unmatched_dialect`, `skipped_layer`, `empty_tier`, `nothing_to_import`'
			),
		message: z.string(),
		blocking: z.boolean().describe('true: the import cannot be applied as it is'),
		line: z.number().int().optional(),
		element: z.string().optional(),
		count: z.number().int().optional(),
		values: z.array(z.string()).optional(),
		durationMs: z.number().int().optional().describe("past_the_end: the recording's duration"),
		maxTimeMs: z.number().int().optional().describe("past_the_end: how far the file's segments and events reach")
	})
	.meta({ id: 'ImportWarning' });

export type ImportWarningDto = z.infer<typeof importWarningSchema>;

const snapshotSchema = z.object({
	startMs: z.number().int(),
	endMs: z.number().int(),
	speakerId: z.string().nullable().describe('`new:<code>` for a speaker the import creates'),
	dialectTagId: z.string().nullable(),
	texts: z.record(z.string(), z.string()),
	status: z.string().nullable()
});

const sampleSchema = z.object({
	kind: z.enum(['added', 'changed', 'removed']),
	fields: z.array(z.string()).describe('What differs: layer keys, `dialect`, `status`, `times`'),
	before: snapshotSchema.nullable(),
	after: snapshotSchema.nullable()
});

const mappingDtoSchema = z.object({
	speakers: z.record(
		z.string(),
		z.union([z.object({ speakerId: z.string() }), z.object({ create: z.object({ code: z.string(), name: z.string() }) }), z.null()])
	),
	layers: z.record(z.string(), z.string().nullable()),
	dialects: z.record(z.string(), z.string().nullable())
});

const fileSummarySchema = z.object({
	name: z.string(),
	format: z.enum(TRANSCRIPT_FORMATS),
	sizeBytes: count,
	durationMs: z.number().int().nullable().describe('The extent the file declares (TextGrid xmax…)'),
	maxTimeMs: count.describe('How far its segments and events reach'),
	segments: count,
	events: count,
	speakers: z.array(z.object({ code: z.string(), name: z.string(), segments: count })),
	layers: z.array(z.object({ key: z.string(), segments: count })),
	dialects: z.array(z.object({ value: z.string(), segments: count }))
});

export const recordingPlanSchema = z
	.object({
		recordingId: z.string(),
		recordingName: z.string(),
		durationMs: count,
		totals: counts.extend({ unchanged: count }),
		bySpeaker: z.array(
			counts.extend({
				speakerId: z.string().nullable().describe('null: no speaker; `new:<code>`: created by the import'),
				code: z.string().nullable(),
				name: z.string().nullable()
			})
		),
		byLayer: z.array(counts.extend({ key: z.string().describe('A text layer key, or `dialect` / `status`') })),
		events: counts.pick({ added: true, removed: true }).extend({ unchanged: count }),
		warnings: z.array(importWarningSchema),
		samples: z.array(sampleSchema)
	})
	.meta({ id: 'RecordingImportPlan' });

const previewCommon = {
	token: z.string().describe('Send it back with apply=true: the import is applied only if nothing changed since'),
	mode: z.enum(IMPORT_MODES),
	clip: z.boolean(),
	file: fileSummarySchema,
	mapping: mappingDtoSchema.describe('Where every file speaker, layer and dialect value goes (your choices and the defaults)'),
	creates: z.object({ speakers: z.array(z.object({ code: z.string(), name: z.string() })) }),
	canApply: z.boolean().describe('false while a warning is blocking')
};

export const recordingImportPreviewSchema = z
	.object({ ...previewCommon, recording: recordingPlanSchema, warnings: z.array(importWarningSchema) })
	.meta({ id: 'TranscriptImportPreview' });

export const UNMATCHED_REASONS = ['no_recording', 'ambiguous', 'duplicate', 'not_ready', 'no_annotation'] as const;

export const projectImportPreviewSchema = z
	.object({
		...previewCommon,
		recordings: z.array(
			recordingPlanSchema.extend({
				taskIndex: count,
				taskId: z.union([z.string(), z.number()]).nullable(),
				audio: z.string().nullable()
			})
		),
		unmatched: z.array(
			z.object({
				taskIndex: count,
				taskId: z.union([z.string(), z.number()]).nullable(),
				audio: z.string().nullable(),
				reason: z.enum(UNMATCHED_REASONS),
				message: z.string()
			})
		),
		totals: counts.extend({ unchanged: count }),
		warnings: z.array(importWarningSchema)
	})
	.meta({ id: 'ProjectTranscriptImportPreview' });

export const appliedSchema = z
	.object({
		created: count,
		updated: count,
		deleted: count,
		unchanged: count,
		events: z.object({ added: count, removed: count }),
		speakers: z.array(speakerDtoSchema).describe('Speakers the import created')
	})
	.meta({ id: 'TranscriptImportResult' });

export const recordingImportResponseSchema = z.object({ preview: recordingImportPreviewSchema });
export const recordingImportAppliedSchema = z.object({ preview: recordingImportPreviewSchema, applied: appliedSchema });
export const projectImportResponseSchema = z.object({ preview: projectImportPreviewSchema });
export const projectImportAppliedSchema = z.object({ preview: projectImportPreviewSchema, applied: appliedSchema });

export type RecordingPlanDto = z.infer<typeof recordingPlanSchema>;
export type RecordingImportPreviewDto = z.infer<typeof recordingImportPreviewSchema>;
export type ProjectImportPreviewDto = z.infer<typeof projectImportPreviewSchema>;
export type AppliedDto = z.infer<typeof appliedSchema>;
