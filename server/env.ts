import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	FANGYAN_DATA_DIR: z.string().default('./data'),
	/** `postgres://…` for PostgreSQL; unset means the SQLite file <data dir>/fangyan.db. */
	DATABASE_URL: z.string().optional(),
	/** Largest accepted upload, in megabytes. */
	FANGYAN_MAX_UPLOAD_MB: z.coerce.number().positive().default(2048),
	/** Concurrent ingest jobs; defaults to the number of CPU cores. */
	FANGYAN_WORKERS: z.coerce.number().int().min(0).optional(),
	/** Load the demo project into an empty database (set to 0 to start empty). */
	FANGYAN_DEMO: z.enum(['0', '1']).default('1'),
	/**
	 * How many reverse proxies stand in front of the server; 0 ignores X-Forwarded-For. With n, the
	 * client address (for the sign-in slow-down) is the one the outermost of them saw.
	 */
	FANGYAN_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
	FFMPEG_PATH: z.string().optional(),
	FFPROBE_PATH: z.string().optional(),
	LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')
});

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	databaseUrl: string;
	maxUploadBytes: number;
	workers: number;
	loadDemo: boolean;
	/** Reverse proxies in front of the server whose X-Forwarded-For entries are believed. */
	trustProxyHops: number;
	ffmpegPath?: string;
	ffprobePath?: string;
	logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

/** Parses process.env once at start; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const parsed = envSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new Error(`Invalid environment:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const dataDir = path.resolve(e.FANGYAN_DATA_DIR);
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir,
		databaseUrl: e.DATABASE_URL || path.join(dataDir, 'fangyan.db'),
		maxUploadBytes: Math.round(e.FANGYAN_MAX_UPLOAD_MB * 1024 * 1024),
		workers: e.FANGYAN_WORKERS ?? os.availableParallelism(),
		loadDemo: e.FANGYAN_DEMO === '1',
		trustProxyHops: e.FANGYAN_TRUST_PROXY,
		ffmpegPath: e.FFMPEG_PATH,
		ffprobePath: e.FFPROBE_PATH,
		logLevel: e.LOG_LEVEL
	};
}
