import { z } from 'zod';
import { isoDateTime } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';
import { ALL_AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit.ts';

const ACTION_GROUPS = [...new Set(ALL_AUDIT_ACTIONS.map((a) => a.split('.')[0]!))];

/** A day (`2026-12-18`, the whole UTC day) or an instant. */
const dayOrInstant = z.union([z.iso.date(), z.iso.datetime()]);

const filterShape = {
	actor: z.string().max(64).optional().describe('User id of the actor'),
	action: z
		.enum([...ALL_AUDIT_ACTIONS, ...ACTION_GROUPS] as [string, ...string[]])
		.optional()
		.describe('An action (`recording.rename`) or a whole group (`recording`)'),
	targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
	target: z.string().max(64).optional().describe("The target's id; for segment edits also their recording's id"),
	from: dayOrInstant.optional().describe('From this day or instant on (inclusive)'),
	to: dayOrInstant.optional().describe('Up to this day (inclusive) or instant (exclusive)')
};

export const auditCsvQuerySchema = z.object(filterShape);

export const auditQuerySchema = z.object({
	...filterShape,
	limit: z.coerce.number().int().min(1).max(200).default(50),
	after: z.string().max(200).optional().describe("The previous page's `nextCursor`")
});

export type AuditQuery = z.infer<typeof auditCsvQuerySchema>;

export const projectAuditParamsSchema = z.object({ projectId: projectRefSchema });

export const auditEntryDtoSchema = z
	.object({
		id: z.string(),
		projectId: z.string().nullable(),
		actor: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
		action: z.string().describe('An AuditAction, or `segment.create|update|delete|restore` from the segment history'),
		targetType: z.string(),
		targetId: z.string().nullable(),
		details: z.record(z.string(), z.unknown()),
		createdAt: isoDateTime
	})
	.meta({ id: 'AuditEntry' });

export type AuditEntryDto = z.infer<typeof auditEntryDtoSchema>;

export const auditPageSchema = z.object({
	entries: z.array(auditEntryDtoSchema),
	nextCursor: z.string().nullable().describe('Pass as `after` for the next (older) page; null on the last page')
});

export const auditFiltersSchema = z.object({
	actors: z.array(z.object({ id: z.string(), email: z.string(), name: z.string() })).describe('Everyone who appears in the trail'),
	actions: z.array(z.string()).describe('Every action the trail knows, grouped by their prefix'),
	targetTypes: z.array(z.string())
});
