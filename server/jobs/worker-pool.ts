import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Deps } from '../deps.ts';
import type { Job } from '../db/schema.ts';
import { INGEST_JOB_KIND } from '../recordings/recordings.service.ts';
import { EXPORT_JOB_KIND, runExportJob } from '../export/export.job.ts';
import { runIngestJob } from './ingest.job.ts';
import {
	claimNextJob,
	completeJob,
	failJob,
	heartbeatJobs,
	releaseJob,
	requeueStaleJobs
} from './jobs.repository.ts';

export interface JobContext {
	jobId: string;
	/** 1 on the first try; higher when earlier workers died holding the job. */
	attempts: number;
	/** Aborted when the pool stops: kill child processes and return quickly. */
	signal: AbortSignal;
	reportProgress(fraction: number): void;
}

export type JobHandler = (deps: Deps, payload: unknown, ctx: JobContext) => Promise<void>;

export type WorkerPoolEvent =
	| { type: 'started'; job: Job; payload: unknown }
	| { type: 'progress'; job: Job; payload: unknown; fraction: number }
	| { type: 'done'; job: Job; payload: unknown }
	| { type: 'failed'; job: Job; payload: unknown; error: string };

export interface WorkerPoolOptions {
	/** Jobs run at once; default config.workers (the number of CPU cores). */
	size?: number;
	/** Job kind → handler; default `{ ingest: runIngestJob }`. */
	handlers?: Record<string, JobHandler>;
	/** Look for jobs queued by other processes this often (ms). */
	pollMs?: number;
	/** Refresh the lock on running jobs this often (ms). */
	heartbeatMs?: number;
	/** A running job whose lock is older than this (ms) belongs to a dead worker. */
	staleMs?: number;
	onEvent?: (event: WorkerPoolEvent) => void;
}

export interface WorkerPool {
	readonly workerId: string;
	readonly size: number;
	/** Jobs running now. */
	readonly activeCount: number;
	/** Starts claiming jobs (idempotent). */
	start(): void;
	/** A job was queued: claim it now rather than at the next poll. */
	notify(): void;
	/** Resolves once nothing is running and no job is claimable. */
	whenIdle(): Promise<void>;
	/** Kills running jobs' processes, hands their jobs back to the queue, stops claiming. */
	stop(): Promise<void>;
}

export const DEFAULT_JOB_HANDLERS: Record<string, JobHandler> = { [INGEST_JOB_KIND]: runIngestJob, [EXPORT_JOB_KIND]: runExportJob };

const HOST = os.hostname();

/** `host:pid:nonce`: tells which process holds a job, and lets a restart on the same host spot its dead predecessors. */
function makeWorkerId(): string {
	return `${HOST}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * True for a worker id of a process on this host that no longer runs (or of an earlier run of this
 * very process id, e.g. pid 1 in a restarted container).
 */
export function isDeadLocalWorker(workerId: string, ownWorkerId: string): boolean {
	const [host, pidText] = workerId.split(':');
	if (host !== HOST || workerId === ownWorkerId) return false;
	const pid = Number(pidText);
	if (!Number.isInteger(pid) || pid <= 0) return false;
	if (pid === process.pid) return true;
	try {
		process.kill(pid, 0);
		return false;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

/**
 * A bounded pool fed from the job table. The queue lives in the database, so a restart resumes where
 * the last process stopped, and several processes (servers, the import CLI) can share one queue.
 *
 * @example
 * const pool = createWorkerPool(deps);
 * deps.notifyJobs = () => pool.notify();
 * pool.start();
 * // … on shutdown:
 * await pool.stop();
 */
export function createWorkerPool(deps: Deps, options: WorkerPoolOptions = {}): WorkerPool {
	const size = options.size ?? deps.config.workers;
	const handlers = options.handlers ?? DEFAULT_JOB_HANDLERS;
	const kinds = Object.keys(handlers);
	const pollMs = options.pollMs ?? 5000;
	const heartbeatMs = options.heartbeatMs ?? 15_000;
	const staleMs = options.staleMs ?? 60_000;
	const workerId = makeWorkerId();
	const active = new Map<string, { controller: AbortController; done: Promise<void> }>();
	let started = false;
	let stopping = false;
	let pumping: Promise<void> | null = null;
	let pumpAgain = false;
	let idleWaiters: (() => void)[] = [];
	const timers: NodeJS.Timeout[] = [];

	const emit = (event: WorkerPoolEvent) => {
		try {
			options.onEvent?.(event);
		} catch (err) {
			deps.log.warn('worker pool event listener failed', err);
		}
	};

	const run = (job: Job) => {
		const controller = new AbortController();
		let payload: unknown = null;
		const done = (async () => {
			try {
				payload = JSON.parse(job.payload);
				const handler = handlers[job.kind];
				if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
				emit({ type: 'started', job, payload });
				await handler(deps, payload, {
					jobId: job.id,
					attempts: job.attempts,
					signal: controller.signal,
					reportProgress: (fraction) => emit({ type: 'progress', job, payload, fraction })
				});
				await completeJob(deps.db, job.id, workerId);
				emit({ type: 'done', job, payload });
			} catch (err) {
				if (controller.signal.aborted && stopping) {
					await releaseJob(deps.db, job.id, workerId).catch((e) => deps.log.warn(`could not release job ${job.id}`, e));
					return;
				}
				const message = err instanceof Error ? err.message : String(err);
				deps.log.warn(`job ${job.id} (${job.kind}) failed: ${message}`);
				await failJob(deps.db, job.id, workerId, message).catch((e) => deps.log.error(`could not record job ${job.id} failure`, e));
				emit({ type: 'failed', job, payload, error: message });
			} finally {
				active.delete(job.id);
				if (!stopping) void pump();
			}
		})();
		active.set(job.id, { controller, done });
	};

	const claimLoop = async () => {
		let foundNone = false;
		do {
			pumpAgain = false;
			while (!stopping && active.size < size) {
				const job = await claimNextJob(deps.db, { workerId, kinds });
				if (!job) {
					foundNone = true;
					break;
				}
				if (stopping) {
					await releaseJob(deps.db, job.id, workerId);
					break;
				}
				run(job);
			}
			if (size <= 0) foundNone = true;
		} while (pumpAgain && !stopping);
		if (foundNone && active.size === 0) {
			const waiters = idleWaiters;
			idleWaiters = [];
			for (const resolve of waiters) resolve();
		}
	};

	const pump = (): Promise<void> => {
		if (pumping) {
			pumpAgain = true;
			return pumping;
		}
		pumping = claimLoop()
			.catch((err) => deps.log.error('worker pool could not claim jobs', err))
			.finally(() => {
				pumping = null;
			});
		return pumping;
	};

	return {
		workerId,
		size,
		get activeCount() {
			return active.size;
		},
		start() {
			if (started || stopping) return;
			started = true;
			const every = (ms: number, task: () => Promise<unknown>) => {
				const timer = setInterval(() => void task().catch((err) => deps.log.warn('worker pool timer task failed', err)), ms);
				timer.unref();
				timers.push(timer);
			};
			every(pollMs, pump);
			every(heartbeatMs, () => heartbeatJobs(deps.db, [...active.keys()], workerId));
			every(staleMs, async () => {
				const ids = await requeueStaleJobs(deps.db, { staleBefore: new Date(Date.now() - staleMs).toISOString() });
				if (ids.length > 0) void pump();
			});
			void pump();
		},
		notify() {
			if (started && !stopping) void pump();
		},
		whenIdle() {
			const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
			if (started && !stopping) void pump();
			return idle;
		},
		async stop() {
			if (stopping) return;
			stopping = true;
			for (const timer of timers) clearInterval(timer);
			if (pumping) await pumping;
			for (const { controller } of active.values()) controller.abort();
			await Promise.allSettled([...active.values()].map((a) => a.done));
			const waiters = idleWaiters;
			idleWaiters = [];
			for (const resolve of waiters) resolve();
		}
	};
}

/**
 * Requeues jobs left 'running' by dead workers (earlier processes on this host, or any worker whose
 * heartbeat stopped), then starts a pool and wires `deps.notifyJobs` to it. Used by the server, the
 * import CLI and tests.
 */
export async function startWorkerPool(deps: Deps, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
	const pool = createWorkerPool(deps, options);
	const staleMs = options.staleMs ?? 60_000;
	const requeued = await requeueStaleJobs(deps.db, {
		staleBefore: new Date(Date.now() - staleMs).toISOString(),
		isDeadWorker: (id) => isDeadLocalWorker(id, pool.workerId)
	});
	if (requeued.length > 0) deps.log.info(`requeued ${requeued.length} interrupted job(s)`);
	deps.notifyJobs = () => pool.notify();
	pool.start();
	return pool;
}
