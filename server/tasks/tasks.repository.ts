import { sql, type QueryCreator, type SelectQueryBuilder } from 'kysely';
import { audit, auditRow, type AuditEntry } from '../audit/audit.ts';
import { dbKindOf, type Db } from '../db/connection.ts';
import type { Database, NewTask, Task, TaskState } from '../db/schema.ts';
import { newId } from '../lib/ids.ts';
import type { TaskAction } from './task-states.ts';

export const TASK_COLUMNS = [
	'task.id',
	'task.project_id',
	'task.recording_id',
	'task.window_id',
	'task.start_ms',
	'task.end_ms',
	'task.kind',
	'task.state',
	'task.priority',
	'task.variant',
	'task.assignee_id',
	'task.reviewer_id',
	'task.lease_expires_at',
	'task.review_round',
	'task.review_stage',
	'task.is_gold',
	'task.gold_source_id',
	'task.gold_errors',
	'task.gold_ref_length',
	'task.created_at',
	'task.updated_at',
	'task.claimed_at',
	'task.submitted_at',
	'task.accepted_at'
] as const;

/**
 * A task with the names a list shows beside it. `from` is the task table, or the row moveTask's
 * statement just wrote (its CTE `moved`, named `task` here so the same columns apply).
 */
function tasksWithNames(db: QueryCreator<Database>, from: 'task' | 'moved as task' = 'task') {
	return db
		.selectFrom(from as 'task')
		.innerJoin('recording', 'recording.id', 'task.recording_id')
		.leftJoin('user as assignee', 'assignee.id', 'task.assignee_id')
		.leftJoin('user as reviewer', 'reviewer.id', 'task.reviewer_id')
		.select(TASK_COLUMNS)
		.select(['recording.name as recording_name', 'assignee.name as assignee_name', 'reviewer.name as reviewer_name']);
}

export type TaskRow = Awaited<ReturnType<typeof findTask>> & {};

export function findTask(db: Db, id: string) {
	return tasksWithNames(db).where('task.id', '=', id).executeTakeFirst();
}

/** The project a task belongs to (for access checks), or undefined. */
export async function findTaskProject(db: Db, taskId: string): Promise<string | undefined> {
	const row = await db.selectFrom('task').select('project_id').where('id', '=', taskId).executeTakeFirst();
	return row?.project_id;
}

export interface TaskFilter {
	projectId: string;
	states?: TaskState[];
	assigneeId?: string;
	recordingId?: string;
	limit: number;
	offset: number;
}

function filtered(db: Db, filter: Omit<TaskFilter, 'limit' | 'offset'>) {
	let query = tasksWithNames(db).where('task.project_id', '=', filter.projectId);
	if (filter.states?.length) query = query.where('task.state', 'in', filter.states);
	if (filter.assigneeId) query = query.where('task.assignee_id', '=', filter.assigneeId);
	if (filter.recordingId) query = query.where('task.recording_id', '=', filter.recordingId);
	return query;
}

/** One page of a project's tasks, in queue order (priority, then age). */
export function listTasks(db: Db, filter: TaskFilter) {
	return filtered(db, filter)
		.orderBy('task.priority', 'desc')
		.orderBy('task.created_at')
		.orderBy('task.id')
		.limit(filter.limit)
		.offset(filter.offset)
		.execute();
}

/** Tasks per state of a project (or of one assignee in it); states without tasks are absent. */
export async function countTasksByState(db: Db, projectId: string, assigneeId?: string): Promise<Map<TaskState, number>> {
	let query = db
		.selectFrom('task')
		.select(['state', sql<number>`count(*)`.as('n')])
		.where('project_id', '=', projectId)
		.groupBy('state');
	if (assigneeId) query = query.where('assignee_id', '=', assigneeId);
	const rows = await query.execute();
	return new Map(rows.map((r) => [r.state, Number(r.n)]));
}

/** Inserts tasks in batches (SQLite binds at most 32 766 values per statement). */
export async function insertTasks(db: Db, rows: NewTask[]) {
	for (let i = 0; i < rows.length; i += 500) {
		await db.insertInto('task').values(rows.slice(i, i + 500)).execute();
	}
}

/** The project's ready recordings (or those of `recordingIds`) that have no task yet. */
export function listRecordingsWithoutTasks(db: Db, projectId: string, recordingIds?: string[]) {
	let query = db
		.selectFrom('recording')
		.select(['recording.id', 'recording.duration_ms'])
		.where('recording.project_id', '=', projectId)
		.where('recording.state', '=', 'ready')
		.where('recording.duration_ms', '>', 0)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('task').select('task.id').whereRef('task.recording_id', '=', 'recording.id'))));
	if (recordingIds) query = query.where('recording.id', 'in', recordingIds.length ? recordingIds : ['']);
	return query.orderBy('recording.created_at').orderBy('recording.id').execute();
}

export const TASK_SETTING_COLUMNS = [
	'task_chunk_ms',
	'task_overlap_ms',
	'task_lease_ms',
	'transcriptions_per_task',
	'gold_percent'
] as const;

export function findTaskSettings(db: Db, projectId: string) {
	return db.selectFrom('project').select(TASK_SETTING_COLUMNS).where('id', '=', projectId).executeTakeFirst();
}

export type TaskSettingsRow = NonNullable<Awaited<ReturnType<typeof findTaskSettings>>>;

export function updateTaskSettings(db: Db, projectId: string, settings: TaskSettingsRow, now: string) {
	return db
		.updateTable('project')
		.set({ ...settings, updated_at: now })
		.where('id', '=', projectId)
		.execute();
}

export interface TaskEventInput {
	taskId: string;
	projectId: string;
	action: TaskAction;
	from: TaskState;
	to: TaskState;
	userId: string | null;
	at: string;
	note?: string;
}

/**
 * Records transitions: in task_event (what the dashboards count) and in the audit trail, in the
 * caller's transaction, so a transition that rolls back leaves neither.
 */
export async function insertTaskEvents(db: Db, events: TaskEventInput[]) {
	if (events.length === 0) return;
	for (const e of events) await audit(db, taskEventAudit(e));
	await db.insertInto('task_event').values(events.map(taskEventRow)).execute();
}

/** A transition as the audit trail records it. */
function taskEventAudit(e: TaskEventInput): AuditEntry {
	return {
		projectId: e.projectId,
		actorId: e.userId,
		action: e.action === 'assign' ? 'task.assign' : e.action === 'mark_gold' ? 'task.gold' : 'task.transition',
		target: { type: 'task', id: e.taskId },
		details: { action: e.action, from: e.from, to: e.to, ...(e.note ? { note: e.note } : {}) }
	};
}

function taskEventRow(e: TaskEventInput) {
	return { id: newId(), task_id: e.taskId, project_id: e.projectId, action: e.action, from_state: e.from, to_state: e.to, user_id: e.userId, at: e.at, note: e.note ?? '' };
}

/** Which task a move applies to: one by id (in `from`, held by `holder`), or the queue's pick. */
export type MoveTarget =
	| { id: string; from: TaskState; assigneeId?: string; reviewerId?: string }
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the pick names its own aliases
	| { pick: (qb: QueryCreator<Database>) => SelectQueryBuilder<any, any, { id: string }> };

/**
 * Moves one task and records the move (task_event and the audit trail) all or nothing; the moved
 * task's id and project, or undefined when no task matched (it moved meanwhile, or the queue is
 * empty). On PostgreSQL it is ONE statement: the UPDATE and both INSERTs are data-modifying CTEs,
 * which run exactly once and commit together, so a claim or a submit costs one round trip instead
 * of five (begin, update, two inserts, commit) — what lets a crowd of claimers through without a
 * queue in front of the database. SQLite (in-process, one writer) runs them in a transaction.
 */
export async function moveTask(
	db: Db,
	args: { target: MoveTarget; patch: TaskPatch; event: Omit<TaskEventInput, 'taskId' | 'projectId'> }
): Promise<TaskRow | undefined> {
	const { target, patch, event } = args;
	const update = (qb: QueryCreator<Database>) => {
		let query = qb.updateTable('task').set(patch);
		if ('pick' in target) return query.where('task.id', '=', target.pick(qb));
		query = query.where('task.id', '=', target.id).where('task.state', '=', target.from);
		if (target.assigneeId) query = query.where('task.assignee_id', '=', target.assigneeId);
		if (target.reviewerId) query = query.where('task.reviewer_id', '=', target.reviewerId);
		return query;
	};
	if (dbKindOf(db) !== 'postgres') {
		const run = async (trx: Db) => {
			const moved = await update(trx).returning(['task.id', 'task.project_id']).executeTakeFirst();
			if (!moved) return undefined;
			await insertTaskEvents(trx, [{ ...event, taskId: moved.id, projectId: moved.project_id }]);
			return findTask(trx, moved.id);
		};
		return db.isTransaction ? run(db) : db.transaction().execute(run);
	}
	// The rows are built as for one known task, then their task and project come from `moved`.
	const row = taskEventRow({ ...event, taskId: '', projectId: '' });
	const entry = auditRow(taskEventAudit({ ...event, taskId: '', projectId: '' }));
	const statement = db
		.with('moved', (qb) => update(qb).returning(TASK_COLUMNS))
		.with('event', (qb) =>
			qb
				.insertInto('task_event')
				.columns(['id', 'task_id', 'project_id', 'action', 'from_state', 'to_state', 'user_id', 'at', 'note'])
				.expression((eb) =>
					eb
						.selectFrom('moved')
						.select((s) => [
							s.val(row.id).as('id'),
							'moved.id as task_id',
							'moved.project_id',
							s.val(row.action).as('action'),
							s.val(row.from_state).as('from_state'),
							s.val(row.to_state).as('to_state'),
							s.val(row.user_id).as('user_id'),
							s.val(row.at).as('at'),
							s.val(row.note).as('note')
						])
				)
		)
		.with('entry', (qb) =>
			qb
				.insertInto('audit_log')
				.columns(['id', 'project_id', 'actor_id', 'action', 'target_type', 'target_id', 'details', 'created_at'])
				.expression((eb) =>
					eb
						.selectFrom('moved')
						.select((s) => [
							s.val(entry.id).as('id'),
							'moved.project_id',
							s.val(entry.actor_id).as('actor_id'),
							s.val(entry.action).as('action'),
							s.val(entry.target_type).as('target_type'),
							'moved.id as target_id',
							s.val(entry.details).as('details'),
							s.val(entry.created_at).as('created_at')
						])
				)
		);
	// The statement's own rows: its later parts do not see the update in the task table itself.
	return tasksWithNames(statement as unknown as QueryCreator<Database>, 'moved as task').executeTakeFirst();
}

/** A task's events, oldest first, with who made each. */
export function listTaskEvents(db: Db, taskId: string) {
	return db
		.selectFrom('task_event')
		.leftJoin('user', 'user.id', 'task_event.user_id')
		.select([
			'task_event.id',
			'task_event.action',
			'task_event.from_state',
			'task_event.to_state',
			'task_event.user_id',
			'task_event.at',
			'task_event.note',
			'user.name as user_name'
		])
		.where('task_event.task_id', '=', taskId)
		.orderBy('task_event.at')
		.orderBy('task_event.id')
		.execute();
}

export type TaskPatch = Partial<Omit<Task, 'id' | 'project_id' | 'recording_id' | 'window_id' | 'created_at'>>;

/**
 * Writes `patch` only if the task is still in `from` (and still held by `holder` when given): the
 * compare-and-set every transition goes through, so two racing requests cannot both move it.
 */
export async function updateTaskIfState(
	db: Db,
	args: { id: string; from: TaskState; patch: TaskPatch; assigneeId?: string; reviewerId?: string }
): Promise<boolean> {
	let query = db.updateTable('task').set(args.patch).where('id', '=', args.id).where('state', '=', args.from);
	if (args.assigneeId) query = query.where('assignee_id', '=', args.assigneeId);
	if (args.reviewerId) query = query.where('reviewer_id', '=', args.reviewerId);
	const result = await query.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/**
 * What "Next task" starts from, in one query: the project's task settings and the caller's own
 * open task (ownOpenTask), null fields when they have none. Undefined for an unknown project.
 */
export function findClaimStart(db: Db, projectId: string, userId: string) {
	return db
		.selectFrom('project')
		.leftJoin(ownOpenTask(db, projectId, userId).as('own'), (join) => join.onTrue())
		.select(TASK_SETTING_COLUMNS)
		.select(['own.id as own_id', 'own.state as own_state'])
		.where('project.id', '=', projectId)
		.executeTakeFirst();
}

/** The caller's own unfinished work in a project: a task they hold, one returned to them, one assigned to them. */
function ownOpenTask(db: Db, projectId: string, userId: string) {
	return db
		.selectFrom('task')
		.select(['id', 'state', 'lease_expires_at'])
		.where('assignee_id', '=', userId)
		.where('project_id', '=', projectId)
		.where('state', 'in', ['in_progress', 'returned', 'new'])
		.orderBy(sql`case state when 'in_progress' then 0 when 'returned' then 1 else 2 end`)
		.orderBy('priority', 'desc')
		.orderBy('created_at')
		.limit(1);
}

/** How many tasks of the project a person has had, and how many of them were gold copies. */
export async function countClaims(db: Db, projectId: string, userId: string) {
	const row = await db
		.selectFrom('task')
		.select([sql<number>`count(*)`.as('claims'), sql<number>`count(gold_source_id)`.as('gold')])
		.where('assignee_id', '=', userId)
		.where('project_id', '=', projectId)
		.executeTakeFirst();
	return { claims: Number(row?.claims ?? 0), gold: Number(row?.gold ?? 0) };
}

/**
 * Takes the next task of the queue for `userId`: state new, unassigned, of a window they have no
 * other variant of, highest priority first then oldest; with its claim event (moveTask: one
 * statement on PostgreSQL). The pick is `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent
 * claimers never wait on nor get the same row; on SQLite the one statement holds the write lock.
 * Undefined when the queue is empty.
 */
export function claimFromQueue(db: Db, args: { projectId: string; userId: string; now: string; leaseExpiresAt: string }) {
	const { projectId, userId, now, leaseExpiresAt } = args;
	return moveTask(db, {
		target: { pick: (qb) => queueHead(db, qb, { projectId, userId, state: 'new', age: 't.created_at' }).where('t.assignee_id', 'is', null) },
		patch: { state: 'in_progress', assignee_id: userId, lease_expires_at: leaseExpiresAt, claimed_at: now, updated_at: now },
		event: { action: 'claim', from: 'new', to: 'in_progress', userId, at: now }
	});
}

/**
 * Takes the next submitted task for review by `userId`: never one of a window they transcribed
 * (any variant), priority first then the longest waiting. Same locking as claimFromQueue.
 */
export function claimReviewFromQueue(db: Db, args: { projectId: string; userId: string; now: string; leaseExpiresAt: string }) {
	const { projectId, userId, now, leaseExpiresAt } = args;
	return moveTask(db, {
		target: { pick: (qb) => queueHead(db, qb, { projectId, userId, state: 'submitted', age: 't.submitted_at' }).where('t.gold_source_id', 'is', null) },
		patch: { state: 'in_review', reviewer_id: userId, lease_expires_at: leaseExpiresAt, updated_at: now },
		event: { action: 'claim_review', from: 'submitted', to: 'in_review', userId, at: now }
	});
}

/**
 * The head of a queue: the project's first task in `state` by priority, then `age`, then id, of a
 * window `userId` transcribed no variant of. Locked on PostgreSQL (`FOR UPDATE SKIP LOCKED`), so
 * concurrent claimers skip the rows others are taking; callers add their own conditions.
 */
function queueHead(db: Db, qb: QueryCreator<Database>, args: { projectId: string; userId: string; state: TaskState; age: 't.created_at' | 't.submitted_at' }) {
	const head = qb
		.selectFrom('task as t')
		.select('t.id')
		.where('t.project_id', '=', args.projectId)
		.where('t.state', '=', args.state)
		.where((eb) =>
			eb.not(eb.exists(eb.selectFrom('task as o').select('o.id').whereRef('o.window_id', '=', 't.window_id').where('o.assignee_id', '=', args.userId)))
		)
		.orderBy('t.priority', 'desc')
		.orderBy(args.age)
		.orderBy('t.id')
		.limit(1);
	return dbKindOf(db) === 'postgres' ? head.forUpdate().skipLocked() : head;
}

/**
 * Takes back every lease of the project that ran out before `now`: in progress → new (unassigned),
 * in review → submitted. Returns what it took back (for the lapse events). Racing sweeps are safe:
 * the UPDATE re-checks its condition on each row, so each lapse is taken and recorded once.
 */
export async function takeBackLapsedLeases(db: Db, projectId: string, now: string) {
	const transcribing = await db
		.updateTable('task')
		.set({ state: 'new', assignee_id: null, lease_expires_at: null, updated_at: now })
		.where('project_id', '=', projectId)
		.where('state', '=', 'in_progress')
		.where('lease_expires_at', '<', now)
		.returning(['id'])
		.execute();
	const reviewing = await db
		.updateTable('task')
		.set({ state: 'submitted', lease_expires_at: null, updated_at: now })
		.where('project_id', '=', projectId)
		.where('state', '=', 'in_review')
		.where('lease_expires_at', '<', now)
		.returning(['id', 'reviewer_id'])
		.execute();
	return { transcribing, reviewing };
}

/** Extends the lease of the tasks of a recording that `userId` holds (a save in the editor is work). */
export async function renewLeasesOfRecording(db: Db, args: { recordingId: string; userId: string; now: string; leaseExpiresAt: string }) {
	await db
		.updateTable('task')
		.set({ lease_expires_at: args.leaseExpiresAt })
		.where('recording_id', '=', args.recordingId)
		.where((eb) =>
			eb.or([
				eb.and([eb('state', '=', 'in_progress'), eb('assignee_id', '=', args.userId)]),
				eb.and([eb('state', '=', 'in_review'), eb('reviewer_id', '=', args.userId)])
			])
		)
		.where('lease_expires_at', '>=', args.now)
		.execute();
}

/** The highest variant any task of the recording uses (-1 without tasks). */
export async function maxTaskVariant(db: Db, recordingId: string): Promise<number> {
	const row = await db
		.selectFrom('task')
		.select((eb) => eb.fn.max('variant').as('v'))
		.where('recording_id', '=', recordingId)
		.executeTakeFirst();
	return row?.v == null ? -1 : Number(row.v);
}

/**
 * A gold task of the project `userId` has never seen: accepted, marked gold, and of a window they
 * neither transcribed (any variant) nor reviewed. Random among those, so copies spread evenly.
 */
export function pickGoldSource(db: Db, projectId: string, userId: string) {
	return db
		.selectFrom('task as g')
		.select(['g.id', 'g.recording_id', 'g.window_id', 'g.start_ms', 'g.end_ms', 'g.variant', 'g.priority'])
		.where('g.project_id', '=', projectId)
		.where('g.is_gold', '=', 1)
		.where('g.state', '=', 'accepted')
		.where((eb) =>
			eb.not(
				eb.exists(
					eb
						.selectFrom('task as o')
						.select('o.id')
						.whereRef('o.window_id', '=', 'g.window_id')
						.where((w) => w.or([w('o.assignee_id', '=', userId), w('o.reviewer_id', '=', userId)]))
				)
			)
		)
		.orderBy(sql`random()`)
		.limit(1)
		.executeTakeFirst();
}

/** The segments of one variant that overlap a window, in time order: a task's transcription. */
export function listWindowSegments(db: Db, args: { recordingId: string; variant: number; startMs: number; endMs: number }) {
	return db
		.selectFrom('segment')
		.select(['id', 'start_ms', 'end_ms', 'speaker_id', 'dialect_tag_id', 'texts', 'version'])
		.where('recording_id', '=', args.recordingId)
		.where('variant', '=', args.variant)
		.where('start_ms', '<', args.endMs)
		.where('end_ms', '>', args.startMs)
		.orderBy('start_ms')
		.orderBy('id')
		.execute();
}

/** Active accounts by name (who may be assigned is then decided per project by taskAccess). */
export function listActiveUsers(db: Db) {
	return db.selectFrom('user').select(['id', 'name', 'role']).where('is_active', '=', 1).orderBy('name').orderBy('id').execute();
}

/** Per transcriber of the project: their scored gold copies, summed. */
export function goldAccuracyByUser(db: Db, projectId: string) {
	return db
		.selectFrom('task')
		.innerJoin('user', 'user.id', 'task.assignee_id')
		.select([
			'task.assignee_id as user_id',
			'user.name as user_name',
			sql<number>`count(*)`.as('gold_tasks'),
			sql<number>`coalesce(sum(task.gold_errors), 0)`.as('errors'),
			sql<number>`coalesce(sum(task.gold_ref_length), 0)`.as('ref_length')
		])
		.where('task.project_id', '=', projectId)
		.where('task.gold_source_id', 'is not', null)
		.where('task.gold_errors', 'is not', null)
		.groupBy(['task.assignee_id', 'user.name'])
		.orderBy('user.name')
		.execute();
}
