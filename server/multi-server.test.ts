import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKey } from './auth/login-throttle.ts';
import { createSession } from './auth/sessions.repository.ts';
import { hashPassword } from './auth/password.ts';
import { SESSION_COOKIE } from './auth/auth.middleware.ts';
import { createDb, type DbHandle } from './db/connection.ts';
import { resolveMediaTools } from './media/ffmpeg.ts';
import { makeTone } from './media/test-audio.ts';
import { HEARTBEAT_FILE } from './storage/scratch.ts';
import { sessionCookieFrom } from './test/context.ts';
import { createTestDatabaseUrl } from './test/db.ts';
import { startServerProcess, type ServerProcess } from './test/server-process.ts';
import { insertUser } from './users/users.repository.ts';

const PASSWORD = 'a long enough password';
const HOUR_AGO = new Date(Date.now() - 3_600_000);
/** createLoginThrottle's defaults, which the server processes run with. */
const BASE_DELAY_MS = 500;
const FREE_ATTEMPTS = 3;

async function call(server: ServerProcess, method: string, pathname: string, options: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {}) {
	const started = performance.now();
	const res = await fetch(`${server.url}${pathname}`, {
		method,
		headers: {
			...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
			...(options.cookie ? { cookie: options.cookie } : {}),
			...options.headers
		},
		body: options.body === undefined ? undefined : JSON.stringify(options.body)
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started, res };
}

/** Folders under tmp/ that a live process is beating in. */
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

function liveScratchFolders(dataDir: string) {
	const tmp = path.join(dataDir, 'tmp');
	return readdirSync(tmp).filter((name) => existsSync(path.join(tmp, name, HEARTBEAT_FILE)));
}

describe('two app servers on one PostgreSQL schema and one data directory', () => {
	let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
	let handle: DbHandle;
	let dataDir: string;
	let audioDir: string;
	let a: ServerProcess;
	let b: ServerProcess;
	let adminCookie: string;
	let adminEmail: string;
	const deadFolder = () => path.join(dataDir, 'tmp', 'dead-instance');
	// A ignores X-Forwarded-For (the default); B is told one proxy stands in front of it.
	const envA = () => ({ FANGYAN_DATA_DIR: dataDir, DATABASE_URL: database.url });
	const envB = () => ({ ...envA(), FANGYAN_TRUST_PROXY: '1' });

	beforeAll(async () => {
		database = await createTestDatabaseUrl('postgres');
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-multi-'));
		audioDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-multi-audio-'));
		// What a server that died an hour ago left behind.
		mkdirSync(deadFolder(), { recursive: true });
		writeFileSync(path.join(deadFolder(), 'upload-0123'), 'half of an upload');
		writeFileSync(path.join(deadFolder(), HEARTBEAT_FILE), '{}');
		utimesSync(path.join(deadFolder(), HEARTBEAT_FILE), HOUR_AGO, HOUR_AGO);

		// Both at once, on a schema nobody has migrated yet.
		[a, b] = await Promise.all([startServerProcess(envA()), startServerProcess(envB())]);
		handle = createDb({ url: database.url });
	});

	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		await handle?.close();
		await database?.close();
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(audioDir, { recursive: true, force: true });
	});

	it('both come up at once on a fresh schema, and the dead instance’s scratch folder is swept', async () => {
		expect((await call(a, 'GET', '/api/health')).body).toMatchObject({ status: 'ok', database: 'postgres' });
		expect((await call(b, 'GET', '/api/health')).body).toMatchObject({ status: 'ok', database: 'postgres' });
		expect(existsSync(deadFolder())).toBe(false);
		expect(liveScratchFolders(dataDir)).toHaveLength(2);
	});

	it('first-run setup spread over both servers makes exactly one admin', async () => {
		const attempts = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				call(i % 2 === 0 ? a : b, 'POST', '/api/auth/setup', { body: { email: `first${i}@example.test`, name: `First ${i}`, password: PASSWORD } })
			)
		);
		const created = attempts.filter((r) => r.status === 201);
		expect(created).toHaveLength(1);
		expect(attempts.filter((r) => r.status === 409)).toHaveLength(19);
		expect(await handle.db.selectFrom('user').select('role').execute()).toEqual([{ role: 'admin' }]);
		adminEmail = created[0].body.user.email;
		adminCookie = sessionCookieFrom(created[0].res)!;
		expect(adminCookie).toBeDefined();
	});

	it('starting a server leaves another’s upload in flight alone; the upload completes and ingests', async () => {
		const project = await call(a, 'POST', '/api/projects', { body: { name: 'Shared' }, cookie: adminCookie });
		expect(project.status).toBe(201);
		const audio = readFileSync(await makeTone(resolveMediaTools({}).ffmpeg, path.join(audioDir, 'tone.wav'), { seconds: 3 }));

		const boundary = 'fangyan-multi-server-boundary';
		const head = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tone.wav"\r\nContent-Type: audio/wav\r\n\r\n`
		);
		const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		const req = http.request(`${a.url}/api/projects/${project.body.project.id}/recordings`, {
			method: 'POST',
			headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: adminCookie }
		});
		const response = new Promise<{ status: number; body: { recording: { id: string } } }>((resolve, reject) => {
			req.on('response', (res) => {
				let text = '';
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
			});
			req.on('error', reject);
		});
		const half = Math.floor(audio.length / 2);
		req.write(Buffer.concat([head, audio.subarray(0, half)]));

		// A's scratch file holds the first half before anything else happens.
		const findUpload = () => {
			for (const folder of liveScratchFolders(dataDir)) {
				const dir = path.join(dataDir, 'tmp', folder);
				const file = readdirSync(dir).find((name) => name.startsWith('upload-'));
				if (file && statSync(path.join(dir, file)).size >= half) return { folder, file: path.join(dir, file) };
			}
			return undefined;
		};
		await expect.poll(findUpload, { timeout: 20_000 }).toBeDefined();
		const upload = findUpload()!;
		const foldersBefore = liveScratchFolders(dataDir);
		const folderOfB = foldersBefore.find((f) => f !== upload.folder)!;

		// B restarts (a deploy, a crash and restart) while A is still receiving.
		await b.stop();
		b = await startServerProcess(envB());
		expect(existsSync(upload.file)).toBe(true);
		expect(statSync(upload.file).size).toBeGreaterThanOrEqual(half);
		// The old B removed its own folder on its clean stop; the new B has one of its own.
		const foldersAfter = liveScratchFolders(dataDir);
		expect(foldersAfter).toContain(upload.folder);
		expect(foldersAfter).not.toContain(folderOfB);
		expect(foldersAfter).toHaveLength(2);

		req.end(Buffer.concat([audio.subarray(half), tail]));
		const uploaded = await response;
		expect(uploaded.status).toBe(202);
		const id = uploaded.body.recording.id;
		// Ingest runs on whichever server claims the job; both see the result.
		await expect
			.poll(async () => (await call(b, 'GET', `/api/recordings/${id}`, { cookie: adminCookie })).body.recording.state, { timeout: 60_000, interval: 200 })
			.toBe('ready');
		const seenByA = (await call(a, 'GET', `/api/recordings/${id}`, { cookie: adminCookie })).body.recording;
		expect(seenByA.state).toBe('ready');
		expect(Math.abs(seenByA.durationMs - 3000)).toBeLessThan(50);
		expect(existsSync(upload.file)).toBe(false);
	});

	it('a starting server deletes expired sessions and idle sign-in counts', async () => {
		const admin = await handle.db.selectFrom('user').select('id').executeTakeFirstOrThrow();
		const { token } = await createSession(handle.db, admin.id);
		const long = new Date(Date.now() - 86_400_000).toISOString();
		await handle.db.updateTable('session').set({ expires_at: long }).where('id', '=', hashOf(token)).execute();
		await handle.db.insertInto('login_throttle').values({ key: 'pair:idle', attempts: 7, updated_at: long }).execute();
		await b.stop();
		b = await startServerProcess(envB());
		await expect
			.poll(async () => [
				(await handle.db.selectFrom('session').select('id').where('id', '=', hashOf(token)).execute()).length,
				(await handle.db.selectFrom('login_throttle').select('key').where('key', '=', 'pair:idle').execute()).length
			], { timeout: 10_000 })
			.toEqual([0, 0]);
		// The live session is untouched.
		expect((await call(a, 'GET', '/api/auth/me', { cookie: adminCookie })).status).toBe(200);
	});

	it('a sign-out on A is refused on B on the very next request', async () => {
		const login = await call(a, 'POST', '/api/auth/login', { body: { email: adminEmail, password: PASSWORD } });
		expect(login.status).toBe(200);
		const cookie = sessionCookieFrom(login.res)!;
		expect((await call(b, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
		expect((await call(a, 'POST', '/api/auth/logout', { cookie })).status).toBe(200);
		expect((await call(b, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
		expect((await call(b, 'GET', '/api/projects', { cookie })).status).toBe(401);
	});

	it('a role change and a deactivation made in the database hold on both servers at once', async () => {
		const user = await insertUser(handle.db, { email: 'lead@example.test', name: 'Lead', passwordHash: await hashPassword(PASSWORD), role: 'admin' });
		const { token } = await createSession(handle.db, user.id);
		const cookie = `${SESSION_COOKIE}=${token}`;
		for (const server of [a, b]) expect((await call(server, 'POST', '/api/projects', { body: { name: `By lead ${server.pid}` }, cookie })).status).toBe(201);

		await handle.db.updateTable('user').set({ role: 'member' }).where('id', '=', user.id).execute();
		for (const server of [a, b]) {
			expect((await call(server, 'POST', '/api/projects', { body: { name: 'Refused' }, cookie })).status).toBe(403);
			expect((await call(server, 'GET', '/api/auth/me', { cookie })).body.user.role).toBe('member');
		}

		await handle.db.updateTable('user').set({ is_active: 0 }).where('id', '=', user.id).execute();
		for (const server of [a, b]) expect((await call(server, 'GET', '/api/projects', { cookie })).status).toBe(401);
	});

	const attempts = async (key: string) =>
		(await handle.db.selectFrom('login_throttle').select('attempts').where('key', '=', key).executeTakeFirst())?.attempts;

	it('wrong passwords through A slow down the same account and address on B', async () => {
		const wrong = (server: ServerProcess, email: string, headers: Record<string, string> = {}) =>
			call(server, 'POST', '/api/auth/login', { body: { email, password: 'wrong password!' }, headers });
		// Two more failures than are free: the next attempt waits BASE_DELAY_MS × 2².
		const failures = FREE_ATTEMPTS + 2;
		const expectedDelay = BASE_DELAY_MS * 2 ** (failures - FREE_ATTEMPTS);
		for (let i = 0; i < failures; i++) expect((await wrong(a, adminEmail)).status).toBe(401);
		const onB = await wrong(b, adminEmail);
		expect(onB.status).toBe(401);
		expect(onB.ms).toBeGreaterThanOrEqual(expectedDelay - 10);
		// The right password from the same address on B also waits (it is checked after the delay)…
		const right = await call(b, 'POST', '/api/auth/login', { body: { email: adminEmail, password: PASSWORD } });
		expect(right.status).toBe(200);
		expect(right.ms).toBeGreaterThanOrEqual(2 * expectedDelay - 10);
		// …and clears the pair for both servers: A counts the next failure as the pair's first
		// (its count, not its time, shows it: an upper bound on a time fails on a loaded machine).
		expect((await wrong(a, adminEmail)).status).toBe(401);
		expect(await attempts(pairKey({ account: adminEmail, address: '127.0.0.1' }))).toBe(1);
	});

	it('X-Forwarded-For is ignored unless the trust setting is on', async () => {
		const email = 'someone@example.test';
		const wrong = (server: ServerProcess, forwardedFor: string) =>
			call(server, 'POST', '/api/auth/login', { body: { email, password: 'wrong password!' }, headers: { 'x-forwarded-for': forwardedFor } });
		const failures = FREE_ATTEMPTS + 2;
		const expectedDelay = BASE_DELAY_MS * 2 ** (failures - FREE_ATTEMPTS);
		// A does not trust the header: however it varies, these are all 127.0.0.1's attempts.
		for (let i = 0; i < failures; i++) expect((await wrong(a, `203.0.113.${i + 1}`)).status).toBe(401);
		expect((await wrong(a, '198.51.100.60')).ms).toBeGreaterThanOrEqual(expectedDelay - 10);
		// B trusts one proxy: the header's last entry is the client, a new one, not slowed.
		const viaProxy = await wrong(b, '198.51.100.60');
		expect(viaProxy.status).toBe(401);
		expect(await attempts(pairKey({ account: email, address: '198.51.100.60' }))).toBe(1);

		const keys = new Set((await handle.db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key));
		expect(keys.has(pairKey({ account: email, address: '127.0.0.1' }))).toBe(true);
		expect(keys.has(pairKey({ account: email, address: '198.51.100.60' }))).toBe(true);
		expect(keys.has(pairKey({ account: email, address: '203.0.113.1' }))).toBe(false);
	});
});
