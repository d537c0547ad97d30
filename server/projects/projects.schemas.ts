import { z } from 'zod';
import { PROJECT_ROLES } from '../db/schema.ts';
import { isoDateTime, userText } from '../lib/openapi.ts';
import { speakerDtoSchema } from '../speakers/speakers.schemas.ts';
import type { TaxonomyNode } from './default-taxonomy.ts';
import { SLUG_PATTERN, projectRefSchema } from './project-ref.ts';

export { SLUG_PATTERN, userText };

export const TAG_CODE_PATTERN = /^[a-z0-9-]{2,32}$/;
export const LAYER_KEY_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;

export const MAX_TAGS = 1000;
export const MAX_TAXONOMY_DEPTH = 5;

export const createProjectSchema = z.object({
	name: userText(200).pipe(z.string().min(1, 'A project needs a name')),
	slug: z
		.string()
		.regex(SLUG_PATTERN, 'Use lower-case ASCII letters, digits and hyphens (at most 64)')
		.optional(),
	description: userText(2000).optional(),
	guidelines: userText(200_000).optional()
});

export const patchProjectSchema = z.object({
	name: userText(200).pipe(z.string().min(1, 'A project needs a name')).optional(),
	description: userText(2000).optional(),
	guidelines: userText(200_000).optional()
});

const tagName = userText(100).pipe(z.string().min(1, 'Give the tag a name'));

export const taxonomyNodeSchema = z
	.object({
		code: z.string().regex(TAG_CODE_PATTERN, 'Codes are 2–32 characters of a–z, 0–9 and hyphens'),
		nameEn: tagName,
		nameZh: tagName,
		get children() {
			return z.array(taxonomyNodeSchema).max(MAX_TAGS).optional();
		}
	})
	.meta({ id: 'TaxonomyNode' });

export const taxonomySchema = z
	.object({
		dialectTags: z
			.array(taxonomyNodeSchema)
			.max(MAX_TAGS)
			.describe(`At most ${MAX_TAGS} tags in all, ${MAX_TAXONOMY_DEPTH} levels deep; codes unique across the tree`)
	})
	.superRefine(({ dialectTags }, ctx) => {
		const seen = new Set<string>();
		const duplicates = new Set<string>();
		let count = 0;
		let tooDeep = false;
		const walk = (nodes: TaxonomyNode[], depth: number) => {
			if (nodes.length > 0 && depth > MAX_TAXONOMY_DEPTH) tooDeep = true;
			for (const node of nodes) {
				count++;
				if (seen.has(node.code)) duplicates.add(node.code);
				seen.add(node.code);
				walk(node.children ?? [], depth + 1);
			}
		};
		walk(dialectTags, 1);
		if (duplicates.size > 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['dialectTags'],
				message: `Tag codes must be unique; repeated: ${[...duplicates].join(', ')}`
			});
		}
		if (count > MAX_TAGS) {
			ctx.addIssue({ code: 'custom', path: ['dialectTags'], message: `At most ${MAX_TAGS} tags` });
		}
		if (tooDeep) {
			ctx.addIssue({ code: 'custom', path: ['dialectTags'], message: `At most ${MAX_TAXONOMY_DEPTH} levels` });
		}
	});

export const layersSchema = z
	.object({
		textLayers: z
			.array(
				z.object({
					key: z
						.string()
						.regex(LAYER_KEY_PATTERN, 'Keys are 2–32 characters: a–z first, then a–z, 0–9 or _'),
					nameEn: tagName,
					nameZh: tagName
				})
			)
			.min(1, 'A project needs at least one text layer')
			.max(20)
	})
	.superRefine(({ textLayers }, ctx) => {
		const keys = textLayers.map((l) => l.key);
		const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
		if (duplicates.length > 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['textLayers'],
				message: `Layer keys must be unique; repeated: ${[...new Set(duplicates)].join(', ')}`
			});
		}
	});

export type CreateProjectInput = z.infer<typeof createProjectSchema>;
export type PatchProjectInput = z.infer<typeof patchProjectSchema>;

export const projectParamsSchema = z.object({ projectId: projectRefSchema });

const projectSummaryShape = {
	id: z.string(),
	slug: z.string(),
	name: z.string(),
	description: z.string(),
	recordingCount: z.number().int(),
	totalDurationMs: z.number().int().describe("Sum of the recordings' durations (ms)"),
	segmentCount: z.number().int(),
	createdAt: isoDateTime,
	updatedAt: isoDateTime
};

export const projectSummaryDtoSchema = z.object(projectSummaryShape).meta({ id: 'ProjectSummary' });

export const dialectTagDtoSchema = z
	.object({
		id: z.string(),
		parentId: z.string().nullable(),
		code: z.string(),
		nameEn: z.string(),
		nameZh: z.string(),
		sortOrder: z.number().int().describe('Position among its siblings')
	})
	.meta({ id: 'DialectTag' });

export const textLayerDtoSchema = z
	.object({
		id: z.string(),
		key: z.string().describe('Key of the layer in segment texts'),
		nameEn: z.string(),
		nameZh: z.string(),
		sortOrder: z.number().int()
	})
	.meta({ id: 'TextLayer' });

export const projectDtoSchema = z
	.object({
		...projectSummaryShape,
		guidelines: z.string().describe('Transcription guidelines (markdown)'),
		dialectTags: z.array(dialectTagDtoSchema).describe('Parents before their children (pre-order), siblings by sortOrder'),
		textLayers: z.array(textLayerDtoSchema),
		speakers: z.array(speakerDtoSchema)
	})
	.meta({ id: 'Project' });

export const projectEnvelopeSchema = z.object({ project: projectDtoSchema });
export const projectListSchema = z.object({ projects: z.array(projectSummaryDtoSchema) });

/** What the signed-in user may do in a project (server/access/ decides). */
export const projectCapabilitiesDtoSchema = z
	.object({
		read: z.boolean().describe('May see the project, its recordings, audio and segments'),
		transcribe: z.boolean().describe('May create, edit and delete segments'),
		review: z.boolean().describe("May review others' work"),
		manage: z
			.boolean()
			.describe("May change the project's setup: details, guidelines, speakers, taxonomy, layers, recordings, members"),
		export: z.boolean().describe("May export the project's data")
	})
	.meta({ id: 'ProjectCapabilities' });

export const projectRoleSchema = z.enum(PROJECT_ROLES);
export const projectAccessRoleSchema = z
	.enum(['admin', ...PROJECT_ROLES])
	.describe("The signed-in user's role in the project (`admin`: an instance admin, who may do everything)");

export const projectWithCapabilitiesSchema = z.object({
	project: projectDtoSchema,
	role: projectAccessRoleSchema,
	capabilities: projectCapabilitiesDtoSchema
});

const segmentCounts = (what: string) => z.record(z.string(), z.number().int().min(0)).describe(what);

/** Segments per tag code, layer key and speaker id (every one listed, zeros included). */
export const projectUsageDtoSchema = z
	.object({
		dialectTags: segmentCounts('Segments per dialect tag code'),
		textLayers: segmentCounts('Segments with text, per text layer key'),
		speakers: segmentCounts('Segments per speaker id')
	})
	.meta({ id: 'ProjectUsage' });

export const projectUsageEnvelopeSchema = z.object({ usage: projectUsageDtoSchema });

export type ProjectSummaryDto = z.infer<typeof projectSummaryDtoSchema>;
export type DialectTagDto = z.infer<typeof dialectTagDtoSchema>;
export type TextLayerDto = z.infer<typeof textLayerDtoSchema>;
export type ProjectDto = z.infer<typeof projectDtoSchema>;
export type ProjectCapabilitiesDto = z.infer<typeof projectCapabilitiesDtoSchema>;
export type ProjectUsageDto = z.infer<typeof projectUsageDtoSchema>;
