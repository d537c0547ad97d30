import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../lib/ids.ts';

/**
 * Where everything lives under the data directory. Every path is built here from ids and hashes
 * the server made itself; nothing a client sends is ever joined into a path.
 *
 *   fangyan.db                       the SQLite database (when no DATABASE_URL)
 *   originals/ab/<sha256>.<ext>      imported files, untouched and content-addressed
 *   media/<recordingId>/playback.ogg the seek-exact playback rendition
 *   media/<recordingId>/peaks.bin    multi-resolution waveform peaks
 *   cache/clips/<recordingId>/…      clips cut on demand
 *   exports/<exportId>.zip           finished exports, until deleted
 *   tmp/<instanceId>/                one process's uploads and outputs being written (scratch.ts)
 *
 * Several processes (app servers, the import command) may share one data directory, so each
 * writes its scratch files only under its own tmp/<instanceId>/.
 */
export interface Storage {
	root: string;
	/** Names this process's scratch folder; unique per process (and per createStorage call). */
	instanceId: string;
	/** tmp/: every process's scratch folder. */
	tmpRoot: string;
	/** tmp/<instanceId>/: this process's scratch files, on the same file system as their targets. */
	tmpDir: string;
	originalPath(sha256: string, ext: string): string;
	mediaDir(recordingId: string): string;
	playbackPath(recordingId: string): string;
	peaksPath(recordingId: string): string;
	clipCacheDir(recordingId: string): string;
	/** exports/<exportId>.zip: a finished export (written under tmpDir first, then renamed here). */
	exportPath(exportId: string): string;
}

export function createStorage(root: string, options: { instanceId?: string } = {}): Storage {
	const abs = path.resolve(root);
	const instanceId = assertSafeName(options.instanceId ?? newId());
	const tmpRoot = path.join(abs, 'tmp');
	const tmpDir = path.join(tmpRoot, instanceId);
	for (const dir of [abs, tmpDir, path.join(abs, 'originals'), path.join(abs, 'media'), path.join(abs, 'cache'), path.join(abs, 'exports')]) {
		mkdirSync(dir, { recursive: true });
	}
	const mediaDir = (recordingId: string) => safeJoin(abs, 'media', assertSafeName(recordingId));
	return {
		root: abs,
		instanceId,
		tmpRoot,
		tmpDir,
		originalPath: (sha256, ext) => {
			if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
			if (!/^[a-z0-9]{0,8}$/.test(ext)) throw new Error(`unsafe extension: ${ext}`);
			return safeJoin(abs, 'originals', sha256.slice(0, 2), ext ? `${sha256}.${ext}` : sha256);
		},
		mediaDir,
		playbackPath: (id) => path.join(mediaDir(id), 'playback.ogg'),
		peaksPath: (id) => path.join(mediaDir(id), 'peaks.bin'),
		clipCacheDir: (id) => safeJoin(abs, 'cache', 'clips', assertSafeName(id)),
		exportPath: (id) => safeJoin(abs, 'exports', `${assertSafeName(id)}.zip`)
	};
}

/** Joins `parts` under `root` and throws if the result would leave it. */
export function safeJoin(root: string, ...parts: string[]): string {
	const resolved = path.resolve(root, ...parts);
	const base = path.resolve(root);
	if (resolved !== base && !resolved.startsWith(base + path.sep)) {
		throw new Error(`path escapes the data directory: ${parts.join('/')}`);
	}
	return resolved;
}

function assertSafeName(name: string): string {
	if (!/^[0-9A-Za-z_-]{1,64}$/.test(name)) throw new Error(`unsafe path component: ${name}`);
	return name;
}
