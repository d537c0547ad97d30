import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_CHILD = fileURLToPath(new URL('../server-child.ts', import.meta.url));

/**
 * `node --import tsx <script>`: one Node process (tsx's own CLI would put a second one in front,
 * which would count in memory samples and sit between taskset and the server).
 */
export function tsxNodeArgs(script: string, args: string[] = []): string[] {
	return ['--import', import.meta.resolve('tsx'), script, ...args];
}

export interface ServerChild {
	url: string;
	pid: number;
	/** Lines the server wrote to stderr (its log), for a failure message. */
	log: string[];
	stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Whatever ends the bench, its servers end with it (they also watch their stdin).
process.once('exit', () => {
	for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts the real server (server/index.ts startServer) in a child process on 127.0.0.1 and a free
 * port, over `dataDir` with its SQLite database unless DATABASE_URL is given in `env`.
 */
export async function startServerChild(options: {
	dataDir: string;
	env?: Record<string, string>;
	/** Run the child on this CPU only (taskset), e.g. to keep it off the load generator's core. */
	cpu?: number;
	timeoutMs?: number;
}): Promise<ServerChild> {
	const nodeArgs = tsxNodeArgs(SERVER_CHILD);
	const command = options.cpu === undefined ? process.execPath : 'taskset';
	const args = options.cpu === undefined ? nodeArgs : ['-c', String(options.cpu), process.execPath, ...nodeArgs];
	const child = spawn(command, args, {
		stdio: ['pipe', 'pipe', 'pipe'],
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: '0',
			FANGYAN_DATA_DIR: options.dataDir,
			FANGYAN_DEMO: '0',
			LOG_LEVEL: 'warn',
			...options.env
		}
	});
	live.add(child);
	const log: string[] = [];
	createInterface({ input: child.stderr! }).on('line', (line) => {
		log.push(line);
		if (log.length > 200) log.shift();
	});
	const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start within ${options.timeoutMs ?? 60_000} ms:\n${log.join('\n')}`)), options.timeoutMs ?? 60_000);
		createInterface({ input: child.stdout! }).once('line', (line) => {
			clearTimeout(timer);
			try {
				resolve(JSON.parse(line) as { url: string; pid: number });
			} catch {
				reject(new Error(`unexpected server output: ${line}`));
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${log.join('\n')}`));
		});
	});
	return {
		url: ready.url,
		pid: ready.pid,
		log,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) {
					live.delete(child);
					return resolve();
				}
				const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
				child.once('exit', () => {
					clearTimeout(kill);
					live.delete(child);
					resolve();
				});
				child.stdin!.end();
			})
	};
}
