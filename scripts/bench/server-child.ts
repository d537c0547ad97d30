/**
 * The real server in a child process, for the benchmarks: configured by environment like `npm start`,
 * it prints one JSON line `{"url": …}` when listening and stops when its stdin closes (the bench
 * process ended, however it ended) or on SIGTERM.
 *
 * BENCH_STATIC_DIR serves the bench's private copy of build/ (see snapshotBuild);
 * BENCH_CPU_PROFILE=<file.cpuprofile> records a CPU profile of the server until it stops, to see
 * where a request's time goes (open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../../server/env.ts';
import { startServer } from '../../server/index.ts';

const profileFile = process.env.BENCH_CPU_PROFILE;
const inspector = profileFile ? new Session() : undefined;
if (inspector) {
	inspector.connect();
	await inspector.post('Profiler.enable');
	await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
	await inspector.post('Profiler.start');
}

const staticDir = process.env.BENCH_STATIC_DIR || undefined;
const running = await startServer(loadConfig(process.env), { staticDir });
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	if (inspector && profileFile) {
		const { profile } = await inspector.post('Profiler.stop');
		writeFileSync(profileFile, JSON.stringify(profile));
	}
	await running.close().catch(() => {});
	process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
