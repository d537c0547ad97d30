import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApp } from '../app.ts';
import { createLoginThrottle } from '../auth/login-throttle.ts';
import { createDb, type DbHandle } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { loadConfig } from '../env.ts';
import { createLogger } from '../lib/logger.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { createStorage } from '../storage/paths.ts';
import { createTestDb, DB_KINDS } from '../test/db.ts';
import { parseArgs, run } from './user.ts';

const CLI = fileURLToPath(new URL('../../scripts/fangyan.mjs', import.meta.url));
const PASSWORD = '粤语 correct horse';

describe(parseArgs.name, () => {
	it.each([
		[['create', '--email', 'Ana@Example.org', '--role', 'admin'], { command: 'create', email: 'ana@example.org', role: 'admin', name: undefined }],
		[['create', '--email=b@x.org', '--role=member', '--name', '  Bo Wong '], { command: 'create', email: 'b@x.org', role: 'member', name: 'Bo Wong' }],
		[['--help'], { help: true }],
		[[], { help: true }]
	])('%j', (args, expected) => {
		expect(parseArgs(args)).toEqual(expected);
	});

	it.each([
		[['create', '--email', 'a@b.org', '--role', 'admin', '--password', 'hunter2hunter2'], /never taken from the command line/],
		[['create', '--email', 'a@b.org', '--role', 'admin', '--password=hunter2hunter2'], /never taken from the command line/],
		[['create', '--email', 'a@b.org', '--role', 'boss'], /Unknown role boss/],
		[['create', '--email', 'not-an-email', '--role', 'admin'], /Not an email/],
		[['create', '--role', 'admin'], /Give the email/],
		[['create', '--email', 'a@b.org'], /Give the role/],
		[['create', '--email'], /--email needs a value/],
		[['delete', '--email', 'a@b.org', '--role', 'admin'], /Unknown command/],
		[['create', '--email', 'a@b.org', '--role', 'admin', '--force'], /Unknown option --force/]
	])('%j is refused', (args, message) => {
		const parsed = parseArgs(args);
		expect(parsed).toHaveProperty('error');
		expect((parsed as { error: string }).error).toMatch(message);
	});
});

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

function runCli(args: string[], env: Record<string, string>, stdin: string | null): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, 'user', ...args], {
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
			stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d) => (stdout += d));
		child.stderr!.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
		if (stdin !== null) child.stdin!.end(stdin);
	});
}

describe.each(DB_KINDS)('npx fangyan user create on %s', (kind) => {
	let root: string;
	let dataDir: string;
	let handle: DbHandle;
	let env: Record<string, string>;
	let app: ReturnType<typeof createApp>;

	beforeAll(async () => {
		root = mkdtempSync(path.join(os.tmpdir(), 'fangyan-user-cli-'));
		dataDir = path.join(root, 'data');
		mkdirSync(dataDir, { recursive: true });
		if (kind === 'sqlite') {
			// The command creates and migrates the database itself; the app opens it afterwards.
			env = { FANGYAN_DATA_DIR: dataDir };
		} else {
			handle = await createTestDb('postgres');
			const url = new URL(inject('pgUrl'));
			url.searchParams.set('options', `-c search_path=${handle.schema}`);
			env = { FANGYAN_DATA_DIR: dataDir, DATABASE_URL: url.toString() };
		}
	});
	afterAll(async () => {
		await handle?.close();
		rmSync(root, { recursive: true, force: true });
	});

	function openApp() {
		if (!handle) {
			handle = createDb({ url: path.join(dataDir, 'fangyan.db') });
		}
		const config = loadConfig({ FANGYAN_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
		app = createApp({
			db: handle.db,
			dbKind: handle.kind,
			config,
			storage: createStorage(dataDir),
			media: resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH }),
			log: createLogger('error'),
			loginThrottle: createLoginThrottle({ baseDelayMs: 0 }),
			notifyJobs: () => {}
		});
		return app;
	}

	const login = (email: string, password: string) =>
		app.request('/api/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email, password })
		});

	it('creates a user from a piped password, who can then sign in', async () => {
		const result = await runCli(['create', '--email', 'Linguist@Example.org', '--role', 'member', '--name', '林老师'], env, `${PASSWORD}\n`);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/Created member linguist@example\.org \(林老师, id \w+\)/);
		expect(result.stdout).not.toContain(PASSWORD);
		// The instance's first account: the web's first-run setup closes with it.
		expect(result.stdout).toMatch(/first-run setup page is now closed, so create an admin here too/);

		openApp();
		if (kind === 'sqlite') await migrateToLatest(handle.db);
		expect(await (await app.request('/api/auth/setup')).json()).toEqual({ needsSetup: false });
		const setup = await app.request('/api/auth/setup', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'visitor@example.org', name: 'Visitor', password: 'a long enough password' })
		});
		expect(setup.status).toBe(409);
		const user = await handle.db.selectFrom('user').select('id').where('email', '=', 'linguist@example.org').executeTakeFirstOrThrow();
		expect(await handle.db.selectFrom('instance_setup').select('set_up_by').execute()).toEqual([{ set_up_by: user.id }]);
		const res = await login('linguist@example.org', PASSWORD);
		expect(res.status).toBe(200);
		expect((await res.json()).user).toMatchObject({ email: 'linguist@example.org', name: '林老师', role: 'member', isActive: true });
		expect((await login('linguist@example.org', 'wrong password')).status).toBe(401);
	});

	it('a later account leaves the setup record alone', async () => {
		const result = await runCli(['create', '--email', 'boss@example.org', '--role', 'admin'], env, `${PASSWORD}\n`);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/Created admin boss@example\.org/);
		expect(result.stdout).not.toMatch(/first-run/);
		const rows = await handle.db.selectFrom('instance_setup').innerJoin('user', 'user.id', 'instance_setup.set_up_by').select('user.email').execute();
		expect(rows).toEqual([{ email: 'linguist@example.org' }]);
	});

	it('refuses a taken email with exit code 1', async () => {
		const taken = await runCli(['create', '--email', 'linguist@example.org', '--role', 'admin'], env, `${PASSWORD}\n`);
		expect(taken.code).toBe(1);
		expect(taken.stderr).toMatch(/already exists/);
		const res = await login('linguist@example.org', PASSWORD);
		expect((await res.json()).user.role).toBe('member');
	});
});

describe('npx fangyan user create, input handling', () => {
	let dataDir: string;
	beforeAll(() => {
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-user-cli-'));
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('refuses --password with exit code 2, before reading anything', async () => {
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			expect(await run(['create', '--email', 'a@example.org', '--role', 'admin', '--password', 'hunter2hunter2'])).toBe(2);
			const written = stderr.mock.calls.map((c) => String(c[0])).join('');
			expect(written).toMatch(/never taken from the command line/);
			expect(written).toMatch(/Usage: npx fangyan user create/);
		} finally {
			stderr.mockRestore();
		}
	});

	it('refuses a short password with exit code 1', async () => {
		const result = await runCli(['create', '--email', 'short@example.org', '--role', 'admin'], { FANGYAN_DATA_DIR: dataDir }, 'too short\n');
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/at least 10 characters/);
	});

	it('exits 1 when stdin carries no password', async () => {
		const result = await runCli(['create', '--email', 'a@example.org', '--role', 'admin'], { FANGYAN_DATA_DIR: dataDir }, null);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/No password on stdin/);
	});

	// util-linux `script` (always on Debian) gives the command a pseudo-terminal.
	it('asks twice on a terminal without echoing the password', async () => {
		// Keys are typed only once a prompt shows, as a person would.
		const command = [process.execPath, CLI, 'user', 'create', '--email', 'tty@example.org', '--role', 'member']
			.map((a) => `'${a}'`)
			.join(' ');
		const child = spawn('script', ['-qec', command, '/dev/null'], {
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', FANGYAN_DATA_DIR: dataDir, TERM: 'dumb' },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let output = '';
		const typed: string[] = [];
		const secret = 'tty password 12345';
		child.stdout.on('data', (d: Buffer) => {
			output += d.toString();
			if (typed.length === 0 && output.includes('Password (at least 10 characters): ')) {
				typed.push('first');
				child.stdin.write(`${secret}\r`);
			} else if (typed.length === 1 && output.includes('Repeat the password: ')) {
				typed.push('second');
				child.stdin.write(`${secret}\r`);
			}
		});
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(typed).toEqual(['first', 'second']);
		expect(output).toMatch(/Created member tty@example\.org/);
		expect(output).not.toContain(secret);
		expect(code).toBe(0);
	});
});
