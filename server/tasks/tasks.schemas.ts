import { z } from 'zod';
import { TASK_STATES } from '../db/schema.ts';
import { idSchema, int32, isoDateTime, userText } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';

export const taskDtoSchema = z
	.object({
		id: z.string(),
		projectId: z.string(),
		recordingId: z.string(),
		recordingName: z.string(),
		startMs: z.number().int().describe('Window start (ms)'),
		endMs: z.number().int().describe('Window end, exclusive (ms)'),
		kind: z.enum(['transcribe']),
		state: z.enum(TASK_STATES),
		priority: z.number().int().describe('Higher is served first; equal priorities by age'),
		variant: z.number().int().describe('The segment variant the transcription lives in (0: the primary)'),
		assigneeId: z.string().nullable(),
		assigneeName: z.string().nullable(),
		reviewerId: z.string().nullable(),
		reviewerName: z.string().nullable(),
		leaseExpiresAt: isoDateTime.nullable().describe('While in progress or in review: when the holder loses it without a heartbeat or save'),
		leaseMsLeft: z.number().int().nullable().describe('Milliseconds of the lease left when this answer was made'),
		reviewRound: z.number().int().describe('How many times it was returned'),
		reviewStage: z.number().int().describe('The review stage it waits for or is in (1-based)'),
		isGold: z.boolean().describe('Shown to managers only (false for everyone else)'),
		goldSourceId: z.string().nullable().describe('For a gold copy, the gold task it is scored against (managers only)'),
		goldScore: z
			.object({ errors: z.number().int(), refLength: z.number().int(), cer: z.number().nullable() })
			.nullable()
			.describe("A scored gold copy's character errors against the gold (managers only)"),
		createdAt: isoDateTime,
		updatedAt: isoDateTime,
		claimedAt: isoDateTime.nullable(),
		submittedAt: isoDateTime.nullable(),
		acceptedAt: isoDateTime.nullable()
	})
	.meta({ id: 'Task' });

export type TaskDto = z.infer<typeof taskDtoSchema>;

export const taskEventDtoSchema = z
	.object({
		id: z.string(),
		action: z.string().describe('claim, start, submit, release, lapse, claim_review, accept, return, pass, assign or mark_gold'),
		fromState: z.enum(TASK_STATES),
		toState: z.enum(TASK_STATES),
		userId: z.string().nullable().describe('null for the system (a lapsed lease)'),
		userName: z.string().nullable(),
		at: isoDateTime,
		note: z.string()
	})
	.meta({ id: 'TaskEvent' });

export type TaskEventDto = z.infer<typeof taskEventDtoSchema>;

export const taskSettingsSchema = z
	.object({
		chunkMinutes: z.number().min(1).max(240).describe('Long recordings become windows of this many minutes'),
		overlapSeconds: z.number().int().min(0).max(120).describe('How far consecutive windows overlap'),
		leaseMinutes: z.number().int().min(1).max(24 * 60).describe('A claimed task returns to the queue after this long idle'),
		transcriptionsPerTask: z.number().int().min(1).max(5).describe('N > 1: double transcription, each window by N different people'),
		goldPercent: z.number().int().min(0).max(50).describe("Share of a transcriber's claims served as a copy of a gold task")
	})
	.meta({ id: 'TaskSettings' });

export type TaskSettingsDto = z.infer<typeof taskSettingsSchema>;

export const projectTaskParamsSchema = z.object({ projectId: projectRefSchema });
export const taskParamsSchema = z.object({ taskId: idSchema('Task') });

const stateList = z
	.string()
	.regex(/^[a-z_]+(,[a-z_]+)*$/, 'states is a comma-separated list')
	.transform((s) => s.split(','))
	.pipe(z.array(z.enum(TASK_STATES)))
	.optional()
	.describe('Only these states (comma-separated)');

export const listTasksQuerySchema = z.object({
	state: stateList,
	assignee: z.union([idSchema('User'), z.literal('me')]).optional().describe('Only tasks assigned to this user (`me` for yourself)'),
	recording: idSchema('Recording').optional().describe('Only tasks of this recording'),
	limit: z
		.string()
		.regex(/^\d{1,4}$/)
		.transform(Number)
		.pipe(z.number().int().min(1).max(500))
		.optional(),
	offset: z
		.string()
		.regex(/^\d{1,7}$/)
		.transform(Number)
		.optional()
});

export const createTasksSchema = z.object({
	recordingIds: z.array(idSchema('Recording')).max(10_000).optional().describe('Only these recordings (default: every ready one without tasks)'),
	priority: int32().optional().describe('Priority of the new tasks (default 0)')
});

export const transitionSchema = z.object({
	action: z.enum(['start', 'submit', 'release', 'accept', 'return', 'pass']),
	note: userText(4000).optional().describe('A comment; required when returning a task')
});

export const patchTaskSchema = z
	.object({
		priority: int32().optional(),
		assigneeId: idSchema('User').nullable().optional().describe('Assign to this member (null: unassign); a task in progress goes back to new for them'),
		isGold: z.boolean().optional().describe('Mark an accepted task as gold (or not)')
	})
	.refine((p) => p.priority !== undefined || p.assigneeId !== undefined || p.isGold !== undefined, 'Nothing to change');

export const taskEnvelopeSchema = z.object({ task: taskDtoSchema });
export const claimEnvelopeSchema = z.object({
	task: taskDtoSchema.nullable().describe('null when there is nothing for you in the queue'),
	resumed: z.boolean().describe('True when this is work you already had (held, or returned to you)')
});
export const taskListSchema = z.object({
	tasks: z.array(taskDtoSchema),
	total: z.number().int().describe('Tasks matching the filter'),
	counts: z.record(z.enum(TASK_STATES), z.number().int()).describe('Tasks per state (of the assignee when filtered by one)')
});
export const taskEventListSchema = z.object({ events: z.array(taskEventDtoSchema) });
export const taskSettingsEnvelopeSchema = z.object({ settings: taskSettingsSchema });
export const createTasksResultSchema = z.object({
	created: z.number().int().describe('Tasks created'),
	recordings: z.number().int().describe('Recordings they came from')
});
export const assigneeListSchema = z.object({ assignees: z.array(z.object({ id: z.string(), name: z.string() })) });
export const goldAccuracySchema = z.object({
	transcribers: z.array(
		z.object({
			userId: z.string(),
			name: z.string(),
			goldTasks: z.number().int().describe('Scored gold copies'),
			errors: z.number().int(),
			refLength: z.number().int(),
			cer: z.number().nullable().describe('Σ errors / Σ gold characters; null without gold characters'),
			accuracy: z.number().nullable().describe('max(0, 1 − CER)')
		})
	)
});
