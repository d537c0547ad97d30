import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createSession } from '../../../server/auth/sessions.repository.ts';
import { SESSION_COOKIE } from '../../../server/auth/auth.middleware.ts';
import { hashPassword } from '../../../server/auth/password.ts';
import { createDb } from '../../../server/db/connection.ts';
import { migrateToLatest } from '../../../server/db/migrator.ts';
import type { NewTask } from '../../../server/db/schema.ts';
import { newId, nowIso } from '../../../server/lib/ids.ts';
import { createProject } from '../../../server/projects/projects.service.ts';
import { insertTasks } from '../../../server/tasks/tasks.repository.ts';
import type { BenchGroup } from '../lib/group.ts';
import { requestJson } from '../lib/http.ts';
import { startServerChild, type ServerChild } from '../lib/server.ts';
import { percentile, round } from '../lib/stats.ts';

const CLAIMERS = 1000;
const TASKS = 20_000;
const SERVERS = 4;
const RECORDINGS = 200;
/** Each claimer works on its task for a random 0–THINK_MS before submitting and claiming again. */
const THINK_MS = 4000;
/** The run stops here even if the queue is not drained (a loaded machine); the note says how far it got. */
const MAX_RUN_MS = Number(process.env.BENCH_CLAIMS_MAX_S ?? 120) * 1000;

type Claim = { task: { id: string } | null; resumed: boolean };

/**
 * "Next task" under a crowd (issue 8): 1,000 claimers against several real app servers on one
 * PostgreSQL database draining 20,000 tasks. Each claimer loops: claim, work a random while, submit;
 * until the queue is empty. Duplicates are counted twice over: task ids handed to two claimers, and
 * tasks with more than one claim event in the database.
 */
export const claimsGroup: BenchGroup = {
	name: 'claims',
	title: `Next task: ${CLAIMERS} concurrent claimers, ${SERVERS} app servers, one PostgreSQL, ${TASKS} tasks`,
	async run(ctx) {
		const notes: string[] = [];
		const base = process.env.TEST_DATABASE_URL || process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
		const schema = `bench_claims_${Date.now().toString(36)}`;
		await adminQuery(base, `create schema ${schema}`);
		const url = new URL(base);
		url.searchParams.set('options', `-c search_path=${schema}`);
		const dataDirs: string[] = [];
		const servers: ServerChild[] = [];
		const handle = createDb({ url: base, schema, poolSize: 5 });
		const agent = new http.Agent({ keepAlive: true, maxSockets: CLAIMERS });
		try {
			await migrateToLatest(handle.db, { schema });
			const db = handle.db;
			const hash = await hashPassword('bench claims');
			const now = nowIso();
			const users = Array.from({ length: CLAIMERS }, (_, i) => ({
				id: newId(),
				email: `claimer${i}@bench.test`,
				name: `Claimer ${i}`,
				password_hash: hash,
				role: 'member' as const,
				is_active: 1 as const,
				settings: '{}',
				created_at: now,
				updated_at: now
			}));
			for (let i = 0; i < users.length; i += 500) await db.insertInto('user').values(users.slice(i, i + 500)).execute();
			const cookies = await Promise.all(users.map(async (u) => `${SESSION_COOKIE}=${(await createSession(db, u.id)).token}`));
			const project = await createProject(db, { name: 'Claims', slug: 'claims', createdBy: null });
			if (!project.ok) throw new Error('could not create the project');
			const projectId = project.project.id;
			// Every claimer is a transcriber of the project (server/access/).
			for (let i = 0; i < users.length; i += 500) {
				await db
					.insertInto('project_member')
					.values(users.slice(i, i + 500).map((u) => ({ project_id: projectId, user_id: u.id, role: 'transcriber' as const, created_at: now, created_by: null })))
					.execute();
			}
			const recordings = Array.from({ length: RECORDINGS }, (_, i) => ({
				id: newId(),
				project_id: projectId,
				name: `r${i}.wav`,
				sha256: i.toString(16).padStart(64, '0'),
				original_ext: 'wav',
				original_size: 1,
				format_name: 'wav',
				codec: 'pcm_s16le',
				duration_ms: 10 * 3600 * 1000,
				sample_rate: 16000,
				channels: 1,
				speaker_id: null,
				place: null,
				metadata: '{}',
				state: 'ready' as const,
				error: null,
				created_by: null,
				created_at: now,
				updated_at: now
			}));
			await db.insertInto('recording').values(recordings).execute();
			const perRecording = TASKS / RECORDINGS;
			const tasks: NewTask[] = [];
			for (let t = 0; t < TASKS; t++) {
				const r = recordings[t % RECORDINGS];
				const k = Math.floor(t / RECORDINGS);
				tasks.push({
					id: newId(),
					project_id: projectId,
					recording_id: r.id,
					window_id: newId(),
					start_ms: k * 180_000,
					end_ms: k * 180_000 + 185_000,
					priority: t % 10 === 0 ? 1 : 0,
					assignee_id: null,
					reviewer_id: null,
					lease_expires_at: null,
					gold_source_id: null,
					gold_errors: null,
					gold_ref_length: null,
					created_at: new Date(Date.parse(now) + t).toISOString(),
					updated_at: now,
					claimed_at: null,
					submitted_at: null,
					accepted_at: null
				});
			}
			await insertTasks(db, tasks);
			await sql`analyze`.execute(db);
			notes.push(`${perRecording} windows on each of ${RECORDINGS} recordings; one task in ten has priority 1`);

			for (let i = 0; i < SERVERS; i++) {
				const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-claims-'));
				dataDirs.push(dataDir);
				servers.push(await startServerChild({ dataDir, env: { DATABASE_URL: url.toString(), FANGYAN_WORKERS: '0' } }));
			}
			ctx.log(`claims: ${SERVERS} servers up, ${CLAIMERS} claimers draining ${TASKS} tasks`);

			const latencies: number[] = [];
			const handed = new Map<string, number>();
			let errors = 0;
			let submitErrors = 0;
			const began = performance.now();
			const resets = { n: 0 };
			const claimer = async (i: number) => {
				const server = servers[i % SERVERS].url;
				const cookie = cookies[i];
				// Spread the start over the first think time, as people arrive.
				await sleep(Math.random() * THINK_MS);
				while (performance.now() - began < MAX_RUN_MS) {
					const started = performance.now();
					const res = await send<Claim>(agent, `${server}/api/projects/${projectId}/tasks/next`, { method: 'POST', cookie }, resets);
					const ms = performance.now() - started;
					if (res.status !== 200) {
						errors++;
						if (errors > 100) throw new Error(`claims failing: ${res.status} ${JSON.stringify(res.body)}`);
						continue;
					}
					if (!res.body.task) return;
					latencies.push(ms);
					if (!res.body.resumed) handed.set(res.body.task.id, (handed.get(res.body.task.id) ?? 0) + 1);
					await sleep(Math.random() * THINK_MS);
					const done = await send(agent, `${server}/api/tasks/${res.body.task.id}/transitions`, { method: 'POST', cookie, body: { action: 'submit' } }, resets);
					if (done.status !== 200) submitErrors++;
				}
			};
			await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => claimer(i)));
			const seconds = (performance.now() - began) / 1000;

			const duplicatesHanded = [...handed.values()].filter((n) => n > 1).length;
			const dbDuplicates = await db
				.selectFrom('task_event')
				.select('task_id')
				.where('action', '=', 'claim')
				.groupBy('task_id')
				.having((eb) => eb.fn.countAll(), '>', 1)
				.execute();
			const remaining = await db.selectFrom('task').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '<>', 'submitted').executeTakeFirstOrThrow();
			if (Number(remaining.n) > 0) notes.push(`NOT DRAINED: stopped after ${MAX_RUN_MS / 1000} s (BENCH_CLAIMS_MAX_S) with ${Number(remaining.n)} tasks left`);
			const p99 = percentile(latencies, 99);
			notes.push(
				`${latencies.length} claims in ${seconds.toFixed(1)} s (think time 0–${THINK_MS} ms between claim and submit); p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
					`p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ${errors} failed claims, ${submitErrors} failed submits; ${Number(remaining.n)} tasks not submitted at the end`
			);
			notes.push(`duplicates: ${duplicatesHanded} task ids handed to two claimers, ${dbDuplicates.length} tasks with two claim events`);
			notes.push(`${resets.n} requests sent again after a reset kept-alive socket`);
			notes.push(`${SERVERS} server processes share ${ctx.cpuCount} CPUs with PostgreSQL and this load generator`);
			return {
				figures: {
					claim_p99_ms_1000c: round(p99, 2),
					claims_per_s_1000c: round(latencies.length / seconds, 0),
					claim_duplicates: duplicatesHanded + dbDuplicates.length,
					claim_p50_ms_1000c: round(percentile(latencies, 50), 2)
				},
				notes
			};
		} finally {
			agent.destroy();
			await Promise.all(servers.map((s) => s.stop()));
			await handle.close();
			for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
			await adminQuery(base, `drop schema if exists ${schema} cascade`).catch(() => {});
		}
	}
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * requestJson, sent again when a kept-alive socket was closed under it (the server's keep-alive
 * timeout racing a reuse): nothing reached the server, so nothing is claimed twice by it.
 */
async function send<T>(agent: http.Agent, url: string, options: Parameters<typeof requestJson>[2], resets: { n: number }) {
	for (let attempt = 0; ; attempt++) {
		try {
			return await requestJson<T>(agent, url, options);
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET' || attempt >= 3) throw err;
			resets.n++;
		}
	}
}

async function adminQuery(url: string, text: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}
