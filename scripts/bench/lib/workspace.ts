import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { upsertMember } from '../../../server/access/members.repository.ts';
import { SESSION_COOKIE } from '../../../server/auth/auth.middleware.ts';
import { createLoginThrottle } from '../../../server/auth/login-throttle.ts';
import { hashPassword } from '../../../server/auth/password.ts';
import { createSession } from '../../../server/auth/sessions.repository.ts';
import { createDb, type DbHandle } from '../../../server/db/connection.ts';
import { migrateToLatest } from '../../../server/db/migrator.ts';
import type { ProjectRole, Role } from '../../../server/db/schema.ts';
import type { Deps } from '../../../server/deps.ts';
import { loadConfig } from '../../../server/env.ts';
import { createLogger } from '../../../server/lib/logger.ts';
import { resolveMediaTools } from '../../../server/media/ffmpeg.ts';
import { findProjectId } from '../../../server/projects/projects.repository.ts';
import { createProject } from '../../../server/projects/projects.service.ts';
import { createStorage } from '../../../server/storage/paths.ts';
import { insertUser } from '../../../server/users/users.repository.ts';

/**
 * A throwaway Fangyan installation for one benchmark: its own data directory and SQLite database,
 * opened with the same dependencies the server builds, plus a signed-in user and a project.
 */
export interface Workspace {
	dataDir: string;
	deps: Deps;
	handle: DbHandle;
	userId: string;
	/** `cookie` header value of the user's session. */
	cookie: string;
	projectId: string;
	/** Closes the database (so a server child can have it alone); the directory stays until remove(). */
	close(): Promise<void>;
	remove(): Promise<void>;
}

/** The dependencies the server would build over `dataDir` (its SQLite database, migrated). */
export async function openDeps(dataDir: string): Promise<{ deps: Deps; handle: DbHandle }> {
	const config = loadConfig({ FANGYAN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', FANGYAN_DEMO: '0' });
	const handle = createDb({ url: config.databaseUrl });
	await migrateToLatest(handle.db);
	const deps: Deps = {
		db: handle.db,
		dbKind: handle.kind,
		config,
		storage: createStorage(dataDir),
		media: resolveMediaTools({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath }),
		log: createLogger('warn'),
		loginThrottle: createLoginThrottle(),
		notifyJobs: () => {}
	};
	return { deps, handle };
}

/**
 * A new workspace in a temp directory, or in `dataDir` (reusing its project and recordings when it
 * holds an earlier workspace). `keep` leaves the directory in place on remove().
 */
export async function createWorkspace(options: { role?: Role | ProjectRole; dataDir?: string; keep?: boolean } = {}): Promise<Workspace> {
	const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-'));
	mkdirSync(dataDir, { recursive: true });
	const { deps, handle } = await openDeps(dataDir);
	const user = await insertUser(handle.db, {
		email: `bench-${Date.now()}@example.test`,
		name: 'Benchmark',
		passwordHash: await hashPassword(`bench-${Math.random()}`),
		role: options.role === undefined || options.role === 'admin' ? 'admin' : 'member'
	});
	const { token } = await createSession(handle.db, user.id);
	// A kept workspace (FANGYAN_BENCH_WORKSPACE) already has its project.
	const project = await createProject(handle.db, { name: 'Benchmark', slug: 'bench', createdBy: user.id });
	const projectId = project.ok ? project.project.id : await findProjectId(handle.db, 'bench');
	if (!projectId) throw new Error('could not create the benchmark project');
	// A project role is the user's role in the benchmark project.
	if (options.role && options.role !== 'admin' && options.role !== 'member') {
		await upsertMember(handle.db, { projectId, userId: user.id, role: options.role, createdBy: null });
	}
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await handle.close();
	};
	return {
		dataDir,
		deps,
		handle,
		userId: user.id,
		cookie: `${SESSION_COOKIE}=${token}`,
		projectId,
		close,
		async remove() {
			await close();
			if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
