import type { LoginThrottle } from './auth/login-throttle.ts';
import type { Db, DbKind } from './db/connection.ts';
import type { Config } from './env.ts';
import type { Logger } from './lib/logger.ts';
import type { MediaTools } from './media/ffmpeg.ts';
import type { Storage } from './storage/paths.ts';

/** Everything a route or service needs, passed in (never imported as a singleton). */
export interface Deps {
	db: Db;
	dbKind: DbKind;
	config: Config;
	storage: Storage;
	media: MediaTools;
	log: Logger;
	loginThrottle: LoginThrottle;
	/** Wakes the ingest worker pool after a job was queued; a no-op where no pool runs. */
	notifyJobs: () => void;
}
