import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, jsonBody, ok, params, query } from '../lib/openapi.ts';
import { nowIso } from '../lib/ids.ts';
import { TASK_STATES, type TaskState } from '../db/schema.ts';
import { requireTaskAccess, taskAccess, type TaskAccessEnv } from './task-access.ts';
import { fromTaskSettingsDto, toTaskDto, toTaskEventDto, toTaskSettingsDto } from './tasks.mapper.ts';
import {
	countTasksByState,
	findTask,
	findTaskSettings,
	goldAccuracyByUser,
	listActiveUsers,
	listTaskEvents,
	listTasks,
	updateTaskSettings
} from './tasks.repository.ts';
import {
	assigneeListSchema,
	claimEnvelopeSchema,
	createTasksResultSchema,
	createTasksSchema,
	goldAccuracySchema,
	listTasksQuerySchema,
	patchTaskSchema,
	projectTaskParamsSchema,
	taskEnvelopeSchema,
	taskEventListSchema,
	taskListSchema,
	taskParamsSchema,
	taskSettingsEnvelopeSchema,
	taskSettingsSchema,
	transitionSchema
} from './tasks.schemas.ts';
import {
	applyTaskAction,
	claimNextReview,
	claimNextTask,
	createTasks,
	renewLease,
	sweepLapsedLeases,
	updateTaskAsManager
} from './tasks.service.ts';

const tags = ['tasks'];
const illegal = 'Not possible in the task\'s state (`illegal_transition`, with `state` and `action`), or it changed meanwhile (`task_changed`)';

const doc = {
	list: describe({
		tags,
		summary: "A project's tasks in queue order, with counts per state",
		description: 'Managers see every task; everyone else only the tasks assigned to them.',
		responses: { 200: ok(taskListSchema) }
	}),
	create: describe({
		tags,
		summary: 'Create tasks: every ready recording without tasks becomes one task per window and variant',
		description:
			"Recordings longer than the project's window length become overlapping windows; with N transcriptions per task each window gets N tasks (variants 0..N-1).",
		responses: { 201: ok(createTasksResultSchema, 'Created') }
	}),
	next: describe({
		tags,
		summary: 'Next task: your open work first, else the next task of the queue (by priority, then age)',
		description:
			'Never a task someone else holds, nor a second variant of a window you already had. Claiming leases the task (heartbeat and saves renew the lease).',
		responses: { 200: ok(claimEnvelopeSchema) }
	}),
	nextReview: describe({
		tags,
		summary: 'Next review: the next submitted task (by priority, then how long it waited), never one of a window you transcribed',
		responses: { 200: ok(claimEnvelopeSchema) }
	}),
	settings: describe({
		tags,
		summary: "The project's task settings (windows, lease, double transcription, gold)",
		responses: { 200: ok(taskSettingsEnvelopeSchema) }
	}),
	putSettings: describe({
		tags,
		summary: "Replace the project's task settings (tasks already created keep their windows)",
		responses: { 200: ok(taskSettingsEnvelopeSchema) }
	}),
	assignees: describe({
		tags,
		summary: 'The members a manager may assign tasks to (those who may transcribe in the project)',
		responses: { 200: ok(assigneeListSchema) }
	}),
	gold: describe({
		tags,
		summary: "Each transcriber's accuracy on gold copies (CER against the gold's accepted text)",
		responses: { 200: ok(goldAccuracySchema) }
	}),
	get: describe({
		tags,
		summary: 'One task (managers: any; others: one assigned to them or reviewed by them)',
		responses: { 200: ok(taskEnvelopeSchema), ...errors({ 404: 'Task not found' }) }
	}),
	events: describe({
		tags,
		summary: "A task's transitions, oldest first",
		responses: { 200: ok(taskEventListSchema), ...errors({ 404: 'Task not found' }) }
	}),
	transition: describe({
		tags,
		summary: 'Start, submit or release a task you hold; accept, return (with a comment) or pass on one you review',
		responses: {
			200: ok(taskEnvelopeSchema),
			...errors({
				403: 'Your role in the project may not make this transition (transcribers start, submit and release; reviewers accept, return and pass on)',
				404: 'Task not found',
				409: `${illegal}; \`not_yours\` when someone else holds it`,
				422: 'Returning without a comment (`comment_required`)'
			})
		}
	}),
	heartbeat: describe({
		tags,
		summary: 'Renew the lease of a task you hold (the editor sends it while you work)',
		responses: { 200: ok(taskEnvelopeSchema), ...errors({ 404: 'Task not found', 409: 'You do not hold it (`not_holding`)' }) }
	}),
	patch: describe({
		tags,
		summary: 'Change priority, assign to a member (or unassign), mark an accepted task as gold',
		responses: {
			200: ok(taskEnvelopeSchema),
			...errors({
				404: 'Task not found',
				409: `${illegal}; \`gold_copy\` for marking a gold copy as gold`,
				422: 'Not a member who may transcribe (`unknown_user`, `cannot_transcribe`)'
			})
		}
	})
};

/** A project's queue; mounted under /api/projects/:projectId/tasks. */
export function projectTasksRoutes({ db }: Deps) {
	const member = requireTaskAccess(db, { from: 'project', need: 'read' });
	const manager = requireTaskAccess(db, { from: 'project', need: 'manage' });
	const transcriber = requireTaskAccess(db, { from: 'project', need: 'transcribe' });
	const reviewer = requireTaskAccess(db, { from: 'project', need: 'review' });
	return new Hono<TaskAccessEnv>()
		.get('/', doc.list, params(projectTaskParamsSchema), member, query(listTasksQuerySchema), async (c) => {
			const { projectId, can } = c.var.access;
			const q = c.req.valid('query');
			await sweepLapsedLeases(db, projectId);
			const assigneeId = !can.manage || q.assignee === 'me' ? c.var.user.id : q.assignee;
			const filter = { projectId, states: q.state, assigneeId, recordingId: q.recording };
			const [rows, counts] = await Promise.all([
				listTasks(db, { ...filter, limit: q.limit ?? 100, offset: q.offset ?? 0 }),
				countTasksByState(db, projectId, assigneeId)
			]);
			const now = nowIso();
			const total = ((q.state ?? TASK_STATES) as TaskState[]).reduce((sum, s) => sum + (counts.get(s) ?? 0), 0);
			return c.json(
				{
					tasks: rows.map((r) => toTaskDto(r, { now, revealGold: can.manage })),
					total: q.recording ? rows.length : total,
					counts: Object.fromEntries(TASK_STATES.map((s) => [s, counts.get(s) ?? 0])) as Record<(typeof TASK_STATES)[number], number>
				},
				200
			);
		})
		.post('/', doc.create, params(projectTaskParamsSchema), manager, jsonBody(createTasksSchema), async (c) => {
			const input = c.req.valid('json');
			const result = await createTasks(db, { projectId: c.var.access.projectId, actorId: c.var.user.id, recordingIds: input.recordingIds, priority: input.priority });
			return c.json(result, 201);
		})
		.post('/next', doc.next, params(projectTaskParamsSchema), transcriber, async (c) => {
			const result = await claimNextTask(db, { projectId: c.var.access.projectId, user: c.var.user, access: c.var.access });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ task: result.task, resumed: result.resumed }, 200);
		})
		.post('/next-review', doc.nextReview, params(projectTaskParamsSchema), reviewer, async (c) => {
			const result = await claimNextReview(db, { projectId: c.var.access.projectId, user: c.var.user, access: c.var.access });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ task: result.task, resumed: result.resumed }, 200);
		})
		.get('/settings', doc.settings, params(projectTaskParamsSchema), member, async (c) => {
			const row = (await findTaskSettings(db, c.var.access.projectId))!;
			return c.json({ settings: toTaskSettingsDto(row) }, 200);
		})
		.put('/settings', doc.putSettings, params(projectTaskParamsSchema), manager, jsonBody(taskSettingsSchema), async (c) => {
			const { projectId } = c.var.access;
			await updateTaskSettings(db, projectId, fromTaskSettingsDto(c.req.valid('json')), nowIso());
			return c.json({ settings: toTaskSettingsDto((await findTaskSettings(db, projectId))!) }, 200);
		})
		.get('/assignees', doc.assignees, params(projectTaskParamsSchema), manager, async (c) => {
			const { projectId } = c.var.access;
			const users = await listActiveUsers(db);
			const allowed = await Promise.all(users.map(async (u) => (await taskAccess(db, u, projectId))?.can.transcribe ?? false));
			return c.json({ assignees: users.filter((_, i) => allowed[i]).map((u) => ({ id: u.id, name: u.name })) }, 200);
		})
		.get('/gold-accuracy', doc.gold, params(projectTaskParamsSchema), manager, async (c) => {
			const rows = await goldAccuracyByUser(db, c.var.access.projectId);
			return c.json(
				{
					transcribers: rows.map((r) => {
						const refLength = Number(r.ref_length);
						const cer = refLength > 0 ? Number(r.errors) / refLength : null;
						return {
							userId: r.user_id!,
							name: r.user_name,
							goldTasks: Number(r.gold_tasks),
							errors: Number(r.errors),
							refLength,
							cer,
							accuracy: cer === null ? null : Math.max(0, 1 - cer)
						};
					})
				},
				200
			);
		});
}

/** One task by id; mounted under /api/tasks. */
export function tasksRoutes({ db }: Deps) {
	const member = requireTaskAccess(db, { from: 'task', need: 'read' });
	const manager = requireTaskAccess(db, { from: 'task', need: 'manage' });
	/** A non-manager sees only tasks they transcribe or review: anything else is not found. */
	const visible = async (taskId: string, access: TaskAccessEnv['Variables']['access'], userId: string) => {
		const row = await findTask(db, taskId);
		if (!row) return undefined;
		if (!access.can.manage && row.assignee_id !== userId && row.reviewer_id !== userId) return undefined;
		return row;
	};
	return new Hono<TaskAccessEnv>()
		.get('/:taskId', doc.get, params(taskParamsSchema), member, async (c) => {
			const row = await visible(c.req.valid('param').taskId, c.var.access, c.var.user.id);
			if (!row) return notFound(c, 'Task');
			return c.json({ task: toTaskDto(row, { now: nowIso(), revealGold: c.var.access.can.manage }) }, 200);
		})
		.get('/:taskId/events', doc.events, params(taskParamsSchema), member, async (c) => {
			const { taskId } = c.req.valid('param');
			if (!(await visible(taskId, c.var.access, c.var.user.id))) return notFound(c, 'Task');
			const rows = await listTaskEvents(db, taskId);
			// A gold copy's events would say so; only managers see those notes.
			const events = rows.map(toTaskEventDto).map((e) => (c.var.access.can.manage ? e : { ...e, note: e.action === 'claim' ? '' : e.note }));
			return c.json({ events }, 200);
		})
		.post('/:taskId/transitions', doc.transition, params(taskParamsSchema), member, jsonBody(transitionSchema), async (c) => {
			const { action, note } = c.req.valid('json');
			const result = await applyTaskAction(db, { taskId: c.req.valid('param').taskId, action, note, user: c.var.user, access: c.var.access });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ task: result.task }, 200);
		})
		.post('/:taskId/heartbeat', doc.heartbeat, params(taskParamsSchema), member, async (c) => {
			const result = await renewLease(db, { taskId: c.req.valid('param').taskId, user: c.var.user, access: c.var.access });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ task: result.task }, 200);
		})
		.patch('/:taskId', doc.patch, params(taskParamsSchema), manager, jsonBody(patchTaskSchema), async (c) => {
			const result = await updateTaskAsManager(db, { taskId: c.req.valid('param').taskId, user: c.var.user, access: c.var.access, ...c.req.valid('json') });
			if (!result.ok) return c.json(result.body, result.status);
			return c.json({ task: result.task }, 200);
		});
}

