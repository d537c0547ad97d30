import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Segment } from '../db/schema.ts';
import { nowIso } from '../lib/ids.ts';
import { scoreTexts } from '../metrics/score.ts';

/**
 * The dashboard's pre-aggregated figures, kept up to date by the writes themselves (in their
 * transaction): every segment write and every review decision adds its change to one row of
 * dashboard_daily's roll-ups per (project, UTC day) for everyone, for each person and for each
 * dialect tag (rollupKeys). The dashboards then read a few thousand rows by index instead of
 * scanning every segment, whatever the size of the project.
 *
 * Attribution: segment figures go to the person who made the change, on the day they made it
 * (a deletion takes its hours back on the day of the deletion), so a day's figure is the net
 * change of that day and the running sum the current total. Review figures go to the
 * transcriber whose work was reviewed (the segment's last editor), on the day of the review.
 */
export const DASHBOARD_COUNTERS = [
	'segments',
	'segmented_ms',
	'transcribed',
	'transcribed_ms',
	'active_minutes',
	'reviewed',
	'reviewed_ms',
	'accepted',
	'accepted_ms',
	'corrected',
	'rejected',
	'ref_chars',
	'char_errors'
] as const;
export type DashboardCounter = (typeof DASHBOARD_COUNTERS)[number];
export type Counters = Partial<Record<DashboardCounter, number>>;

/** Working time is counted in spans of this many minutes with at least one saved edit. */
export const ACTIVITY_BUCKET_MINUTES = 5;

type SegmentShape = Pick<Segment, 'start_ms' | 'end_ms' | 'texts' | 'dialect_tag_id'>;

/** Whether a segment holds any text (in any layer): what "transcribed" means on the dashboard. */
export function isTranscribed(texts: string | Record<string, string>): boolean {
	const parsed = typeof texts === 'string' ? (JSON.parse(texts) as Record<string, string>) : texts;
	return Object.values(parsed).some((t) => typeof t === 'string' && t.trim() !== '');
}

/**
 * What one segment counts for on the dashboard. Variants above 0 (double transcription) are other
 * transcribers' versions of audio already counted by variant 0: they count for nothing here.
 */
export function segmentCounters(row: SegmentShape): Counters {
	if (Number((row as { variant?: number }).variant ?? 0) > 0) return {};
	const ms = Number(row.end_ms) - Number(row.start_ms);
	const transcribed = isTranscribed(row.texts);
	return { segments: 1, segmented_ms: ms, transcribed: transcribed ? 1 : 0, transcribed_ms: transcribed ? ms : 0 };
}

/**
 * The changes a segment write makes, per dialect tag: `after`'s figures minus `before`'s (either
 * may be null: a create, a delete). Zero changes are left out.
 *
 * @example
 * segmentDeltas(null, row) // [{ tagId: row.dialect_tag_id ?? '', counters: { segments: 1, segmented_ms: 1500, … } }]
 */
export function segmentDeltas(before: SegmentShape | null, after: SegmentShape | null): { tagId: string; counters: Counters }[] {
	const byTag = new Map<string, Counters>();
	const add = (row: SegmentShape, sign: 1 | -1) => {
		const tagId = row.dialect_tag_id ?? '';
		const acc = byTag.get(tagId) ?? {};
		for (const [k, v] of Object.entries(segmentCounters(row)) as [DashboardCounter, number][]) acc[k] = (acc[k] ?? 0) + sign * v;
		byTag.set(tagId, acc);
	};
	if (before) add(before, -1);
	if (after) add(after, 1);
	return [...byTag]
		.map(([tagId, counters]) => ({ tagId, counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) as Counters }))
		.filter((d) => Object.keys(d.counters).length > 0);
}

/** Stands for "everyone" or "every tag" in a roll-up row's user_id or dialect_tag_id. */
export const ALL = '*';

/**
 * The roll-up rows one change lands in: the project's day (everyone, every tag), the person's day
 * (every tag) and the tag's day (everyone). Each dashboard query then reads one level only, by an
 * index range: the project's days, the people, or the tags, never every person × tag × day.
 */
export function rollupKeys(key: { userId: string; tagId: string }): { userId: string; tagId: string }[] {
	return [
		{ userId: ALL, tagId: ALL },
		{ userId: key.userId, tagId: ALL },
		{ userId: ALL, tagId: key.tagId }
	];
}

/** Adds `counters` to the roll-ups of (project, day, user, tag) (rollupKeys). */
export async function addCounters(db: Db, key: { projectId: string; day: string; userId: string; tagId: string }, counters: Counters) {
	for (const level of rollupKeys(key)) await addToRow(db, { ...key, ...level }, counters);
}

/** Adds `counters` to one row of dashboard_daily, creating it at zero first. */
async function addToRow(db: Db, key: { projectId: string; day: string; userId: string; tagId: string }, counters: Counters) {
	const entries = Object.entries(counters).filter(([, v]) => v) as [DashboardCounter, number][];
	if (entries.length === 0) return;
	const values = Object.fromEntries(entries);
	const set = Object.fromEntries(entries.map(([k]) => [k, sql`dashboard_daily.${sql.ref(k)} + excluded.${sql.ref(k)}`]));
	await db
		.insertInto('dashboard_daily')
		.values({ project_id: key.projectId, day: key.day, user_id: key.userId, dialect_tag_id: key.tagId, ...values })
		.onConflict((oc) => oc.columns(['project_id', 'day', 'user_id', 'dialect_tag_id']).doUpdateSet(set))
		.execute();
}

// Recordings never change project, so the answer can be remembered; bounded, oldest out first.
const projectOfRecording = new Map<string, string>();

async function findProjectOfRecording(db: Db, recordingId: string): Promise<string | undefined> {
	const known = projectOfRecording.get(recordingId);
	if (known) return known;
	const row = await db.selectFrom('recording').select('project_id').where('id', '=', recordingId).executeTakeFirst();
	if (!row) return undefined;
	if (projectOfRecording.size >= 10_000) projectOfRecording.delete(projectOfRecording.keys().next().value!);
	projectOfRecording.set(recordingId, row.project_id);
	return row.project_id;
}

/** The 5-minute span an instant falls in, and its UTC day. */
function bucketOf(iso: string): { bucket: string; day: string } {
	const t = Date.parse(iso);
	const span = ACTIVITY_BUCKET_MINUTES * 60_000;
	return { bucket: new Date(Math.floor(t / span) * span).toISOString(), day: iso.slice(0, 10) };
}

/** Counts the span `at` falls in as working time of `userId`, once. */
async function recordActivity(db: Db, key: { projectId: string; userId: string; at: string }) {
	const { bucket, day } = bucketOf(key.at);
	const inserted = await db
		.insertInto('activity_bucket')
		.values({ project_id: key.projectId, user_id: key.userId, bucket })
		.onConflict((oc) => oc.doNothing())
		.returning('bucket')
		.executeTakeFirst();
	if (inserted) {
		await addCounters(db, { projectId: key.projectId, day, userId: key.userId, tagId: '' }, { active_minutes: ACTIVITY_BUCKET_MINUTES });
	}
}

/**
 * Records a segment write (create: before null; delete: after null) on the dashboard, inside the
 * write's transaction. Called by the segment service's three write functions, which every path
 * (editor, imports, restore, review-free bulk work) goes through.
 */
export async function recordSegmentWrite(
	trx: Db,
	change: { recordingId: string; before: SegmentShape | null; after: SegmentShape | null; userId: string | null; at?: string }
) {
	const projectId = await findProjectOfRecording(trx, change.recordingId);
	if (!projectId) return;
	const at = change.at ?? nowIso();
	const userId = change.userId ?? '';
	for (const { tagId, counters } of segmentDeltas(change.before, change.after)) {
		await addCounters(trx, { projectId, day: at.slice(0, 10), userId, tagId }, counters);
	}
	if (change.userId) await recordActivity(trx, { projectId, userId: change.userId, at });
}

/** What one review decision counts for: the transcriber's reviewed hours, outcome and errors. */
export function reviewCounters(input: {
	durationMs: number;
	decision: 'accept' | 'correct' | 'reject';
	/** The transcriber's text and the reviewer's (the same when accepted), in the first text layer. */
	original: string;
	reviewed: string;
	/** Accepted hours count at the project's last review stage only. */
	finalStage: boolean;
}): Counters {
	const counters: Counters = { reviewed: 1, reviewed_ms: input.durationMs };
	if (input.decision === 'reject') counters.rejected = 1;
	if (input.decision === 'correct') counters.corrected = 1;
	if (input.decision !== 'reject' && input.finalStage) {
		counters.accepted = 1;
		counters.accepted_ms = input.durationMs;
	}
	if (input.decision !== 'reject') {
		const score = scoreTexts(input.reviewed, input.original);
		counters.ref_chars = score.refLength;
		counters.char_errors = score.errors;
	}
	return counters;
}

/**
 * Records a review decision on the dashboard, inside the review's transaction: the counters on
 * the transcriber's row for the segment's tag, and each error category named.
 */
export async function recordReviewDecision(
	trx: Db,
	review: {
		projectId: string;
		transcriberId: string | null;
		tagId: string | null;
		categories: string[];
		at?: string;
	} & Parameters<typeof reviewCounters>[0]
) {
	const day = (review.at ?? nowIso()).slice(0, 10);
	const userId = review.transcriberId ?? '';
	await addCounters(trx, { projectId: review.projectId, day, userId, tagId: review.tagId ?? '' }, reviewCounters(review));
	for (const category of new Set(review.categories)) {
		await trx
			.insertInto('dashboard_category_daily')
			.values({ project_id: review.projectId, day, user_id: userId, category, count: 1 })
			.onConflict((oc) =>
				oc.columns(['project_id', 'day', 'user_id', 'category']).doUpdateSet({ count: sql`dashboard_category_daily.count + 1` })
			)
			.execute();
	}
}

/**
 * Takes a recording's segments off the dashboard before the recording is deleted (its segments
 * go by cascade, not through the segment service), as one write by `userId` today.
 */
export async function recordRecordingDeletion(trx: Db, args: { recordingId: string; projectId: string; userId: string | null }) {
	const rows = await trx
		.selectFrom('segment')
		.select(['start_ms', 'end_ms', 'texts', 'dialect_tag_id'])
		.where('recording_id', '=', args.recordingId)
		.execute();
	const byTag = new Map<string, Counters>();
	for (const row of rows) {
		for (const { tagId, counters } of segmentDeltas(row, null)) {
			const acc = byTag.get(tagId) ?? {};
			for (const [k, v] of Object.entries(counters) as [DashboardCounter, number][]) acc[k] = (acc[k] ?? 0) + v;
			byTag.set(tagId, acc);
		}
	}
	const day = nowIso().slice(0, 10);
	for (const [tagId, counters] of byTag) {
		await addCounters(trx, { projectId: args.projectId, day, userId: args.userId ?? '', tagId }, counters);
	}
}
