import { sql } from 'kysely';
import { dbKindOf, type Db } from '../db/connection.ts';
import type { JobState } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';

export const JOB_COLUMNS = [
	'id',
	'kind',
	'payload',
	'state',
	'attempts',
	'error',
	'locked_by',
	'locked_at',
	'created_at',
	'updated_at'
] as const;

/** Queues a job; call inside the transaction that creates what it works on. */
export async function enqueueJob(db: Db, job: { kind: string; payload: unknown }): Promise<string> {
	const id = newId();
	const now = nowIso();
	await db
		.insertInto('job')
		.values({
			id,
			kind: job.kind,
			payload: JSON.stringify(job.payload),
			state: 'queued',
			attempts: 0,
			error: null,
			locked_by: null,
			locked_at: null,
			created_at: now,
			updated_at: now
		})
		.execute();
	return id;
}

/**
 * Takes the oldest queued job of one of `kinds` for `workerId`, in one transaction. On PostgreSQL
 * `for update skip locked` lets several servers claim side by side without waiting on each other;
 * SQLite transactions start with BEGIN IMMEDIATE, which serialises claimers on its own.
 */
export function claimNextJob(db: Db, options: { workerId: string; kinds: string[] }) {
	if (options.kinds.length === 0) return Promise.resolve(undefined);
	return db.transaction().execute(async (trx) => {
		let query = trx
			.selectFrom('job')
			.select('id')
			.where('state', '=', 'queued')
			.where('kind', 'in', options.kinds)
			.orderBy('id')
			.limit(1);
		if (dbKindOf(db) === 'postgres') query = query.forUpdate().skipLocked();
		const next = await query.executeTakeFirst();
		if (!next) return undefined;
		const now = nowIso();
		return trx
			.updateTable('job')
			.set((eb) => ({
				state: 'running' as const,
				attempts: eb('attempts', '+', 1),
				locked_by: options.workerId,
				locked_at: now,
				updated_at: now
			}))
			.where('id', '=', next.id)
			.where('state', '=', 'queued')
			.returning(JOB_COLUMNS)
			.executeTakeFirst();
	});
}

export function findJobById(db: Db, id: string) {
	return db.selectFrom('job').select(JOB_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function listJobs(db: Db, filter: { state?: JobState; kind?: string } = {}) {
	let query = db.selectFrom('job').select(JOB_COLUMNS).orderBy('id');
	if (filter.state) query = query.where('state', '=', filter.state);
	if (filter.kind) query = query.where('kind', '=', filter.kind);
	return query.execute();
}

/** Marks a job this worker holds as done. */
export async function completeJob(db: Db, id: string, workerId: string) {
	await finishJob(db, id, workerId, 'done', null);
}

export async function failJob(db: Db, id: string, workerId: string, error: string) {
	await finishJob(db, id, workerId, 'failed', error.slice(0, 4000));
}

async function finishJob(db: Db, id: string, workerId: string, state: 'done' | 'failed', error: string | null) {
	const now = nowIso();
	await db
		.updateTable('job')
		.set({ state, error, locked_by: null, locked_at: null, updated_at: now })
		.where('id', '=', id)
		.where('locked_by', '=', workerId)
		.execute();
}

/**
 * Hands a job this worker holds back to the queue (the pool is stopping); the interrupted attempt
 * does not count.
 */
export async function releaseJob(db: Db, id: string, workerId: string) {
	await db
		.updateTable('job')
		.set((eb) => ({
			state: 'queued' as const,
			attempts: eb('attempts', '-', 1),
			locked_by: null,
			locked_at: null,
			updated_at: nowIso()
		}))
		.where('id', '=', id)
		.where('locked_by', '=', workerId)
		.where('state', '=', 'running')
		.execute();
}

/** Proves that this worker still holds its running jobs, so no one requeues them as stale. */
export async function heartbeatJobs(db: Db, ids: string[], workerId: string) {
	if (ids.length === 0) return;
	await db
		.updateTable('job')
		.set({ locked_at: nowIso() })
		.where('id', 'in', ids)
		.where('locked_by', '=', workerId)
		.where('state', '=', 'running')
		.execute();
}

/**
 * Puts 'running' jobs whose worker is gone back in the queue and returns their ids: jobs locked by
 * one of `deadWorkers` (e.g. this host's earlier processes), and jobs whose heartbeat is older than
 * `staleBefore` (a worker that died on any host).
 */
export async function requeueStaleJobs(
	db: Db,
	options: { staleBefore: string; isDeadWorker?: (workerId: string) => boolean }
): Promise<string[]> {
	const running = await db
		.selectFrom('job')
		.select(['id', 'locked_by', 'locked_at'])
		.where('state', '=', 'running')
		.execute();
	const dead = [
		...new Set(
			running
				.map((job) => job.locked_by)
				.filter((worker): worker is string => worker !== null && options.isDeadWorker?.(worker) === true)
		)
	];
	if (!running.some((job) => job.locked_at === null || job.locked_at < options.staleBefore) && dead.length === 0) {
		return [];
	}
	// The conditions are checked again in the update: a heartbeat may have landed since the select.
	const requeued = await db
		.updateTable('job')
		.set({ state: 'queued', locked_by: null, locked_at: null, updated_at: nowIso() })
		.where('state', '=', 'running')
		.where((eb) =>
			eb.or([
				eb('locked_at', 'is', null),
				eb('locked_at', '<', options.staleBefore),
				...(dead.length > 0 ? [eb('locked_by', 'in', dead)] : [])
			])
		)
		.returning('id')
		.execute();
	return requeued.map((row) => row.id);
}

/**
 * Removes every job whose payload names a recording (the recording is being deleted): queued ones
 * would run for nothing, finished ones would outlive it. A running one finds the recording gone,
 * cleans up after itself, and its completion then updates no row.
 */
export async function deleteJobsForRecording(db: Db, recordingId: string) {
	await db
		.deleteFrom('job')
		.where('payload', '=', JSON.stringify({ recordingId }))
		.execute();
}

/** Counts jobs by state, e.g. for health output and tests. */
export async function countJobsByState(db: Db): Promise<Partial<Record<JobState, number>>> {
	const rows = await db
		.selectFrom('job')
		.select(['state', sql<number>`count(*)`.as('count')])
		.groupBy('state')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
}
