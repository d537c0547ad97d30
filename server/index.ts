import { mkdirSync } from 'node:fs';
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
import { startScratch } from './storage/scratch.ts';

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
	// Other servers may share the data directory: only scratch folders of stopped processes go.
	const scratch = await startScratch(storage, { log });

	const handle = createDb({ url: config.databaseUrl });
	let housekeeping: ReturnType<typeof startHousekeeping> | undefined;
	let pool: Awaited<ReturnType<typeof startWorkerPool>> | undefined;
	let deps: Deps;
	let server: ReturnType<typeof serve>;
	try {
		await migrateToLatest(handle.db, { log: (line) => log.info(line) });
		deps = {
			db: handle.db,
			dbKind: handle.kind,
			config,
			storage,
			media,
			log,
			loginThrottle: createLoginThrottle(),
			notifyJobs: () => {}
		};
		housekeeping = startHousekeeping(deps);

		// A fresh install opens on the demo project (FANGYAN_DEMO=0 starts empty).
		if (config.loadDemo) await loadDemoIfEmpty(deps);

		// Ingest runs in a bounded pool (config.workers) fed from the job table; jobs left running by a
		// dead process are requeued first, and deps.notifyJobs wakes the pool after each import.
		pool = await startWorkerPool(deps);

		const app = createApp(deps, { staticDir: options.staticDir ?? BUILD_DIR });
		server = await new Promise<ReturnType<typeof serve>>((resolve) => {
			const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
		});
	} catch (err) {
		await pool?.stop();
		await housekeeping?.stop();
		await scratch.stop();
		await handle.close();
		throw err;
	}
	const { port } = server.address() as AddressInfo;
	const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
	const url = `http://${host}:${port}`;

	return {
		url,
		deps,
		close: async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
			await pool!.stop();
			await housekeeping!.stop();
			await scratch.stop();
			await handle.close();
		}
	};
}

const HOUSEKEEPING_MS = 10 * 60_000;

/**
 * Deletes expired sessions and idle sign-in counts now and every ten minutes. Every server does
 * it; the deletes are idempotent, so several servers doing it at once only repeat each other.
 */
function startHousekeeping(deps: Deps) {
	let running: Promise<void> | undefined;
	const run = () =>
		(running ??= (async () => {
			try {
				await deleteExpiredSessions(deps.db);
				await deps.loginThrottle.cleanup(deps.db);
			} catch (err) {
				deps.log.warn('housekeeping failed', err);
			} finally {
				running = undefined;
			}
		})());
	void run();
	const timer = setInterval(() => void run(), HOUSEKEEPING_MS);
	timer.unref();
	return {
		async stop() {
			clearInterval(timer);
			await running;
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
