import type { MiddlewareHandler } from 'hono';
import type { AccessEnv, ProjectAccess } from '../access/access.ts';
import type { Db } from '../db/connection.ts';
import type { TaskState } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import { nowIso } from '../lib/ids.ts';
import { parseSnapshot } from '../segments/segments.mapper.ts';
import { PRIMARY_VARIANT } from '../segments/segments.repository.ts';

/**
 * Who may see and change a recording's variants (double transcription, gold copies). The one place
 * that decides it, for the segment routes, the review view and pre-segmentation:
 *
 * - variant 0, the primary transcription: anyone with `read` reads it, `transcribe` writes it
 *   (requireProjectAccess has checked that already);
 * - a variant k > 0 belongs to the tasks of that variant on the recording (one per window). It is
 *   read by whoever a task of it is assigned to (in any state: after submitting they still see it,
 *   read-only) and by those with `review` or `manage`; anyone else gets the same 404 as for an
 *   unknown id, so neither the variant nor its segments' ids leak;
 * - it is written only by the holder of a task of it that is in progress (lease not lapsed), and
 *   only within that task's window; a reader who may not write gets 409 `variant_not_editable`
 *   saying why (submitted, returned, another transcriber's task…).
 */

export interface Span {
	startMs: number;
	endMs: number;
}

interface OwnTask {
	state: TaskState;
	start_ms: number;
	end_ms: number;
	lease_expires_at: string | null;
}

/** The caller's tasks of one variant of a recording. */
async function ownTasks(db: Db, userId: string, recordingId: string, variant: number): Promise<OwnTask[]> {
	const rows = await db
		.selectFrom('task')
		.select(['state', 'start_ms', 'end_ms', 'lease_expires_at'])
		.where('recording_id', '=', recordingId)
		.where('variant', '=', variant)
		.where('assignee_id', '=', userId)
		.orderBy('start_ms')
		.execute();
	return rows.map((r) => ({ ...r, start_ms: Number(r.start_ms), end_ms: Number(r.end_ms) }));
}

const clock = (ms: number) => {
	const s = Math.floor(ms / 1000);
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

const STATE_REASONS: Partial<Record<TaskState, string>> = {
	new: 'is not started yet: take it with "Next task" first',
	submitted: 'is submitted: it is read-only now',
	in_review: 'is in review: it is read-only now',
	accepted: 'is accepted: it is read-only now',
	returned: 'was returned: start it again to edit it'
};

function notEditable(variant: number, why: string): AppError {
	return new AppError(409, 'variant_not_editable', `Transcription ${variant} of this recording ${why}`, { variant });
}

/** What a recording-level route answers 404 with for a transcription (variant) the caller may not see. */
export function transcriptionNoun(variant: number): string {
	return variant === PRIMARY_VARIANT ? 'Recording' : `Transcription ${variant} of this recording`;
}

/** Whether the caller may see variant `variant` of the recording. */
export async function canReadVariant(db: Db, access: ProjectAccess, userId: string, recordingId: string, variant: number): Promise<boolean> {
	if (variant === PRIMARY_VARIANT || access.can.review || access.can.manage) return true;
	return (await ownTasks(db, userId, recordingId, variant)).length > 0;
}

/** Throws the 404 (`notFound` names what the route answers for an unknown id) unless the caller may see the variant. */
export async function assertCanReadVariant(
	db: Db,
	args: { access: ProjectAccess; userId: string; recordingId: string; variant: number; notFound: string }
): Promise<void> {
	if (!(await canReadVariant(db, args.access, args.userId, args.recordingId, args.variant))) {
		throw new AppError(404, 'not_found', `${args.notFound} not found`);
	}
}

/**
 * The windows the caller may write the variant in: null for the primary (no limit beyond the
 * route's `transcribe` check), else the windows of their tasks of it in progress. Throws 404 when
 * they may not even see the variant, 409 `variant_not_editable` when they see it but hold no task
 * of it in progress (submitted, returned, lapsed, another transcriber's).
 */
export async function writableWindows(
	db: Db,
	args: { access: ProjectAccess; userId: string; recordingId: string; variant: number; notFound: string }
): Promise<Span[] | null> {
	const { variant } = args;
	if (variant === PRIMARY_VARIANT) return null;
	const tasks = await ownTasks(db, args.userId, args.recordingId, variant);
	if (tasks.length === 0) {
		if (args.access.can.review || args.access.can.manage) {
			throw notEditable(variant, "belongs to another transcriber's task: only the transcriber holding it edits it (reviews are recorded beside it)");
		}
		throw new AppError(404, 'not_found', `${args.notFound} not found`);
	}
	const now = nowIso();
	const working = tasks.filter((t) => t.state === 'in_progress' && (t.lease_expires_at === null || t.lease_expires_at >= now));
	if (working.length === 0) {
		const lapsed = tasks.find((t) => t.state === 'in_progress');
		if (lapsed) throw notEditable(variant, 'is yours no longer: the lease of your task lapsed; take it again with "Next task"');
		throw notEditable(variant, `is your task's, which ${STATE_REASONS[tasks[0]!.state] ?? `is ${tasks[0]!.state}`}`);
	}
	return working.map((t) => ({ startMs: t.start_ms, endMs: t.end_ms }));
}

/** Whether a span shares time with one of the windows (null: no limit). */
export function inWindows(span: Span, windows: Span[] | null): boolean {
	return windows === null || windows.some((w) => span.startMs < w.endMs && span.endMs > w.startMs);
}

/**
 * Throws unless the caller may write `spans` into the variant (writableWindows, and each span must
 * share time with one of their windows). Variant 0 passes (the route's `transcribe` check decides it).
 */
export async function assertCanWriteVariant(
	db: Db,
	args: { access: ProjectAccess; userId: string; recordingId: string; variant: number; spans: Span[]; notFound: string }
): Promise<void> {
	const windows = await writableWindows(db, args);
	for (const span of args.spans) {
		if (!inWindows(span, windows)) {
			const list = windows!.map((w) => `${clock(w.startMs)}–${clock(w.endMs)}`).join(', ');
			throw notEditable(args.variant, `is yours only within your task's window (${list}); this segment lies outside it`);
		}
	}
}

/**
 * The variant pre-segmentation (or another write without a variant of its own) goes to: the
 * variant of the task the caller holds in progress on the recording, else the primary.
 */
export async function heldVariant(db: Db, userId: string, recordingId: string): Promise<number> {
	const row = await db
		.selectFrom('task')
		.select('variant')
		.where('recording_id', '=', recordingId)
		.where('assignee_id', '=', userId)
		.where('state', '=', 'in_progress')
		.orderBy('claimed_at', 'desc')
		.orderBy('id')
		.executeTakeFirst();
	return row ? Number(row.variant) : PRIMARY_VARIANT;
}

/** The recording, variant and span of a segment, also of a deleted one (from its last revision). */
export async function segmentPlace(db: Db, segmentId: string): Promise<({ recordingId: string; variant: number } & Span) | undefined> {
	const row = await db
		.selectFrom('segment')
		.select(['recording_id', 'variant', 'start_ms', 'end_ms'])
		.where('id', '=', segmentId)
		.executeTakeFirst();
	if (row) return { recordingId: row.recording_id, variant: Number(row.variant), startMs: Number(row.start_ms), endMs: Number(row.end_ms) };
	const last = await db
		.selectFrom('segment_revision')
		.select(['recording_id', 'before', 'after'])
		.where('segment_id', '=', segmentId)
		.orderBy('version', 'desc')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	const json = last?.after ?? last?.before;
	if (!last || !json) return undefined;
	const snapshot = parseSnapshot(json);
	return { recordingId: last.recording_id, variant: snapshot.variant, startMs: snapshot.startMs, endMs: snapshot.endMs };
}

/**
 * For routes under `/segments/:id`, after requireProjectAccess: 404 for a segment of a variant the
 * caller may not see; with `write`, 409 unless they hold its task in progress (see the top).
 * An unknown id passes through (the handler answers its 404).
 */
export function requireSegmentVariant(db: Db, want: 'read' | 'write', notFound = 'Segment'): MiddlewareHandler<AccessEnv> {
	return async (c, next) => {
		const place = await segmentPlace(db, c.req.param('id') ?? '');
		if (place && place.variant !== PRIMARY_VARIANT) {
			const args = { access: c.var.access, userId: c.var.user.id, recordingId: place.recordingId, variant: place.variant, notFound };
			if (want === 'read') await assertCanReadVariant(db, args);
			else await assertCanWriteVariant(db, { ...args, spans: [place] });
		}
		await next();
	};
}
