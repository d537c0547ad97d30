import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/connection.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { SegmentDto } from './segments.mapper.ts';
import { findSegment } from './segments.repository.ts';
import { insertTestRecording } from './test-fixtures.ts';

const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
const WORKER = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url));

async function setUp(ctx: TestContext) {
	const admin = await ctx.createUser('admin');
	const res = await ctx.json('POST', '/api/projects', { name: `Concurrency ${Math.random()}`, slug: undefined }, admin.cookie);
	const projectId = (await res.json()).project.id as string;
	const recordingId = (await insertTestRecording(ctx.deps.db, { projectId, durationMs: 3_600_000 })).id;
	const create = async (startMs: number): Promise<SegmentDto> => {
		const r = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs, endMs: startMs + 500 }, admin.cookie);
		expect(r.status).toBe(201);
		return (await r.json()).segment;
	};
	return { admin, projectId, recordingId, create };
}

async function count(db: Db, table: 'segment' | 'segment_revision', where: { column: 'recording_id' | 'segment_id'; value: string }) {
	const row = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where(where.column, '=', where.value)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

describe.each(DB_KINDS)('concurrent saves through the API on %s', (kind) => {
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext(kind);
	});
	afterAll(() => ctx.close());

	it('100 concurrent PATCHes: each distinct segment saves, one writer wins a shared version, the rest get 409', async () => {
		const { admin, create } = await setUp(ctx);
		const distinct = await Promise.all(Array.from({ length: 50 }, (_, i) => create(i * 1000)));
		const hot = await create(100_000);

		const patch = (id: string, text: string) =>
			ctx.json('PATCH', `/api/segments/${id}`, { version: 1, texts: { transcript: text } }, admin.cookie);
		const responses = await Promise.all([
			...distinct.map((s, i) => patch(s.id, `distinct ${i}`)),
			...Array.from({ length: 50 }, (_, i) => patch(hot.id, `hot ${i}`))
		]);
		const bodies = await Promise.all(responses.map((r) => r.json()));
		const statuses = responses.map((r) => r.status);
		expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
		const hotStatuses = statuses.slice(50);
		expect(hotStatuses.filter((s) => s === 200)).toHaveLength(1);
		expect(hotStatuses.filter((s) => s === 409)).toHaveLength(49);

		const winner = bodies[50 + hotStatuses.indexOf(200)].segment as SegmentDto;
		for (const [i, body] of bodies.slice(50).entries()) {
			if (hotStatuses[i] === 409) {
				expect(body.error.code).toBe('version_conflict');
				expect(body.segment).toEqual(winner);
			}
		}
		for (const [i, s] of distinct.entries()) {
			expect(bodies[i].segment).toMatchObject({ id: s.id, version: 2, texts: { transcript: `distinct ${i}` } });
			expect(await count(ctx.deps.db, 'segment_revision', { column: 'segment_id', value: s.id })).toBe(2);
		}
		expect(winner.version).toBe(2);
		expect(await count(ctx.deps.db, 'segment_revision', { column: 'segment_id', value: hot.id })).toBe(2);
	});

	it('50 clients retrying on 409 serialise into 50 versions with one revision each', async () => {
		const { admin, create } = await setUp(ctx);
		const hot = await create(0);
		let conflicts = 0;
		const client = async (n: number) => {
			let version = 1;
			for (;;) {
				const res = await ctx.json('PATCH', `/api/segments/${hot.id}`, { version, texts: { transcript: `client ${n}` } }, admin.cookie);
				const body = await res.json();
				if (res.status === 200) return body.segment.version as number;
				expect(res.status).toBe(409);
				conflicts++;
				version = body.segment.version;
			}
		};
		const versions = await Promise.all(Array.from({ length: 50 }, (_, n) => client(n)));
		expect(new Set(versions).size).toBe(50);
		expect(Math.max(...versions)).toBe(51);
		expect(conflicts).toBeGreaterThan(0);

		const revisions = (await (await ctx.json('GET', `/api/segments/${hot.id}/revisions`, undefined, admin.cookie)).json()).revisions;
		expect(revisions).toHaveLength(51);
		expect(revisions.map((r: { version: number }) => r.version)).toEqual(Array.from({ length: 51 }, (_, i) => 51 - i));
		// Each revision's before is exactly the previous revision's after: no lost update.
		for (let i = 0; i < revisions.length - 1; i++) {
			expect(revisions[i].before).toEqual(revisions[i + 1].after);
		}
	});
});

describe('concurrent writers never see "database is locked"', () => {
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext('sqlite');
	});
	afterAll(() => ctx.close());

	it('three processes and the server write to one SQLite file at once', async () => {
		const { admin, recordingId, create } = await setUp(ctx);
		const hot = await create(3_000_000);
		const rows = await sql<{ file: string }>`pragma database_list`.execute(ctx.deps.db);
		const file = rows.rows[0].file;
		expect(file).toMatch(/\.db$/);

		const PER_WRITER = 150;
		const workers = ['w1', 'w2', 'w3'].map((label) => {
			const child = spawn(process.execPath, [TSX_CLI, WORKER, file, recordingId, hot.id, label, String(PER_WRITER), admin.id], {
				stdio: ['pipe', 'pipe', 'pipe']
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d) => (stdout += d));
			child.stderr.on('data', (d) => (stderr += d));
			const ready = new Promise<void>((resolve, reject) => {
				const check = () => (stdout.includes('ready\n') ? resolve() : undefined);
				child.stdout.on('data', check);
				child.once('exit', (code) => reject(new Error(`${label} exited early (${code}): ${stderr}`)));
			});
			const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
				child.once('exit', (code) => resolve({ code, stdout, stderr }))
			);
			return { child, ready, done };
		});
		await Promise.all(workers.map((w) => w.ready));
		for (const w of workers) w.child.stdin.end('go\n');

		// Meanwhile this process writes through the app: creates and updates of the same hot segment.
		let mine = 0;
		let myConflicts = 0;
		for (let i = 0; i < PER_WRITER; i++) {
			const res = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs: 2_000_000 + i * 10, endMs: 2_000_000 + i * 10 + 5 }, admin.cookie);
			expect(res.status).toBe(201);
			for (;;) {
				const current = (await findSegment(ctx.deps.db, hot.id))!;
				const patch = await ctx.json('PATCH', `/api/segments/${hot.id}`, { version: current.version, texts: { transcript: `main ${i}` } }, admin.cookie);
				if (patch.status === 200) break;
				expect(patch.status).toBe(409);
				myConflicts++;
			}
			mine++;
		}

		const results = await Promise.all(workers.map((w) => w.done));
		for (const r of results) {
			expect(r.stderr).not.toMatch(/locked|SQLITE_BUSY/i);
			expect(r.code, r.stderr).toBe(0);
		}
		const summaries = results.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!));
		for (const s of summaries) expect(s).toMatchObject({ created: PER_WRITER, hotUpdates: PER_WRITER });
		// The writers really interleaved: some read a version another process then moved past.
		expect(myConflicts + summaries.reduce((n, s) => n + s.conflicts, 0)).toBeGreaterThan(0);

		const writers = workers.length + 1;
		expect(mine).toBe(PER_WRITER);
		// Every create and every update landed exactly once: 1 hot + 1 per create; versions add up.
		expect(await count(ctx.deps.db, 'segment', { column: 'recording_id', value: recordingId })).toBe(1 + writers * PER_WRITER);
		const hotNow = await ctx.deps.db.selectFrom('segment').select('version').where('id', '=', hot.id).executeTakeFirstOrThrow();
		expect(Number(hotNow.version)).toBe(1 + writers * PER_WRITER);
		expect(await count(ctx.deps.db, 'segment_revision', { column: 'segment_id', value: hot.id })).toBe(1 + writers * PER_WRITER);
		expect(await count(ctx.deps.db, 'segment_revision', { column: 'recording_id', value: recordingId })).toBe(
			1 + writers * PER_WRITER + writers * PER_WRITER
		);
	});
});
