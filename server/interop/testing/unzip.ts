import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';

/**
 * Unpacks a zip with an independent reader (yauzl, which checks the central directory, sizes and
 * CRCs) into `dir`; resolves to the entry names in zip order.
 */
export function unzipTo(zip: Buffer, dir: string): Promise<string[]> {
	return new Promise((resolve, reject) => {
		yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, file) => {
			if (err || !file) return reject(err ?? new Error('no zip'));
			const names: string[] = [];
			file.on('error', reject);
			file.on('end', () => resolve(names));
			file.on('entry', (entry: yauzl.Entry) => {
				names.push(entry.fileName);
				file.openReadStream(entry, (e, stream) => {
					if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
					const parts: Buffer[] = [];
					stream.on('data', (b: Buffer) => parts.push(b));
					stream.on('error', reject);
					stream.on('end', () => {
						const target = path.join(dir, entry.fileName);
						void mkdir(path.dirname(target), { recursive: true })
							.then(() => writeFile(target, Buffer.concat(parts)))
							.then(() => file.readEntry(), reject);
					});
				});
			});
			file.readEntry();
		});
	});
}
