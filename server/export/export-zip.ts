import { createWriteStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** Audio is stored as is (deflate gains little on PCM and costs much time); text is deflated. */
const STORED = /\.(wav|flac|mp3|ogg|opus)$/i;

/** Every file below `dir`, as forward-slash relative paths, sorted (so zips list them in a stable order). */
export async function listFiles(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries
		.filter((e) => e.isFile())
		.map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
		.sort();
}

/**
 * Zips the folder `dir` into `zipPath`, streamed (yazl reads one file at a time and writes as it
 * goes, so memory stays flat whatever the size; ZIP64 when needed, names in UTF-8). Text files are
 * deflated, audio stored. Calls `onFile` after each file has been queued.
 */
export async function zipDirectory(dir: string, zipPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
	const zip = new ZipFile();
	const mtime = new Date();
	for (const file of await listFiles(dir)) {
		zip.addFile(path.join(dir, file), file, { compress: !STORED.test(file), mtime });
	}
	zip.end();
	await pipeline(zip.outputStream, createWriteStream(zipPath), { signal: options.signal });
}
