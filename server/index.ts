import { rmSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { deleteExpiredSessions } from './auth/sessions.repository.ts';
import { createDb } from './db/connection.ts';
import { migrateToLatest } from './db/migrator.ts';
import { loadDemoIfEmpty } from './demo/load-demo.ts';
import type { Deps } from './deps.ts';
import { loadConfig, type Config } from './env.ts';
import { startWorkerPool } from './jobs/worker-pool.ts';
import { createLogger } from './lib/logger.ts';
import { resolveMediaTools } from './media/ffmpeg.ts';
import { createStorage } from './storage/paths.ts';

export const BUILD_DIR = fileURLToPath(new URL('../build', import.meta.url));

export interface RunningServer {
	url: string;
	deps: Deps;
	close(): Promise<void>;
}

/** Opens the database, migrates it, and serves the API and the built app until close(). */
export async function startServer(config: Config, options: { staticDir?: string } = {}): Promise<RunningServer> {
	const log = createLogger(config.logLevel);
	const media = resolveMediaTools({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath });
	log.info(`ffmpeg: ${media.ffmpeg} (${media.ffmpegSource}); ffprobe: ${media.ffprobe} (${media.ffprobeSource})`);

	mkdirSync(config.dataDir, { recursive: true });
	const storage = createStorage(config.dataDir);
	// Anything in tmp/ is an upload or output that a previous process did not finish.
	rmSync(storage.tmpDir, { recursive: true, force: true });
	mkdirSync(storage.tmpDir, { recursive: true });

	const handle = createDb({ url: config.databaseUrl });
	await migrateToLatest(handle.db, { log: (line) => log.info(line) });
	await deleteExpiredSessions(handle.db);

	const deps: Deps = {
		db: handle.db,
		dbKind: handle.kind,
		config,
		storage,
		media,
		log,
		loginThrottle: createLoginThrottle(),
		notifyJobs: () => {}
	};

	// A fresh install opens on the demo project (FANGYAN_DEMO=0 starts empty).
	if (config.loadDemo) await loadDemoIfEmpty(deps);

	// Ingest runs in a bounded pool (config.workers) fed from the job table; jobs left running by a
	// dead process are requeued first, and deps.notifyJobs wakes the pool after each import.
	const pool = await startWorkerPool(deps);

	const app = createApp(deps, { staticDir: options.staticDir ?? BUILD_DIR });
	const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
	});
	const { port } = server.address() as AddressInfo;
	const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
	const url = `http://${host}:${port}`;

	return {
		url,
		deps,
		close: async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
			await pool.stop();
			await handle.close();
		}
	};
}

/** Starts the server from the environment and stops it cleanly on SIGINT/SIGTERM. */
export async function main() {
	const config = loadConfig();
	const running = await startServer(config);
	running.deps.log.info(`Fangyan is running at ${running.url} (data in ${config.dataDir})`);
	const stop = async (signal: string) => {
		running.deps.log.info(`${signal}: shutting down`);
		await running.close();
		process.exit(0);
	};
	process.once('SIGINT', () => void stop('SIGINT'));
	process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((err) => {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	});
}
