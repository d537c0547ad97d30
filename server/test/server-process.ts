import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
	/** http://127.0.0.1:<port> */
	url: string;
	pid: number;
	/** What the server logged (stderr), for failure messages. */
	log: string[];
	/** SIGTERM (a clean shutdown), SIGKILL after 10 s; resolves once the process is gone. */
	stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of live) child.kill('SIGKILL');
});

/**
 * The real server entry (`node --import tsx server/index.ts`, as `npm start` runs it) in a child
 * process on 127.0.0.1 and a free port, configured by `env` on top of quiet defaults (no demo,
 * one ingest worker). Resolves once it says where it listens.
 *
 * @example
 * const a = await startServerProcess({ FANGYAN_DATA_DIR: dir, DATABASE_URL: url });
 * await fetch(`${a.url}/api/health`);
 * await a.stop();
 */
export async function startServerProcess(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ServerProcess> {
	const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SERVER_ENTRY], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'ignore', 'pipe'],
		env: {
			PATH: process.env.PATH ?? '',
			HOME: process.env.HOME ?? '',
			...(process.env.FFMPEG_PATH ? { FFMPEG_PATH: process.env.FFMPEG_PATH } : {}),
			...(process.env.FFPROBE_PATH ? { FFPROBE_PATH: process.env.FFPROBE_PATH } : {}),
			HOST: '127.0.0.1',
			PORT: '0',
			FANGYAN_DEMO: '0',
			FANGYAN_WORKERS: '1',
			LOG_LEVEL: 'info',
			...env
		}
	});
	live.add(child);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	void exited.then(() => live.delete(child));
	const log: string[] = [];
	const lines = createInterface({ input: child.stderr! });
	lines.on('line', (line) => {
		log.push(line);
		if (log.length > 500) log.shift();
	});

	const timeoutMs = options.timeoutMs ?? 60_000;
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`the server did not start within ${timeoutMs} ms:\n${log.join('\n')}`));
		}, timeoutMs);
		lines.on('line', (line) => {
			const match = / is running at (http:\/\/\S+)/.exec(line);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`the server exited with ${child.exitCode ?? child.signalCode}:\n${log.join('\n')}`));
		});
	});

	return {
		url,
		pid: child.pid!,
		log,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
			child.kill('SIGTERM');
			await exited;
			clearTimeout(kill);
		}
	};
}
