import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, openApiDocumentOf } from '../app.ts';
import { createLoginThrottle, type LoginThrottle } from '../auth/login-throttle.ts';
import { SESSION_COOKIE } from '../auth/auth.middleware.ts';
import { hashPassword } from '../auth/password.ts';
import { createSession } from '../auth/sessions.repository.ts';
import type { DbKind } from '../db/connection.ts';
import { upsertMember } from '../access/members.repository.ts';
import { PROJECT_ROLES, type ProjectRole, type Role } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { loadConfig, type Config } from '../env.ts';
import { createLogger } from '../lib/logger.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { createStorage } from '../storage/paths.ts';
import { insertUser } from '../users/users.repository.ts';
import { createContractChecker, type ContractChecker } from './contract.ts';
import { createTestDb } from './db.ts';

const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
let passwordHashOnce: Promise<string> | undefined;

export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
	id: string;
	email: string;
	cookie: string;
	/** The project role createUser was given, if any. */
	projectRole?: ProjectRole;
}

export interface TestContext {
	deps: Deps;
	app: ReturnType<typeof createApp>;
	dataDir: string;
	/**
	 * Calls the app in-process, as `cookie`'s user when given. Every /api answer is checked against
	 * the OpenAPI document (server/test/contract.ts): a status the operation does not list, or a
	 * body that does not match its schema, fails the test that made the call.
	 */
	request(pathname: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
	/** JSON shorthand: method + body, as `cookie`'s user. */
	json(method: string, pathname: string, body?: unknown, cookie?: string): Promise<Response>;
	/**
	 * Inserts an active user with TEST_PASSWORD and returns a session cookie for it. Given a project
	 * role ('transcriber'…), the user is a `member` who holds that role in the projects
	 * addMember() puts them in.
	 */
	createUser(role: Role | ProjectRole, email?: string): Promise<TestUser>;
	/** Makes `user` a member of the project, with `role` or else the project role they were created with. */
	addMember(projectId: string, user: { id: string; projectRole?: ProjectRole }, role?: ProjectRole): Promise<void>;
	close(): Promise<void>;
}

/**
 * A real app over a real database (SQLite file or PostgreSQL schema) and a throwaway data directory.
 *
 * @example
 * const ctx = await createTestContext('sqlite');
 * const admin = await ctx.createUser('admin');
 * const res = await ctx.json('POST', '/api/projects', { name: 'Hakka' }, admin.cookie);
 */
export async function createTestContext(
	kind: DbKind,
	options: { config?: Partial<Config>; loginThrottle?: LoginThrottle } = {}
): Promise<TestContext> {
	const handle = await createTestDb(kind);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-data-'));
	const config: Config = { ...loadConfig({ FANGYAN_DATA_DIR: dataDir, LOG_LEVEL: 'error' }), ...options.config };
	const deps: Deps = {
		db: handle.db,
		dbKind: handle.kind,
		config,
		storage: createStorage(dataDir),
		media,
		log: createLogger(config.logLevel),
		loginThrottle: options.loginThrottle ?? createLoginThrottle({ baseDelayMs: 0 }),
		notifyJobs: () => {}
	};
	const app = createApp(deps);
	let contract: Promise<ContractChecker> | undefined;

	const request = async (pathname: string, init: RequestInit & { cookie?: string } = {}) => {
		const headers = new Headers(init.headers);
		if (init.cookie) headers.set('cookie', init.cookie);
		const res = await app.request(pathname, { ...init, headers });
		const url = new URL(pathname, 'http://localhost');
		if (url.pathname.startsWith('/api/')) {
			contract ??= openApiDocumentOf(app).then(createContractChecker);
			await (await contract).check(init.method ?? 'GET', url.pathname, res);
		}
		return res;
	};

	let counter = 0;
	return {
		deps,
		app,
		dataDir,
		request,
		json: (method, pathname, body, cookie) =>
			request(pathname, {
				method,
				cookie,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body)
			}),
		async createUser(role, email) {
			passwordHashOnce ??= hashPassword(TEST_PASSWORD);
			const projectRole = (PROJECT_ROLES as readonly string[]).includes(role) ? (role as ProjectRole) : undefined;
			const user = await insertUser(handle.db, {
				email: email ?? `${role}${++counter}@example.test`,
				name: `Test ${role}`,
				passwordHash: await passwordHashOnce,
				role: projectRole ? 'member' : (role as Role)
			});
			const { token } = await createSession(handle.db, user.id);
			return { id: user.id, email: user.email, cookie: `${SESSION_COOKIE}=${token}`, projectRole };
		},
		async addMember(projectId, user, role) {
			const given = role ?? user.projectRole;
			if (!given) throw new Error('addMember: give the project role');
			await upsertMember(handle.db, { projectId, userId: user.id, role: given, createdBy: null });
		},
		async close() {
			await handle.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** The session cookie a response set, as a `cookie` request header value. */
export function sessionCookieFrom(res: Response): string | undefined {
	const setCookie = res.headers.get('set-cookie') ?? '';
	const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie);
	return match ? `${SESSION_COOKIE}=${match[1]}` : undefined;
}
