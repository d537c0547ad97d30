import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import { checkTaskDecision } from '../review/task-review.ts';
import type { NewTask, TaskState } from '../db/schema.ts';
import { apiError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { chunkWindows } from './chunking.ts';
import { scoreGoldCopy, serveGoldCopy } from './gold.ts';
import { taskAccess, type TaskAccess } from './task-access.ts';
import { illegalTransitionMessage, nextState, type TaskAction } from './task-states.ts';
import { toTaskDto, type TaskDto } from './tasks.mapper.ts';
import {
	claimFromQueue,
	moveTask,
	claimReviewFromQueue,
	countClaims,
	findClaimStart,
	findTask,
	findTaskSettings,
	insertTaskEvents,
	insertTasks,
	listRecordingsWithoutTasks,
	renewLeasesOfRecording,
	takeBackLapsedLeases,
	updateTaskIfState,
	type TaskPatch,
	type TaskRow
} from './tasks.repository.ts';

export type TaskFailure = { ok: false; status: 403 | 404 | 409 | 422; body: ApiErrorBody };
const fail = (status: TaskFailure['status'], code: string, message: string, details: Record<string, unknown> = {}): TaskFailure => ({
	ok: false,
	status,
	body: apiError(code, message, details)
});

type Actor = { id: string };

const leaseUntil = (now: string, leaseMs: number) => new Date(Date.parse(now) + leaseMs).toISOString();

/**
 * "Create tasks": every ready recording of the project without tasks (or those of `recordingIds`)
 * becomes one task per window (chunkWindows with the project's window length and overlap) and per
 * variant (transcriptions_per_task), in one transaction. Recordings that have tasks are left alone,
 * so pressing it again only adds the recordings uploaded since.
 */
export async function createTasks(db: Db, args: { projectId: string; actorId: string | null; recordingIds?: string[]; priority?: number }) {
	return db.transaction().execute(async (trx) => {
		const settings = (await findTaskSettings(trx, args.projectId))!;
		const recordings = await listRecordingsWithoutTasks(trx, args.projectId, args.recordingIds);
		const variants = Math.max(1, Number(settings.transcriptions_per_task));
		const rows: NewTask[] = [];
		const now = nowIso();
		for (const recording of recordings) {
			for (const window of chunkWindows(Number(recording.duration_ms), Number(settings.task_chunk_ms), Number(settings.task_overlap_ms))) {
				const windowId = newId();
				for (let variant = 0; variant < variants; variant++) {
					rows.push({
						id: newId(),
						project_id: args.projectId,
						recording_id: recording.id,
						window_id: windowId,
						start_ms: window.startMs,
						end_ms: window.endMs,
						priority: args.priority ?? 0,
						variant,
						assignee_id: null,
						reviewer_id: null,
						lease_expires_at: null,
						gold_source_id: null,
						gold_errors: null,
						gold_ref_length: null,
						created_at: now,
						updated_at: now,
						claimed_at: null,
						submitted_at: null,
						accepted_at: null
					});
				}
			}
		}
		await insertTasks(trx, rows);
		if (rows.length > 0) {
			await audit(trx, {
				projectId: args.projectId,
				actorId: args.actorId,
				action: 'task.create',
				target: { type: 'task', id: null },
				details: { tasks: rows.length, recordings: recordings.map((r) => r.id).slice(0, 100) }
			});
		}
		return { created: rows.length, recordings: recordings.length };
	});
}

const lastSweep = new WeakMap<Db, Map<string, number>>();
/** How often one app server looks for lapsed leases of a project while claims come in. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * Returns every lapsed lease of the project to the queue, recording a `lapse` event for each (the
 * dashboards count them). With `throttle`, at most once a second per project and process: claims
 * call it on every request, and a lease that lapsed a second ago is as good as one that just did.
 */
export async function sweepLapsedLeases(db: Db, projectId: string, options: { throttle?: boolean } = {}) {
	const nowMs = Date.now();
	if (options.throttle) {
		let perProject = lastSweep.get(db);
		if (!perProject) lastSweep.set(db, (perProject = new Map()));
		if (nowMs - (perProject.get(projectId) ?? 0) < SWEEP_INTERVAL_MS) return 0;
		perProject.set(projectId, nowMs);
	}
	const now = new Date(nowMs).toISOString();
	return db.transaction().execute(async (trx) => {
		const { transcribing, reviewing } = await takeBackLapsedLeases(trx, projectId, now);
		const note = 'The lease lapsed: nobody worked on it for the idle time';
		await insertTaskEvents(trx, [
			...transcribing.map((t) => ({ taskId: t.id, projectId, action: 'lapse' as const, from: 'in_progress' as const, to: 'new' as const, userId: null, at: now, note })),
			...reviewing.map((t) => ({ taskId: t.id, projectId, action: 'lapse' as const, from: 'in_review' as const, to: 'submitted' as const, userId: null, at: now, note }))
		]);
		return transcribing.length + reviewing.length;
	});
}

export type ClaimResult = { ok: true; task: TaskDto | null; resumed: boolean } | TaskFailure;

/**
 * "Next task" for a transcriber. Their own open work comes first — the task they hold (its lease
 * renewed), one returned to them (started again), one a manager assigned to them — then, when the
 * project serves gold and they are due one, a fresh copy of a gold task, then the queue
 * (claimFromQueue). Each claim renews nothing else and records its event in the same transaction.
 */
export async function claimNextTask(db: Db, args: { projectId: string; user: Actor; access: TaskAccess }): Promise<ClaimResult> {
	const { projectId, user } = args;
	if (!args.access.can.transcribe) return fail(403, 'forbidden', 'Only transcribers of this project may take tasks');
	await sweepLapsedLeases(db, projectId, { throttle: true });
	const settings = (await findClaimStart(db, projectId, user.id))!;
	const leaseMs = Number(settings.task_lease_ms);
	const own = settings.own_id && settings.own_state ? { id: settings.own_id, state: settings.own_state } : undefined;
	if (own) {
		const now = nowIso();
		const lease = leaseUntil(now, leaseMs);
		if (own.state === 'in_progress') {
			await updateTaskIfState(db, { id: own.id, from: 'in_progress', assigneeId: user.id, patch: { lease_expires_at: lease, updated_at: now } });
			return { ok: true, task: await loadTaskDto(db, own.id, args.access), resumed: true };
		}
		const action: TaskAction = own.state === 'returned' ? 'start' : 'claim';
		const moved = await transition(db, {
			taskId: own.id,
			action,
			actor: user,
			from: own.state,
			holder: { assigneeId: user.id },
			patch: { lease_expires_at: lease, claimed_at: now, updated_at: now }
		});
		if (moved.ok) return { ok: true, task: taskDtoFor(moved.task, args.access), resumed: action === 'start' };
	}
	const goldPercent = Number(settings.gold_percent);
	if (goldPercent > 0) {
		const { claims, gold } = await countClaims(db, projectId, user.id);
		// A quota, not a coin: after n claims a transcriber has had ⌊(n + 1) · rate⌋ gold copies.
		if (gold < Math.floor(((claims + 1) * goldPercent) / 100)) {
			const copyId = await serveGoldCopy(db, { projectId, userId: user.id, leaseMs });
			if (copyId) return { ok: true, task: await loadTaskDto(db, copyId, args.access), resumed: false };
		}
	}
	const now = nowIso();
	const claimed = await claimFromQueue(db, { projectId, userId: user.id, now, leaseExpiresAt: leaseUntil(now, leaseMs) });
	return { ok: true, task: claimed ? taskDtoFor(claimed, args.access) : null, resumed: false };
}

/**
 * "Next review": the reviewer's task in review if they hold one, else the oldest submitted task
 * (by priority) of a window they did not transcribe.
 */
export async function claimNextReview(db: Db, args: { projectId: string; user: Actor; access: TaskAccess }): Promise<ClaimResult> {
	const { projectId, user } = args;
	if (!args.access.can.review) return fail(403, 'forbidden', 'Only reviewers of this project may take tasks for review');
	await sweepLapsedLeases(db, projectId, { throttle: true });
	const settings = (await findTaskSettings(db, projectId))!;
	const now = nowIso();
	const claimed = await claimReviewFromQueue(db, { projectId, userId: user.id, now, leaseExpiresAt: leaseUntil(now, Number(settings.task_lease_ms)) });
	return { ok: true, task: claimed ? taskDtoFor(claimed, args.access) : null, resumed: false };
}

export async function loadTaskDto(db: Db, taskId: string, access: TaskAccess): Promise<TaskDto | null> {
	const row = await findTask(db, taskId);
	return row ? taskDtoFor(row, access) : null;
}

/** A task as `access` may see it (gold is revealed to managers only). */
function taskDtoFor(row: TaskRow, access: TaskAccess): TaskDto {
	return toTaskDto(row, { now: nowIso(), revealGold: access.can.manage });
}

/**
 * Moves a task by `action` if it is still in `from` (and still held by `holder`), with its event,
 * in one transaction; the transition table decides what is legal.
 */
async function transition(
	db: Db,
	args: {
		taskId: string;
		action: TaskAction;
		actor: Actor | null;
		from: TaskState;
		holder?: { assigneeId?: string; reviewerId?: string };
		patch?: TaskPatch;
		note?: string;
		/** More to write in the same transaction (a gold copy's score). */
		also?: (trx: Db) => Promise<void>;
	}
): Promise<{ ok: true; to: TaskState; task: TaskRow } | TaskFailure> {
	const to = nextState(args.from, args.action);
	if (!to) return fail(409, 'illegal_transition', illegalTransitionMessage(args.from, args.action), { state: args.from, action: args.action });
	const now = nowIso();
	const target = { id: args.taskId, from: args.from, assigneeId: args.holder?.assigneeId, reviewerId: args.holder?.reviewerId };
	const patch: TaskPatch = { updated_at: now, ...args.patch, state: to };
	const event = { action: args.action, from: args.from, to, userId: args.actor?.id ?? null, at: now, note: args.note };
	const { also } = args;
	// Most moves are one statement (moveTask); one with more to write runs in a transaction with it.
	const moved = !also
		? await moveTask(db, { target, patch, event })
		: await db.transaction().execute(async (trx) => {
				const row = await moveTask(trx, { target, patch, event });
				if (!row) return undefined;
				await also(trx);
				return findTask(trx, row.id); // as `also` left it
			});
	if (!moved) return fail(409, 'task_changed', 'The task changed meanwhile (someone else moved it, or your lease lapsed); reload it');
	return { ok: true, to, task: moved };
}

/** Actions a person asks for by name on one task (POST /api/tasks/:taskId/transitions). */
export type RequestedAction = 'start' | 'submit' | 'release' | 'accept' | 'return' | 'pass';

/**
 * Applies `action` to a task on behalf of `user`: who may is decided here (the transcriber holding
 * it starts, submits or releases it; the reviewer holding it accepts, returns — with a comment — or
 * passes it on; a manager may release either), what is legal by the transition table (409).
 */
export async function applyTaskAction(
	db: Db,
	args: { taskId: string; action: RequestedAction; user: Actor; access: TaskAccess; note?: string }
): Promise<{ ok: true; task: TaskDto } | TaskFailure> {
	const { action, user, access } = args;
	const task = await findTask(db, args.taskId);
	if (!task) return fail(404, 'not_found', 'Task not found');
	const reviewing = action === 'accept' || action === 'return' || action === 'pass' || (action === 'release' && task.state === 'in_review');
	const need = reviewing ? 'review' : 'transcribe';
	if (!access.can[need] && !(action === 'release' && access.can.manage)) {
		return fail(403, 'forbidden', need === 'review' ? 'Only reviewers of this project may do this' : 'Only transcribers of this project may do this');
	}
	if (!nextState(task.state, action)) {
		return fail(409, 'illegal_transition', illegalTransitionMessage(task.state, action), { state: task.state, action });
	}
	const holderId = reviewing ? task.reviewer_id : task.assignee_id;
	const isManagerRelease = action === 'release' && access.can.manage;
	if (holderId !== user.id && !isManagerRelease) {
		return fail(409, 'not_yours', reviewing ? 'Someone else is reviewing this task' : 'This task is not yours (or your lease lapsed and it went to someone else)');
	}
	if (action === 'accept' || action === 'pass') {
		// The review decides: every segment of the window decided at this stage, accept only at the last one.
		const refused = await checkTaskDecision(db, task, action);
		if (refused) return refused;
	}
	if (action === 'return' && !args.note?.trim()) {
		return fail(422, 'comment_required', 'Say why the task goes back: a returned task needs a comment');
	}
	const now = nowIso();
	const patch: TaskPatch = {};
	if (action === 'start') {
		const settings = (await findTaskSettings(db, task.project_id))!;
		Object.assign(patch, { lease_expires_at: leaseUntil(now, Number(settings.task_lease_ms)), claimed_at: now });
	}
	if (action === 'submit') Object.assign(patch, { lease_expires_at: null, submitted_at: now });
	if (action === 'release' && task.state === 'in_progress') Object.assign(patch, { lease_expires_at: null, assignee_id: null });
	if (action === 'release' && task.state === 'in_review') Object.assign(patch, { lease_expires_at: null });
	if (action === 'accept') Object.assign(patch, { lease_expires_at: null, accepted_at: now });
	if (action === 'return') Object.assign(patch, { lease_expires_at: null, review_round: Number(task.review_round) + 1, review_stage: 1 });
	if (action === 'pass') Object.assign(patch, { lease_expires_at: null, review_stage: Number(task.review_stage) + 1 });
	const moved = await transition(db, {
		taskId: task.id,
		action,
		actor: user,
		from: task.state,
		holder: isManagerRelease ? undefined : reviewing ? { reviewerId: user.id } : { assigneeId: user.id },
		patch,
		note: args.note?.trim(),
		also: action === 'submit' && task.gold_source_id ? (trx) => scoreGoldCopy(trx, task) : undefined
	});
	if (!moved.ok) return moved;
	return { ok: true, task: taskDtoFor(moved.task, access) };
}

/**
 * A manager's changes to a task: its priority, who it is assigned to (a task in progress goes back
 * to new for them; null unassigns), and whether an accepted task is gold. Each change is an event.
 */
export async function updateTaskAsManager(
	db: Db,
	args: { taskId: string; user: Actor; access: TaskAccess; priority?: number; assigneeId?: string | null; isGold?: boolean }
): Promise<{ ok: true; task: TaskDto } | TaskFailure> {
	const task = await findTask(db, args.taskId);
	if (!task) return fail(404, 'not_found', 'Task not found');
	if (args.isGold !== undefined && task.state !== 'accepted') {
		return fail(409, 'illegal_transition', illegalTransitionMessage(task.state, 'mark_gold'), { state: task.state, action: 'mark_gold' });
	}
	if (args.isGold !== undefined && task.gold_source_id) {
		return fail(409, 'gold_copy', 'A gold copy cannot itself be gold');
	}
	if (args.assigneeId !== undefined && !nextState(task.state, 'assign')) {
		return fail(409, 'illegal_transition', illegalTransitionMessage(task.state, 'assign'), { state: task.state, action: 'assign' });
	}
	if (args.assigneeId) {
		const access = await assigneeAccess(db, args.assigneeId, task.project_id);
		if (!access) return fail(422, 'unknown_user', 'No such member of this project');
		if (!access.can.transcribe) return fail(422, 'cannot_transcribe', 'That member may not transcribe in this project');
	}
	const now = nowIso();
	const ok = await db.transaction().execute(async (trx) => {
		const events: Parameters<typeof insertTaskEvents>[1] = [];
		const patch: TaskPatch = { updated_at: now };
		if (args.priority !== undefined) patch.priority = args.priority;
		if (args.isGold !== undefined && (task.is_gold === 1) !== args.isGold) {
			patch.is_gold = args.isGold ? 1 : 0;
			events.push({ taskId: task.id, projectId: task.project_id, action: 'mark_gold', from: task.state, to: task.state, userId: args.user.id, at: now, note: args.isGold ? 'Marked as gold' : 'No longer gold' });
		}
		if (args.assigneeId !== undefined && args.assigneeId !== task.assignee_id) {
			const to = nextState(task.state, 'assign')!;
			Object.assign(patch, { assignee_id: args.assigneeId, state: to, lease_expires_at: to === 'new' ? null : task.lease_expires_at });
			events.push({ taskId: task.id, projectId: task.project_id, action: 'assign', from: task.state, to, userId: args.user.id, at: now, note: args.assigneeId ? `Assigned to ${args.assigneeId}` : 'Unassigned' });
		}
		if (!(await updateTaskIfState(trx, { id: task.id, from: task.state, patch }))) return false;
		await insertTaskEvents(trx, events);
		return true;
	});
	if (!ok) return fail(409, 'task_changed', 'The task changed meanwhile; reload it');
	return { ok: true, task: (await loadTaskDto(db, task.id, args.access))! };
}

async function assigneeAccess(db: Db, userId: string, projectId: string) {
	const user = await db.selectFrom('user').select(['id', 'role', 'is_active']).where('id', '=', userId).executeTakeFirst();
	if (!user || user.is_active !== 1) return null;
	return taskAccess(db, { id: user.id, role: user.role } as never, projectId);
}

/** Renews the lease of the task the caller holds (the editor's heartbeat while they work). */
export async function renewLease(db: Db, args: { taskId: string; user: Actor; access: TaskAccess }): Promise<{ ok: true; task: TaskDto } | TaskFailure> {
	const task = await findTask(db, args.taskId);
	if (!task) return fail(404, 'not_found', 'Task not found');
	const holding = (task.state === 'in_progress' && task.assignee_id === args.user.id) || (task.state === 'in_review' && task.reviewer_id === args.user.id);
	if (!holding) return fail(409, 'not_holding', 'You do not hold this task (it was submitted, or your lease lapsed and it went back to the queue)');
	const settings = (await findTaskSettings(db, task.project_id))!;
	const now = nowIso();
	const holder = task.state === 'in_progress' ? { assigneeId: args.user.id } : { reviewerId: args.user.id };
	const ok = await updateTaskIfState(db, { id: task.id, from: task.state, ...holder, patch: { lease_expires_at: leaseUntil(now, Number(settings.task_lease_ms)) } });
	if (!ok) return fail(409, 'not_holding', 'You no longer hold this task');
	return { ok: true, task: (await loadTaskDto(db, task.id, args.access))! };
}

const lastRenewal = new Map<string, number>();
/** Saves renew at most this often per person and recording (the heartbeat covers the rest). */
const SAVE_RENEWAL_INTERVAL_MS = 30_000;

/**
 * A save in the editor is work: it renews the lease of the tasks of that recording the person
 * holds. At most every 30 s per person and recording, so an autosave costs nothing extra mostly.
 */
export async function renewLeasesOnSave(db: Db, args: { recordingId: string; userId: string }) {
	const key = `${args.userId}:${args.recordingId}`;
	const nowMs = Date.now();
	if (nowMs - (lastRenewal.get(key) ?? 0) < SAVE_RENEWAL_INTERVAL_MS) return;
	lastRenewal.set(key, nowMs);
	if (lastRenewal.size > 10_000) lastRenewal.clear();
	const project = await db
		.selectFrom('recording')
		.innerJoin('project', 'project.id', 'recording.project_id')
		.select('project.task_lease_ms')
		.where('recording.id', '=', args.recordingId)
		.executeTakeFirst();
	if (!project) return;
	const now = new Date(nowMs).toISOString();
	await renewLeasesOfRecording(db, { recordingId: args.recordingId, userId: args.userId, now, leaseExpiresAt: leaseUntil(now, Number(project.task_lease_ms)) });
}

export type { TaskRow };

/**
 * A QA batch's decision on the tasks it covers, in the caller's transaction: each task still
 * submitted and waiting for `stage` is accepted (at the last stage), passed on to the next stage,
 * or returned to its transcriber with `note`; each move is an event and an audit entry. Tasks that
 * moved meanwhile (taken for review, returned) are left as they are and counted as skipped.
 */
export async function moveTasksWithBatch(
	trx: Db,
	args: { taskIds: readonly string[]; stage: number; stages: number; outcome: 'accepted' | 'returned'; actorId: string; note: string }
): Promise<{ moved: number; skipped: number }> {
	const now = nowIso();
	let moved = 0;
	for (const id of args.taskIds) {
		const task = await findTask(trx, id);
		if (!task || task.state !== 'submitted' || Number(task.review_stage) !== args.stage) continue;
		const action: TaskAction = args.outcome === 'returned' ? 'batch_return' : args.stage >= args.stages ? 'batch_accept' : 'batch_pass';
		const patch: TaskPatch =
			action === 'batch_return'
				? { lease_expires_at: null, review_round: Number(task.review_round) + 1, review_stage: 1 }
				: action === 'batch_accept'
					? { lease_expires_at: null, accepted_at: now }
					: { review_stage: args.stage + 1 };
		const to = nextState('submitted', action)!;
		const row = await moveTask(trx, {
			target: { id, from: 'submitted' },
			patch: { ...patch, state: to, updated_at: now },
			event: { action, from: 'submitted', to, userId: args.actorId, at: now, note: args.note }
		});
		if (row) moved++;
	}
	return { moved, skipped: args.taskIds.length - moved };
}
