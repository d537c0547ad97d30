/**
 * Review inside a task: a decision made with a task id must be the task's reviewer's, on a segment
 * of the task's window and variant, at the task's stage; and a task may only be accepted (last
 * stage) or passed on (earlier stages) once every segment of its window has a decision there.
 */
import type { Db } from '../db/connection.ts';
import { apiError } from '../lib/errors.ts';
import { toSegmentDto } from '../segments/segments.mapper.ts';
import { SEGMENT_COLUMNS } from '../segments/segments.repository.ts';
import { findTask, type TaskRow } from '../tasks/tasks.repository.ts';
import { acceptedVersion } from './accepted-version.ts';
import { toReviewDto } from './review.mapper.ts';
import { listReviewsOfSegments, loadReviewSettings } from './review.repository.ts';
import { groupBySegment } from './review.service.ts';

type Failure = { ok: false; status: 403 | 404 | 409 | 422; body: ReturnType<typeof apiError> };
const fail = (status: Failure['status'], code: string, message: string, details: Record<string, unknown> = {}): Failure => ({
	ok: false,
	status,
	body: apiError(code, message, details)
});

/** The stage a decision inside task `taskId` is for, or why it cannot be made there. */
export async function taskStageFor(
	db: Db,
	args: { taskId: string; userId: string; segment: { recording_id: string; start_ms: number; end_ms: number; variant: number } }
): Promise<{ ok: true; stage: number; task: TaskRow } | Failure> {
	const task = await findTask(db, args.taskId);
	const s = args.segment;
	if (!task || task.recording_id !== s.recording_id) return fail(404, 'not_found', 'Task not found on this recording');
	if (!(s.start_ms < task.end_ms && s.end_ms > task.start_ms) || Number(s.variant) !== Number(task.variant)) {
		return fail(422, 'outside_task', "This segment is not part of the task's window");
	}
	if (task.state !== 'in_review') return fail(409, 'task_not_in_review', `The task is ${task.state.replace('_', ' ')}, not in review`);
	if (task.reviewer_id !== args.userId) return fail(409, 'not_yours', 'Someone else is reviewing this task');
	if (task.assignee_id === args.userId) return fail(403, 'own_work', 'You transcribed this task; someone else reviews it');
	return { ok: true, stage: Number(task.review_stage), task };
}

/** Segments of the task's window (its variant) without a current decision at the task's stage. */
export async function undecidedInTask(db: Db, task: TaskRow): Promise<number> {
	const rows = await db
		.selectFrom('segment')
		.select(SEGMENT_COLUMNS)
		.where('segment.recording_id', '=', task.recording_id)
		.where('segment.variant', '=', task.variant)
		.where('segment.start_ms', '<', task.end_ms)
		.where('segment.end_ms', '>', task.start_ms)
		.execute();
	const reviews = groupBySegment((await listReviewsOfSegments(db, rows.map((r) => r.id))).map(toReviewDto));
	const stage = Number(task.review_stage);
	return rows.filter((row) => !acceptedVersion(toSegmentDto(row), reviews.get(row.id) ?? []).reviews.some((r) => r.stage === stage)).length;
}

/**
 * Whether the reviewer may end this stage of the task with `action`: accept only at the last stage,
 * pass only before it, both only once every segment of the window is decided at the stage.
 */
export async function checkTaskDecision(db: Db, task: TaskRow, action: 'accept' | 'pass'): Promise<Failure | undefined> {
	const stages = (await loadReviewSettings(db, task.project_id)).stages.length;
	const stage = Number(task.review_stage);
	if (action === 'accept' && stage < stages) return fail(409, 'more_stages', `Stage ${stage} of ${stages}: pass the task on to the next stage instead`);
	if (action === 'pass' && stage >= stages) return fail(409, 'last_stage', `Stage ${stage} is the last one: accept or return the task`);
	const left = await undecidedInTask(db, task);
	if (left > 0) return fail(409, 'review_incomplete', `${left} segment(s) of the task still need a decision`, { remaining: left });
	return undefined;
}
