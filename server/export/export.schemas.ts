import { z } from 'zod';
import { ID_PATTERN } from '../lib/ids.ts';
import { idSchema, isoDateTime } from '../lib/openapi.ts';
import type { ReviewState } from '../review/accepted-version.ts';

/**
 * What an export is asked for: a format, a filter (which segments) and options (clips, splits).
 * The same shapes serve the API, the job table (as JSON text) and `npx fangyan export`.
 */

/** The review states of a segment's accepted version. */
export const REVIEW_STATES = ['unreviewed', 'accepted', 'corrected', 'rejected'] as const satisfies readonly ReviewState[];

/** Transcript formats: one file per recording. */
export const TRANSCRIPT_EXPORT_FORMATS = ['textgrid', 'eaf', 'srt', 'webvtt'] as const;
/** Corpus formats with audio (clips or whole recordings), splits, a README and a manifest. */
export const CORPUS_EXPORT_FORMATS = ['kaldi', 'nemo', 'audiofolder', 'common-voice'] as const;
/** Tables of every segment field. */
export const TABLE_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export const EXPORT_FORMATS = [...TRANSCRIPT_EXPORT_FORMATS, ...CORPUS_EXPORT_FORMATS, ...TABLE_EXPORT_FORMATS] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type CorpusExportFormat = (typeof CORPUS_EXPORT_FORMATS)[number];

export function isCorpusFormat(format: ExportFormat): format is CorpusExportFormat {
	return (CORPUS_EXPORT_FORMATS as readonly string[]).includes(format);
}

const id = (what: string) => z.string().regex(ID_PATTERN, `Not a ${what} id`);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(1000).optional();

/**
 * Which segments: every condition given must hold (values within one condition are alternatives).
 * Dates compare with the segment's last change (`updated_at`), `to` inclusive.
 */
export const exportFilterSchema = z
	.object({
		recordingIds: list(id('recording')).describe('Only these recordings (per-recording export)'),
		statuses: list(z.string().min(1).max(40)).describe('Workflow states of the transcription (`segment.status`), e.g. `new`, `transcribed`'),
		reviewStates: list(z.enum(REVIEW_STATES)).describe("Review states of the accepted version (server/review/accepted-version.ts)"),
		dialectTagIds: list(id('dialect tag')).describe('Dialect tags; `none` is not a tag: use withoutDialect'),
		withoutDialect: z.boolean().optional().describe('Also (or, with no dialectTagIds, only) segments without a dialect tag'),
		speakerIds: list(id('speaker')),
		transcriberIds: list(id('user')).describe('Who wrote the text (the last editor, else the creator)'),
		from: isoDateTime.optional().describe('Changed at or after'),
		to: isoDateTime.optional().describe('Changed at or before')
	})
	.strict()
	.refine((f) => !f.from || !f.to || f.from <= f.to, { message: '`from` is after `to`', path: ['from'] })
	.meta({ id: 'ExportFilter' });

export type ExportFilter = z.infer<typeof exportFilterSchema>;

export const splitRatiosSchema = z
	.object({ train: z.number().min(0).max(1), dev: z.number().min(0).max(1), test: z.number().min(0).max(1) })
	.strict()
	.refine((r) => r.train + r.dev + r.test > 0, { message: 'At least one split needs a share above 0' });

export const exportOptionsSchema = z
	.object({
		layer: z.string().min(1).max(64).optional().describe('The text layer corpus formats and subtitles take (default `transcript`)'),
		clipFormat: z.enum(['wav', 'flac']).default('wav'),
		sampleRate: z.number().int().min(8000).max(96000).default(16000),
		channels: z.number().int().min(1).max(2).default(1),
		splits: splitRatiosSchema.default({ train: 0.8, dev: 0.1, test: 0.1 }),
		seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
		nemoMode: z.enum(['clips', 'offset']).default('clips').describe('NeMo: cut clips, or offsets into whole recordings'),
		tokenize: z.enum(['as-is', 'characters']).default('as-is').describe('Kaldi text: as typed, or a space around each CJK character'),
		excel: z.boolean().default(false).describe('CSV with a BOM and formula cells defused, for Excel')
	})
	.strict()
	.meta({ id: 'ExportOptions' });

export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;

export const createExportSchema = z
	.object({
		format: z.enum(EXPORT_FORMATS),
		filter: exportFilterSchema.default({}),
		options: exportOptionsSchema.default(exportOptionsSchema.parse({}))
	})
	.strict();

export type CreateExportInput = z.infer<typeof createExportSchema>;

export const exportSummarySchema = z
	.object({
		segments: z.number().int(),
		hours: z.number(),
		recordings: z.number().int(),
		files: z.number().int(),
		skipped: z.record(z.string(), z.number().int())
	})
	.meta({ id: 'ExportSummary' });

export type ExportSummary = z.infer<typeof exportSummarySchema>;

export const exportJobDtoSchema = z
	.object({
		id: z.string(),
		projectId: z.string(),
		format: z.enum(EXPORT_FORMATS),
		filter: exportFilterSchema,
		options: exportOptionsSchema,
		state: z.enum(['queued', 'running', 'done', 'failed']),
		progress: z.number().min(0).max(1),
		fileName: z.string().nullable(),
		size: z.number().int().nullable(),
		summary: exportSummarySchema.nullable(),
		error: z.string().nullable(),
		createdBy: z.string().nullable(),
		createdAt: isoDateTime,
		finishedAt: isoDateTime.nullable(),
		downloadUrl: z.string().nullable()
	})
	.meta({ id: 'ExportJob' });

export type ExportJobDto = z.infer<typeof exportJobDtoSchema>;

export const exportParamSchema = z.object({ exportId: idSchema('Export') });

export const exportChoicesSchema = z
	.object({
		statuses: z.array(z.string()).describe("The workflow states the project's segments have"),
		transcribers: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })).describe('Who wrote text in the project')
	})
	.meta({ id: 'ExportChoices' });

export const exportCountRequestSchema = z.object({ filter: exportFilterSchema.default({}) }).strict();

export const exportCountSchema = z
	.object({ segments: z.number().int(), recordings: z.number().int(), hours: z.number() })
	.meta({ id: 'ExportCount' });
