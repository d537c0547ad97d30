/**
 * The real server in a child process, for the benchmarks: configured by environment like `npm start`,
 * it prints one JSON line `{"url": …}` when listening and stops when its stdin closes (the bench
 * process ended, however it ended) or on SIGTERM.
 */
import { loadConfig } from '../../server/env.ts';
import { startServer } from '../../server/index.ts';

// BENCH_STATIC_DIR: the bench's private copy of build/ (see snapshotBuild).
const staticDir = process.env.BENCH_STATIC_DIR || undefined;
const running = await startServer(loadConfig(process.env), { staticDir });
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	await running.close().catch(() => {});
	process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
