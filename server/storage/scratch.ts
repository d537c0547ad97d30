import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../lib/logger.ts';
import type { Storage } from './paths.ts';

/** Rewritten every heartbeatMs inside a live process's scratch folder. */
export const HEARTBEAT_FILE = '.heartbeat';

export const DEFAULT_SCRATCH_HEARTBEAT_MS = 30_000;
/** Far above the heartbeat: only a process that is gone (or frozen this long) loses its folder. */
export const DEFAULT_SCRATCH_STALE_MS = 10 * 60_000;

export interface ScratchOptions {
	heartbeatMs?: number;
	staleMs?: number;
	log?: Logger;
}

export interface Scratch {
	/** Rewrites this process's heartbeat (recreating its folder if something removed it). */
	beat(): Promise<void>;
	/** Removes other processes' stale scratch folders and stray files; resolves to their names. */
	sweep(): Promise<string[]>;
	/** Stops the heartbeat and removes this process's folder (call once its work has stopped). */
	stop(): Promise<void>;
}

/**
 * Keeps this process's scratch folder (storage.tmpDir = tmp/<instanceId>/) alive and sweeps the
 * folders of processes that are gone: at start, then with every heartbeat. Several app servers
 * (and the import command) share one data directory, so no process may empty tmp/ as a whole:
 * the others' uploads and ingest outputs are in flight there.
 *
 * A folder is stale when its heartbeat file (or, before it has one, the folder itself) was last
 * modified more than `staleMs` before our own heartbeat, just rewritten. Both times come from the
 * same clock, the file system's: on a shared NFS export the file server stamps writes, so app
 * servers on machines whose clocks disagree still agree on what is stale. Process ids are not
 * used: they mean nothing on another machine.
 *
 * @example
 * const scratch = await startScratch(storage, { log });
 * // … on shutdown, after the HTTP server and the job pool have stopped:
 * await scratch.stop();
 */
export async function startScratch(storage: Storage, options: ScratchOptions = {}): Promise<Scratch> {
	const heartbeatMs = options.heartbeatMs ?? DEFAULT_SCRATCH_HEARTBEAT_MS;
	const staleMs = options.staleMs ?? DEFAULT_SCRATCH_STALE_MS;
	const log = options.log;
	const heartbeat = path.join(storage.tmpDir, HEARTBEAT_FILE);
	const startedAt = new Date().toISOString();

	const beat = async () => {
		await mkdir(storage.tmpDir, { recursive: true });
		// Written, not utime'd: a write is stamped by the file server's clock on NFS.
		const owner = { host: os.hostname(), pid: process.pid, startedAt, beatAt: new Date().toISOString() };
		await writeFile(heartbeat, `${JSON.stringify(owner)}\n`);
	};

	const sweep = async () => {
		const now = (await stat(heartbeat)).mtimeMs;
		const swept: string[] = [];
		for (const name of await readdir(storage.tmpRoot).catch(() => [] as string[])) {
			if (name === storage.instanceId) continue;
			const entry = path.join(storage.tmpRoot, name);
			try {
				const info = await stat(entry);
				const lastSign = info.isDirectory()
					? ((await stat(path.join(entry, HEARTBEAT_FILE)).catch(() => undefined)) ?? info).mtimeMs
					: info.mtimeMs;
				if (now - lastSign <= staleMs) continue;
				await rm(entry, { recursive: true, force: true });
				swept.push(name);
			} catch (err) {
				// Another process swept it first, or its owner removed it on a clean stop.
				if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.warn(`could not sweep scratch ${entry}`, err);
			}
		}
		if (swept.length > 0) log?.info(`removed ${swept.length} stale scratch folder(s) of stopped processes: ${swept.join(', ')}`);
		return swept;
	};

	await beat();
	await sweep();

	let tick: Promise<void> | undefined;
	const timer = setInterval(() => {
		tick ??= (async () => {
			try {
				await beat();
				await sweep();
			} catch (err) {
				log?.warn('scratch heartbeat failed', err);
			} finally {
				tick = undefined;
			}
		})();
	}, heartbeatMs);
	timer.unref();

	return {
		beat,
		sweep,
		async stop() {
			clearInterval(timer);
			await tick;
			await rm(storage.tmpDir, { recursive: true, force: true });
		}
	};
}
