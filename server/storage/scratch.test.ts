import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from './paths.ts';
import { HEARTBEAT_FILE, startScratch, type Scratch } from './scratch.ts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Another process's scratch folder with a file in it; `beatAt` is its heartbeat's time. */
function otherFolder(storage: Storage, name: string, beatAt: Date | null) {
	const dir = path.join(storage.tmpRoot, name);
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'upload-abc'), 'half an upload');
	if (beatAt) {
		writeFileSync(path.join(dir, HEARTBEAT_FILE), '{}');
		utimesSync(path.join(dir, HEARTBEAT_FILE), beatAt, beatAt);
	} else {
		utimesSync(dir, HOUR_AGO, HOUR_AGO);
	}
	return dir;
}

describe(startScratch.name, () => {
	let root: string;
	let storage: Storage;
	const running: Scratch[] = [];
	beforeEach(() => {
		root = mkdtempSync(path.join(os.tmpdir(), 'fangyan-scratch-'));
		storage = createStorage(root);
	});
	afterEach(async () => {
		for (const s of running.splice(0)) await s.stop();
		rmSync(root, { recursive: true, force: true });
	});
	const start = async (s: Storage, options: Parameters<typeof startScratch>[1] = {}) => {
		const scratch = await startScratch(s, options);
		running.push(scratch);
		return scratch;
	};

	it('keeps live processes’ folders and sweeps dead ones’ at start', async () => {
		const live = otherFolder(storage, 'live-instance', new Date());
		const dead = otherFolder(storage, 'dead-instance', HOUR_AGO);
		const neverBeat = otherFolder(storage, 'never-beat', null);
		const strayFile = path.join(storage.tmpRoot, 'upload-from-an-old-version');
		writeFileSync(strayFile, 'x');
		utimesSync(strayFile, HOUR_AGO, HOUR_AGO);

		await start(storage);
		expect(existsSync(path.join(live, 'upload-abc'))).toBe(true);
		expect(existsSync(dead)).toBe(false);
		expect(existsSync(neverBeat)).toBe(false);
		expect(existsSync(strayFile)).toBe(false);
		expect(readdirSync(storage.tmpDir)).toEqual([HEARTBEAT_FILE]);
	});

	it('a process starting beside a live one leaves its folder alone, and both keep beating', async () => {
		await start(storage, { heartbeatMs: 20, staleMs: 200 });
		const heartbeatAt = () => statSync(path.join(storage.tmpDir, HEARTBEAT_FILE)).mtimeMs;
		const firstBeat = heartbeatAt();
		writeFileSync(path.join(storage.tmpDir, 'upload-in-flight'), 'data');
		const other = createStorage(root);
		const second = await start(other, { heartbeatMs: 20, staleMs: 200 });
		// Once the heartbeats have run for well past staleMs, only they can have kept the folder.
		await expect.poll(heartbeatAt, { timeout: 5000 }).toBeGreaterThan(firstBeat + 400);
		await second.beat();
		expect(await second.sweep()).toEqual([]);
		expect(existsSync(path.join(storage.tmpDir, 'upload-in-flight'))).toBe(true);
		expect(readdirSync(storage.tmpRoot).sort()).toEqual([storage.instanceId, other.instanceId].sort());
	});

	it('sweeps a folder that goes stale while it runs, with the periodic heartbeat', async () => {
		await start(storage, { heartbeatMs: 20, staleMs: 60_000 });
		const dead = otherFolder(storage, 'died-later', new Date());
		expect(existsSync(dead)).toBe(true);
		utimesSync(path.join(dead, HEARTBEAT_FILE), HOUR_AGO, HOUR_AGO);
		await expect.poll(() => existsSync(dead), { timeout: 5000 }).toBe(false);
	});

	it('recreates its own folder if something removed it, and removes it on stop', async () => {
		const scratch = await start(storage, { heartbeatMs: 20 });
		rmSync(storage.tmpDir, { recursive: true, force: true });
		await expect.poll(() => existsSync(path.join(storage.tmpDir, HEARTBEAT_FILE)), { timeout: 5000 }).toBe(true);
		await scratch.stop();
		running.splice(running.indexOf(scratch), 1);
		expect(existsSync(storage.tmpDir)).toBe(false);
	});

	it('measures staleness against its own heartbeat, not its clock', async () => {
		const scratch = await start(storage, { staleMs: 60_000 });
		// Both heartbeats stamped an hour back, as by a file server whose clock is an hour behind
		// this machine's: the peer beat when we did, so it is not stale.
		const peer = otherFolder(storage, 'peer', HOUR_AGO);
		utimesSync(path.join(storage.tmpDir, HEARTBEAT_FILE), HOUR_AGO, HOUR_AGO);
		expect(await scratch.sweep()).toEqual([]);
		expect(existsSync(peer)).toBe(true);
	});
});
