import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { FileChunk } from '../interop/corpus.ts';

/**
 * The files of an export being written into one folder: writers' chunks are appended in order to
 * files opened once (several files interleave: Kaldi's segments, text, utt2spk…), UTF-8, and
 * counted for the summary. Paths are relative and made by the exporter (ids, cleaned names).
 */
export class ExportFiles {
	private readonly handles = new Map<string, FileHandle>();
	files = 0;
	bytes = 0;

	constructor(readonly root: string) {}

	/** The absolute path of a relative one, refusing anything that would leave the folder. */
	resolve(relative: string): string {
		const full = path.resolve(this.root, relative);
		if (!full.startsWith(this.root + path.sep)) throw new Error(`export path escapes its folder: ${relative}`);
		return full;
	}

	async append(relative: string, text: string): Promise<void> {
		let handle = this.handles.get(relative);
		if (!handle) {
			const full = this.resolve(relative);
			await mkdir(path.dirname(full), { recursive: true });
			handle = await open(full, 'w');
			this.handles.set(relative, handle);
			this.files++;
		}
		const data = Buffer.from(text, 'utf8');
		await handle.write(data);
		this.bytes += data.length;
	}

	/** Writes a whole file from a writer's string chunks. */
	async writeText(relative: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
		for await (const chunk of chunks) await this.append(relative, chunk);
		await this.close(relative);
	}

	/** Appends a multi-file writer's chunks under `dir`. */
	async writeChunks(dir: string, chunks: AsyncIterable<FileChunk>): Promise<void> {
		for await (const { file, data } of chunks) await this.append(path.posix.join(dir, file), data);
	}

	/** Counts a file written by someone else (clips). */
	count(bytes: number, files = 1): void {
		this.files += files;
		this.bytes += bytes;
	}

	async close(relative?: string): Promise<void> {
		const names = relative === undefined ? [...this.handles.keys()] : [relative];
		for (const name of names) {
			const handle = this.handles.get(name);
			if (!handle) continue;
			this.handles.delete(name);
			await handle.close();
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
