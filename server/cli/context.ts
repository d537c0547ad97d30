import { createDb, type DbHandle } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import type { Deps } from '../deps.ts';
import { loadConfig } from '../env.ts';
import { createLoginThrottle } from '../auth/login-throttle.ts';
import { createLogger } from '../lib/logger.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { createStorage } from '../storage/paths.ts';
import { startScratch } from '../storage/scratch.ts';

/** The same dependencies the server builds, for a command-line run; close() when done. */
export async function openCliDeps(): Promise<{ deps: Deps; handle: DbHandle; close(): Promise<void> }> {
	const config = loadConfig();
	const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
	const storage = createStorage(config.dataDir);
	// Servers may be running on this data directory: the command keeps a scratch folder of its own.
	const scratch = await startScratch(storage, { log });
	const handle = createDb({ url: config.databaseUrl });
	await migrateToLatest(handle.db);
	const deps: Deps = {
		db: handle.db,
		dbKind: handle.kind,
		config,
		storage,
		media: resolveMediaTools({ ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath }),
		log,
		loginThrottle: createLoginThrottle(),
		notifyJobs: () => {}
	};
	return {
		deps,
		handle,
		close: async () => {
			await scratch.stop();
			await handle.close();
		}
	};
}
