import { z } from 'zod';
import { projectRefSchema } from '../projects/project-ref.ts';

export const dashboardParamsSchema = z.object({ projectId: projectRefSchema });

export const DASHBOARD_TABLES = ['progress', 'transcribers', 'quality', 'categories', 'dialects', 'queue'] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

export const dashboardCsvParamsSchema = z.object({ projectId: projectRefSchema, table: z.enum(DASHBOARD_TABLES) });

export const dashboardQuerySchema = z.object({
	from: z.iso.date().optional().describe('First UTC day (inclusive)'),
	to: z.iso.date().optional().describe('Last UTC day (inclusive)')
});

const rate = z.number().nullable().describe('0–1; null when nothing was measured');

export const dashboardSchema = z
	.object({
		progress: z
			.array(
				z.object({
					day: z.string(),
					segments: z.number(),
					segmentedHours: z.number(),
					transcribedHours: z.number(),
					reviewedHours: z.number(),
					acceptedHours: z.number()
				})
			)
			.describe("Each day's net change (a deletion takes hours back); the running sum is the total"),
		queue: z.object({
			available: z.boolean().describe('false while the project has no task queue'),
			states: z.array(z.object({ state: z.string(), count: z.number() })),
			lapses: z.array(z.object({ day: z.string(), count: z.number() })).describe('Leases that lapsed, per day')
		}),
		transcribers: z.array(
			z.object({
				userId: z.string(),
				name: z.string().nullable(),
				email: z.string().nullable(),
				segments: z.number(),
				audioMinutes: z.number().describe('Audio transcribed (net), in minutes'),
				workingHours: z.number().describe('5-minute spans with a saved edit, in hours'),
				throughput: z.number().nullable().describe('Audio minutes per working hour'),
				reviewed: z.number(),
				corrected: z.number(),
				rejected: z.number(),
				rejectionRate: rate,
				cer: rate.describe('Character error rate of their text against the reviewer’s'),
				goldCer: rate.describe('Character error rate on gold tasks')
			})
		),
		quality: z.array(z.object({ day: z.string(), reviewed: z.number(), rejectionRate: rate, cer: rate })),
		categories: z.array(z.object({ day: z.string(), category: z.string(), count: z.number() })),
		dialects: z.array(
			z.object({
				tagId: z.string().nullable(),
				code: z.string().nullable(),
				nameEn: z.string().nullable(),
				nameZh: z.string().nullable(),
				segments: z.number(),
				hours: z.number(),
				reviewed: z.number(),
				agreement: rate.describe('Share of reviewed segments the reviewer accepted unchanged (agreement with the reviewer, not between transcribers)'),
				kappa: z
					.number()
					.nullable()
					.describe(
						"Cohen's kappa between the first two transcriptions of double-transcribed recordings on this tag versus the others (segments paired by time overlap; the whole project, whatever the day range); null without double transcriptions or without variation"
					),
				alpha: z.number().nullable().describe("Krippendorff's alpha (nominal, missing data allowed) over all transcriptions of a window, on this tag versus the others"),
				doubleUnits: z.number().describe('Time-paired segment groups of double transcriptions in which someone chose this tag')
			})
		)
	})
	.meta({ id: 'Dashboard' });

export type DashboardDto = z.infer<typeof dashboardSchema>;
