import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../lib/ids.ts';
import { makeTone } from '../media/test-audio.ts';
import { insertProject } from '../projects/projects.repository.ts';
import { findRecordingById } from '../recordings/recordings.repository.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { claimNextJob, countJobsByState, enqueueJob, findJobById, listJobs } from './jobs.repository.ts';
import { createWorkerPool, isDeadLocalWorker, startWorkerPool, type JobHandler, type WorkerPoolEvent } from './worker-pool.ts';

const fixtures = mkdtempSync(path.join(os.tmpdir(), 'fangyan-jobs-fixtures-'));
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(isDeadLocalWorker.name, () => {
	const host = os.hostname();
	it('knows dead and live processes on this host, and leaves other hosts alone', () => {
		const own = `${host}:${process.pid}:aaaa`;
		expect(isDeadLocalWorker(own, own)).toBe(false);
		expect(isDeadLocalWorker(`${host}:${process.pid}:bbbb`, own)).toBe(true);
		expect(isDeadLocalWorker(`${host}:${process.ppid}:cccc`, own)).toBe(false);
		expect(isDeadLocalWorker(`${host}:4194303:dddd`, own)).toBe(true);
		expect(isDeadLocalWorker(`elsewhere:4194303:dddd`, own)).toBe(false);
	});
});

describe.each(DB_KINDS)('jobs on %s', (kind) => {
	let ctx: TestContext;
	let projectId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		projectId = newId();
		await insertProject(ctx.deps.db, { id: projectId, slug: `p-${projectId}`, name: 'Jobs', description: '', guidelines: '', createdBy: null });
	});
	afterAll(() => ctx.close());

	const clearJobs = () => ctx.deps.db.deleteFrom('job').execute();

	it('claims each queued job exactly once, oldest first, under concurrent claimers', async () => {
		await clearJobs();
		const ids: string[] = [];
		for (let i = 0; i < 8; i++) ids.push(await enqueueJob(ctx.deps.db, { kind: 'test', payload: { i } }));
		const claims = await Promise.all(
			Array.from({ length: 12 }, (_, i) => claimNextJob(ctx.deps.db, { workerId: `w${i}`, kinds: ['test'] }))
		);
		const claimed = claims.filter((c) => c !== undefined);
		expect(claimed.map((c) => c.id).sort()).toEqual(ids);
		for (const job of claimed) expect(job).toMatchObject({ state: 'running', attempts: 1 });
		expect(await claimNextJob(ctx.deps.db, { workerId: 'late', kinds: ['test'] })).toBeUndefined();
		expect(await claimNextJob(ctx.deps.db, { workerId: 'other', kinds: ['other-kind'] })).toBeUndefined();
	});

	it('never runs more jobs at once than its size, and finishes them all', async () => {
		await clearJobs();
		let running = 0;
		let most = 0;
		const handler: JobHandler = async () => {
			running++;
			most = Math.max(most, running);
			await sleep(40);
			running--;
		};
		const failing: JobHandler = async () => {
			throw new Error('this one always fails');
		};
		for (let i = 0; i < 7; i++) await enqueueJob(ctx.deps.db, { kind: 'test', payload: { i } });
		await enqueueJob(ctx.deps.db, { kind: 'bad', payload: {} });
		const events: WorkerPoolEvent['type'][] = [];
		const pool = createWorkerPool(ctx.deps, {
			size: 2,
			handlers: { test: handler, bad: failing },
			onEvent: (e) => events.push(e.type)
		});
		pool.start();
		await pool.whenIdle();
		await pool.stop();
		expect(most).toBe(2);
		expect(await countJobsByState(ctx.deps.db)).toEqual({ done: 7, failed: 1 });
		const [bad] = await listJobs(ctx.deps.db, { kind: 'bad' });
		expect(bad).toMatchObject({ state: 'failed', error: 'this one always fails', locked_by: null });
		expect(events.filter((t) => t === 'done')).toHaveLength(7);
		expect(events.filter((t) => t === 'failed')).toHaveLength(1);
	});

	it('requeues at start the jobs a dead process left running, and the stale ones of any host', async () => {
		await clearJobs();
		const now = nowIso();
		const old = new Date(Date.now() - 10 * 60_000).toISOString();
		const running = (id: string, lockedBy: string, lockedAt: string) =>
			ctx.deps.db
				.insertInto('job')
				.values({ id, kind: 'test', payload: '{}', state: 'running', attempts: 1, error: null, locked_by: lockedBy, locked_at: lockedAt, created_at: now, updated_at: now })
				.execute();
		await running('job-dead-local', `${os.hostname()}:4194303:0000`, now);
		await running('job-stale-remote', 'far-away:12:0000', old);
		await running('job-live-remote', 'far-away:13:0000', now);
		const seen: string[] = [];
		const pool = await startWorkerPool(ctx.deps, {
			size: 2,
			handlers: { test: async (_deps, _payload, job) => void seen.push(job.jobId) }
		});
		await pool.whenIdle();
		await pool.stop();
		expect(seen.sort()).toEqual(['job-dead-local', 'job-stale-remote']);
		expect((await findJobById(ctx.deps.db, 'job-dead-local'))).toMatchObject({ state: 'done', attempts: 2 });
		expect((await findJobById(ctx.deps.db, 'job-live-remote'))?.state).toBe('running');
	});

	it('resumes ingest after a stop: queued jobs finish in a new pool', async () => {
		await clearJobs();
		const ffmpeg = ctx.deps.media.ffmpeg;
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			const file = await makeTone(ffmpeg, path.join(fixtures, `resume-${kind}-${i}.wav`), {
				seconds: 20,
				sampleRate: 16000,
				frequency: 200 + i * 100
			});
			const recording = await importRecordingFromFile(ctx.deps, { projectId, filePath: file, name: path.basename(file), userId: null });
			expect(recording.state).toBe('queued');
			ids.push(recording.id);
		}
		// The first pool stops as soon as it has started a job: its ffmpeg is killed and the job requeued.
		let startedOne!: () => void;
		const started = new Promise<void>((resolve) => (startedOne = resolve));
		const first = await startWorkerPool(ctx.deps, { size: 1, onEvent: (e) => e.type === 'started' && startedOne() });
		await started;
		await sleep(30);
		await first.stop();
		// Its ffmpeg was killed, not left running.
		const children = spawnSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout;
		expect(children.split('\n')).not.toContain('ffmpeg');
		const states = await Promise.all(ids.map(async (id) => (await findRecordingById(ctx.deps.db, id))!.state));
		expect(states.filter((s) => s === 'ready').length).toBeLessThan(3);
		expect(states).not.toContain('processing');
		expect(await countJobsByState(ctx.deps.db)).not.toHaveProperty('running');
		expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);

		const second = await startWorkerPool(ctx.deps, { size: 2 });
		await second.whenIdle();
		await second.stop();
		for (const id of ids) {
			const row = (await findRecordingById(ctx.deps.db, id))!;
			expect(row).toMatchObject({ state: 'ready', error: null, duration_ms: 20_000 });
		}
		expect(await countJobsByState(ctx.deps.db)).toEqual({ done: 3 });
		const jobs = await listJobs(ctx.deps.db);
		// The interrupted attempt was handed back and does not count.
		expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 1]);
	});

	it('marks a recording failed, with the reason, when its original cannot be decoded', async () => {
		await clearJobs();
		const file = await makeTone(ctx.deps.media.ffmpeg, path.join(fixtures, `broken-${kind}.flac`), { seconds: 2, frequency: 900 });
		const recording = await importRecordingFromFile(ctx.deps, { projectId, filePath: file, name: 'broken.flac', userId: null });
		// The stored original gets damaged after the import (disk trouble, a hand edit…).
		writeFileSync(ctx.deps.storage.originalPath(recording.sha256, 'flac'), 'no longer audio');
		const pool = await startWorkerPool(ctx.deps, { size: 1 });
		await pool.whenIdle();
		await pool.stop();
		const row = (await findRecordingById(ctx.deps.db, recording.id))!;
		expect(row.state).toBe('failed');
		expect(row.error).toMatch(/^ffmpeg could not process this file: \S.{10,}/);
		expect((await listJobs(ctx.deps.db))[0]).toMatchObject({ state: 'failed' });
		expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
		expect(readdirSync(path.join(ctx.dataDir, 'media'))).not.toContain(recording.id);
	});
});
