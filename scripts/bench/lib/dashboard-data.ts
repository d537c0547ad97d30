import { randomBytes } from 'node:crypto';
import type { Db } from '../../../server/db/connection.ts';
import {
	ACTIVITY_BUCKET_MINUTES,
	DASHBOARD_COUNTERS,
	reviewCounters,
	rollupKeys,
	segmentDeltas,
	type Counters
} from '../../../server/dashboard/dashboard-facts.ts';
import { hasTables } from '../../../server/dashboard/queue.repository.ts';
import { newId } from '../../../server/lib/ids.ts';
import { correctedText, seededRandom, transcriptText } from '../../../server/metrics/test-texts.ts';
import { createProject } from '../../../server/projects/projects.service.ts';

export interface DashboardScale {
	recordings: number;
	segmentsPerRecording: number;
	tasks: number;
	transcribers: number;
	reviewers: number;
	days: number;
	/** Share of segments with a review decision. */
	reviewedShare: number;
}

export const SCALE_500K: DashboardScale = {
	recordings: 1000,
	segmentsPerRecording: 500,
	tasks: 20_000,
	transcribers: 200,
	reviewers: 20,
	days: 60,
	reviewedShare: 0.4
};

const CATEGORIES = ['substitution', 'omission', 'insertion', 'dialect_tag', 'speaker', 'boundary', 'tone', 'other'];
const TASK_STATES = ['new', 'in_progress', 'submitted', 'in_review', 'accepted', 'returned'];

/** Rows in chunks small enough for either database's limit on bound parameters. */
async function insertChunks(db: Db, table: string, rows: Record<string, unknown>[]) {
	if (rows.length === 0) return;
	const size = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
	for (let i = 0; i < rows.length; i += size) {
		await (db as any).insertInto(table).values(rows.slice(i, i + size)).execute();
	}
}

/**
 * A project at dashboard scale, written straight into the tables (the write path would take an
 * hour): recordings, segments with their create (and some update) revisions, review decisions,
 * tasks with their events when the queue's tables exist, and the dashboard's pre-aggregated rows
 * computed with the same functions the write path calls (segmentDeltas, reviewCounters,
 * rollupKeys), so the
 * figures are what the app would have maintained.
 */
export async function generateDashboardProject(db: Db, scale: DashboardScale, log: (line: string) => void) {
	const random = seededRandom(18);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
	const created = await createProject(db, { name: `Dashboard ${randomBytes(3).toString('hex')}`, createdBy: null });
	if (!created.ok) throw new Error('could not create the project');
	const project = created.project;
	const tags = project.dialectTags.map((t) => t.id);
	const now = Date.now();
	const dayMs = 86_400_000;
	const start = now - scale.days * dayMs;
	const iso = (t: number) => new Date(t).toISOString();

	// Accounts are instance members; what they do in the project is their membership's role.
	const users = (n: number, role: 'transcriber' | 'reviewer') =>
		Array.from({ length: n }, (_, i) => ({
			id: newId(),
			email: `${role}${i}-${randomBytes(3).toString('hex')}@bench.test`,
			name: `${role} ${i}`,
			password_hash: 'x',
			role: 'member',
			is_active: 1,
			settings: '{}',
			created_at: iso(start),
			updated_at: iso(start)
		}));
	const transcribers = users(scale.transcribers, 'transcriber');
	const reviewers = users(scale.reviewers, 'reviewer');
	await insertChunks(db, 'user', [...transcribers, ...reviewers]);
	const member = (role: 'transcriber' | 'reviewer') => (u: { id: string }) => ({ project_id: project.id, user_id: u.id, role, created_at: iso(start), created_by: null });
	await insertChunks(db, 'project_member', [...transcribers.map(member('transcriber')), ...reviewers.map(member('reviewer'))]);

	const daily = new Map<string, Record<string, unknown> & Counters>();
	const add = (day: string, user: string, tag: string, counters: Counters) => {
		for (const level of rollupKeys({ userId: user, tagId: tag })) addRow(day, level.userId, level.tagId, counters);
	};
	const addRow = (day: string, userId: string, tagId: string, counters: Counters) => {
		const key = `${day}|${userId}|${tagId}`;
		let row = daily.get(key);
		if (!row) {
			row = { project_id: project.id, day, user_id: userId, dialect_tag_id: tagId };
			for (const c of DASHBOARD_COUNTERS) row[c] = 0;
			daily.set(key, row);
		}
		for (const [k, v] of Object.entries(counters)) row[k as keyof Counters] = (row[k as keyof Counters] ?? 0) + (v as number);
	};
	const buckets = new Set<string>();
	const categoryDaily = new Map<string, number>();
	const segmentMs = 3000;
	let segmentsWritten = 0;

	for (let r = 0; r < scale.recordings; r++) {
		const recordingId = newId();
		const tag = pick(tags);
		const transcriber = pick(transcribers);
		const durationMs = scale.segmentsPerRecording * segmentMs + 10_000;
		const day0 = start + Math.floor(random() * (scale.days - 2)) * dayMs + 8 * 3_600_000;
		await insertChunks(db, 'recording', [
			{
				id: recordingId, project_id: project.id, name: `rec-${r}.wav`, sha256: randomBytes(32).toString('hex'), original_ext: 'wav',
				original_size: 1000, format_name: 'wav', codec: 'pcm_s16le', duration_ms: durationMs, sample_rate: 16000, channels: 1,
				speaker_id: null, place: null, metadata: '{}', state: 'ready', error: null, created_by: null, created_at: iso(day0), updated_at: iso(day0)
			}
		]);
		const segments: Record<string, unknown>[] = [];
		const revisions: Record<string, unknown>[] = [];
		const reviews: Record<string, unknown>[] = [];
		for (let i = 0; i < scale.segmentsPerRecording; i++) {
			const at = day0 + i * 40_000;
			const id = newId();
			const text = transcriptText(random, 12 + Math.floor(random() * 20));
			const segTag = random() < 0.9 ? tag : pick(tags);
			const row = {
				id, recording_id: recordingId, start_ms: i * segmentMs, end_ms: (i + 1) * segmentMs, speaker_id: null, dialect_tag_id: segTag,
				texts: JSON.stringify({ transcript: text }), status: 'transcribed', version: 1, origin: 'manual',
				created_by: transcriber.id, created_at: iso(at), updated_by: transcriber.id, updated_at: iso(at)
			};
			segments.push(row);
			const snapshot = JSON.stringify({ id, startMs: row.start_ms, endMs: row.end_ms, texts: { transcript: text } });
			revisions.push({ id: newId(), segment_id: id, recording_id: recordingId, version: 1, action: 'create', before: null, after: snapshot, user_id: transcriber.id, created_at: iso(at) });
			if (random() < 0.5) {
				revisions.push({ id: newId(), segment_id: id, recording_id: recordingId, version: 2, action: 'update', before: snapshot, after: snapshot, user_id: transcriber.id, created_at: iso(at + 20_000) });
			}
			const day = iso(at).slice(0, 10);
			for (const { tagId, counters } of segmentDeltas(null, row)) add(day, transcriber.id, tagId, counters);
			const span = ACTIVITY_BUCKET_MINUTES * 60_000;
			buckets.add(`${transcriber.id}|${iso(Math.floor(at / span) * span)}`);

			if (random() < scale.reviewedShare) {
				const reviewAt = at + 2 * dayMs + Math.floor(random() * dayMs);
				const u = random();
				const decision = u < 0.7 ? 'accept' : u < 0.9 ? 'correct' : 'reject';
				const corrected = decision === 'correct' ? correctedText(random, text) : text;
				const categories = decision === 'accept' ? [] : [pick(CATEGORIES)];
				reviews.push({
					id: newId(), segment_id: id, recording_id: recordingId, task_id: null, stage: 1, base_version: 1, reviewer_id: pick(reviewers).id, decision,
					corrected: decision === 'correct' ? JSON.stringify({ texts: { transcript: corrected } }) : null, categories: JSON.stringify(categories),
					comment: '', created_at: iso(reviewAt)
				});
				const reviewDay = iso(reviewAt).slice(0, 10);
				add(reviewDay, transcriber.id, segTag, reviewCounters({ durationMs: segmentMs, decision, original: text, reviewed: corrected, finalStage: true }));
				for (const c of categories) categoryDaily.set(`${reviewDay}|${transcriber.id}|${c}`, (categoryDaily.get(`${reviewDay}|${transcriber.id}|${c}`) ?? 0) + 1);
			}
		}
		await insertChunks(db, 'segment', segments);
		await insertChunks(db, 'segment_revision', revisions);
		await insertChunks(db, 'segment_review', reviews);
		segmentsWritten += segments.length;
		if ((r + 1) % 100 === 0) log(`  dashboard data: ${r + 1}/${scale.recordings} recordings, ${segmentsWritten} segments`);
	}

	for (const key of buckets) {
		const [userId, bucket] = key.split('|') as [string, string];
		add(bucket.slice(0, 10), userId, '', { active_minutes: ACTIVITY_BUCKET_MINUTES });
	}
	await insertChunks(db, 'activity_bucket', [...buckets].map((k) => ({ project_id: project.id, user_id: k.split('|')[0], bucket: k.split('|')[1] })));
	await insertChunks(db, 'dashboard_daily', [...daily.values()]);
	await insertChunks(
		db,
		'dashboard_category_daily',
		[...categoryDaily].map(([k, count]) => {
			const [day, userId, category] = k.split('|');
			return { project_id: project.id, day, user_id: userId, category, count };
		})
	);
	const taskRows = await generateTasks(db, { projectId: project.id, scale, random, transcribers: transcribers.map((t) => t.id), start, iso });
	return {
		projectId: project.id,
		transcriberId: transcribers[0]!.id,
		counts: { segments: segmentsWritten, dashboardRows: daily.size, buckets: buckets.size, tasks: taskRows }
	};
}

/** Tasks and their events, when the queue's tables exist (server/tasks); 0 otherwise. */
async function generateTasks(
	db: Db,
	args: { projectId: string; scale: DashboardScale; random: () => number; transcribers: string[]; start: number; iso: (t: number) => string }
): Promise<number> {
	if (!(await hasTables(db, ['task', 'task_event']))) return 0;
	const recordings = await db.selectFrom('recording').select(['id', 'duration_ms']).where('project_id', '=', args.projectId).execute();
	const perRecording = Math.ceil(args.scale.tasks / recordings.length);
	const tasks: Record<string, unknown>[] = [];
	const events: Record<string, unknown>[] = [];
	for (const rec of recordings) {
		const windowMs = Math.floor(Number(rec.duration_ms) / perRecording);
		for (let i = 0; i < perRecording && tasks.length < args.scale.tasks; i++) {
			const id = newId();
			const at = args.start + Math.floor(args.random() * args.scale.days * 86_400_000);
			const state = TASK_STATES[Math.floor(args.random() * TASK_STATES.length)]!;
			const assignee = state === 'new' ? null : args.transcribers[Math.floor(args.random() * args.transcribers.length)]!;
			tasks.push({ id, project_id: args.projectId, recording_id: rec.id, window_id: `${rec.id}-${i}`, start_ms: i * windowMs, end_ms: (i + 1) * windowMs, state, assignee_id: assignee, created_at: args.iso(at), updated_at: args.iso(at) });
			events.push({ id: newId(), task_id: id, project_id: args.projectId, action: 'claim', from_state: 'new', to_state: 'in_progress', user_id: assignee, at: args.iso(at), note: '' });
			if (args.random() < 0.05) events.push({ id: newId(), task_id: id, project_id: args.projectId, action: 'lapse', from_state: 'in_progress', to_state: 'new', user_id: null, at: args.iso(at + 1_800_000), note: '' });
		}
	}
	await insertChunks(db, 'task', tasks);
	await insertChunks(db, 'task_event', events);
	return tasks.length;
}
