import { dbKindOf, type Db } from '../db/connection.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { scoreTexts, type ScoreOptions } from '../metrics/score.ts';
import { acceptedVersion } from '../review/accepted-version.ts';
import { toReviewDto } from '../review/review.mapper.ts';
import { listReviewsOfSegments } from '../review/review.repository.ts';
import { groupBySegment } from '../review/review.service.ts';
import { parseTexts } from '../segments/segments.mapper.ts';
import { insertSegment } from '../segments/segments.repository.ts';
import {
	insertTaskEvents,
	insertTasks,
	listWindowSegments,
	maxTaskVariant,
	pickGoldSource,
	type TaskRow
} from './tasks.repository.ts';

/**
 * How a gold copy is scored: CER per character against the gold's accepted text, with width,
 * compatibility forms and punctuation folded (a transcriber is measured on what was said, not on
 * the punctuation style).
 */
export const GOLD_SCORE_OPTIONS: ScoreOptions = { unit: 'char', nfkc: true, stripPunct: true };

/**
 * Serves `userId` a fresh copy of a gold task they have never seen: a new task over the same window
 * (same window id, so they never get it twice), in a variant of its own, already claimed by them,
 * whose segments start from the gold's boundaries without text. Nothing in what they are sent says
 * it is gold (the DTO shows gold only to managers). Null when no gold task is left for them.
 */
export async function serveGoldCopy(db: Db, args: { projectId: string; userId: string; leaseMs: number }): Promise<string | null> {
	return db.transaction().execute(async (trx) => {
		const gold = await pickGoldSource(trx, args.projectId, args.userId);
		if (!gold) return null;
		// Variants are unique per recording for copies, so two copies never share a segment; the
		// recording row lock (PostgreSQL) or the immediate transaction (SQLite) orders the allocation.
		if (dbKindOf(trx) === 'postgres') {
			await trx.selectFrom('recording').select('id').where('id', '=', gold.recording_id).forUpdate().executeTakeFirst();
		}
		const settings = await trx.selectFrom('project').select('transcriptions_per_task').where('id', '=', args.projectId).executeTakeFirstOrThrow();
		const variant = Math.max(await maxTaskVariant(trx, gold.recording_id), Number(settings.transcriptions_per_task) - 1) + 1;
		const now = nowIso();
		const id = newId();
		await insertTasks(trx, [
			{
				id,
				project_id: args.projectId,
				recording_id: gold.recording_id,
				window_id: gold.window_id,
				start_ms: gold.start_ms,
				end_ms: gold.end_ms,
				state: 'in_progress',
				priority: gold.priority,
				variant,
				assignee_id: args.userId,
				reviewer_id: null,
				lease_expires_at: new Date(Date.parse(now) + args.leaseMs).toISOString(),
				gold_source_id: gold.id,
				gold_errors: null,
				gold_ref_length: null,
				created_at: now,
				updated_at: now,
				claimed_at: now,
				submitted_at: null,
				accepted_at: null
			}
		]);
		const boundaries = await listWindowSegments(trx, {
			recordingId: gold.recording_id,
			variant: Number(gold.variant),
			startMs: Number(gold.start_ms),
			endMs: Number(gold.end_ms)
		});
		for (const segment of boundaries) {
			await insertSegment(trx, {
				id: newId(),
				recording_id: gold.recording_id,
				start_ms: Number(segment.start_ms),
				end_ms: Number(segment.end_ms),
				speaker_id: null,
				dialect_tag_id: null,
				texts: '{}',
				status: 'new',
				version: 1,
				origin: 'presegment',
				variant,
				created_by: null,
				created_at: now,
				updated_by: null,
				updated_at: now
			});
		}
		await insertTaskEvents(trx, [
			{ taskId: id, projectId: args.projectId, action: 'claim', from: 'new', to: 'in_progress', userId: args.userId, at: now, note: `Gold copy of ${gold.id}` }
		]);
		return id;
	});
}

/**
 * A window's text in one variant: the segments' text in the project's first layer, in time order.
 * With `accepted`, each segment's accepted version (review corrections applied, server/review).
 */
async function windowText(
	db: Db,
	task: Pick<TaskRow, 'recording_id' | 'start_ms' | 'end_ms' | 'project_id'>,
	variant: number,
	options: { accepted: boolean }
) {
	const layer = await db
		.selectFrom('text_layer')
		.select('key')
		.where('project_id', '=', task.project_id)
		.orderBy('sort_order')
		.orderBy('key')
		.executeTakeFirst();
	if (!layer) return '';
	const segments = await listWindowSegments(db, {
		recordingId: task.recording_id,
		variant,
		startMs: Number(task.start_ms),
		endMs: Number(task.end_ms)
	});
	const reviews = options.accepted ? groupBySegment((await listReviewsOfSegments(db, segments.map((s) => s.id))).map(toReviewDto)) : new Map();
	return segments
		.map((s) => {
			const original = {
				startMs: Number(s.start_ms),
				endMs: Number(s.end_ms),
				speakerId: s.speaker_id,
				dialectTagId: s.dialect_tag_id,
				texts: parseTexts(s.texts),
				version: Number(s.version)
			};
			const fields = options.accepted ? acceptedVersion(original, reviews.get(s.id) ?? []).fields : original;
			return fields.texts[layer.key] ?? '';
		})
		.join(' ');
}

/**
 * Scores a submitted gold copy against its gold task's accepted text (CER, GOLD_SCORE_OPTIONS) and
 * keeps the counts on the copy, so each transcriber's gold accuracy is a sum over their copies.
 * Runs in the submit's transaction.
 */
export async function scoreGoldCopy(db: Db, copy: TaskRow) {
	const gold = await db.selectFrom('task').select(['id', 'variant']).where('id', '=', copy.gold_source_id!).executeTakeFirst();
	if (!gold) return;
	const ref = await windowText(db, copy, Number(gold.variant), { accepted: true });
	const hyp = await windowText(db, copy, Number(copy.variant), { accepted: false });
	const counts = scoreTexts(ref, hyp, GOLD_SCORE_OPTIONS);
	await db
		.updateTable('task')
		.set({ gold_errors: counts.errors, gold_ref_length: counts.refLength })
		.where('id', '=', copy.id)
		.execute();
}
