import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { FileChunk } from '../interop/corpus.ts';

/**
 * The files of an export being written into one folder: writers' chunks are appended in order to
 * files opened once (several files interleave: Kaldi's segments, text, utt2spk…), UTF-8, and
 * counted for the summary. Paths are relative and made by the exporter (ids, cleaned names).
 *
 * Writes are synchronous on purpose: a chunk is ~64 KB, so one write holds the event loop for tens
 * of microseconds, while an asynchronous write per chunk costs a thread-pool round trip that, on a
 * busy machine, left the export waiting (idle) a quarter of its time.
 */
export class ExportFiles {
	private readonly handles = new Map<string, number>();
	files = 0;
	bytes = 0;

	constructor(readonly root: string) {}

	/** The absolute path of a relative one, refusing anything that would leave the folder. */
	resolve(relative: string): string {
		const full = path.resolve(this.root, relative);
		if (!full.startsWith(this.root + path.sep)) throw new Error(`export path escapes its folder: ${relative}`);
		return full;
	}

	append(relative: string, text: string): void {
		let fd = this.handles.get(relative);
		if (fd === undefined) {
			const full = this.resolve(relative);
			mkdirSync(path.dirname(full), { recursive: true });
			fd = openSync(full, 'w');
			this.handles.set(relative, fd);
			this.files++;
		}
		const data = Buffer.from(text, 'utf8');
		let written = 0;
		while (written < data.length) written += writeSync(fd, data, written);
		this.bytes += data.length;
	}

	/** Writes a whole file from a writer's string chunks. */
	async writeText(relative: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
		for await (const chunk of chunks) this.append(relative, chunk);
		this.close(relative);
	}

	/** Appends a multi-file writer's chunks under `dir`. */
	async writeChunks(dir: string, chunks: AsyncIterable<FileChunk>): Promise<void> {
		for await (const { file, data } of chunks) this.append(path.posix.join(dir, file), data);
	}

	/** Counts a file written by someone else (clips). */
	count(bytes: number, files = 1): void {
		this.files += files;
		this.bytes += bytes;
	}

	close(relative?: string): void {
		const names = relative === undefined ? [...this.handles.keys()] : [relative];
		for (const name of names) {
			const fd = this.handles.get(name);
			if (fd === undefined) continue;
			this.handles.delete(name);
			closeSync(fd);
		}
	}
}

const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

/**
 * A file name from a recording's display name: its extension dropped, characters that no file
 * system takes replaced, Chinese kept; unique within `used` (`name-2`, `name-3`…).
 */
export function exportBaseName(name: string, used: Set<string>): string {
	const stem = name.replace(/\.[A-Za-z0-9]{1,8}$/, '');
	let base = stem.replace(UNSAFE, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 120) || 'recording';
	const original = base;
	for (let n = 2; used.has(base.toLowerCase()); n++) base = `${original}-${n}`;
	used.add(base.toLowerCase());
	return base;
}
