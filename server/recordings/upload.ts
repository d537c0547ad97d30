import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { AppError } from '../lib/errors.ts';
import { checkFileName } from './recordings.service.ts';

/** Multipart framing and the small text fields around the file; a Content-Length beyond limit + this is refused unread. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface ReceivedUpload {
	/** The file under tmp/; the caller moves it away or removes it. */
	filePath: string;
	/** The client's file name, checked (no separators, `..` or control characters) and NFC. */
	fileName: string;
	sha256: string;
	sizeBytes: number;
	/** Text fields sent beside the file. */
	fields: Record<string, string>;
}

function tooLarge(maxBytes: number) {
	return new AppError(413, 'too_large', `The file is larger than the upload limit of ${formatBytes(maxBytes)}`, {
		maxBytes
	});
}

/** Refuses a request whose declared length already exceeds the limit, before reading any of it. */
export function checkDeclaredLength(contentLength: string | undefined, maxBytes: number): void {
	if (contentLength && Number(contentLength) > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge(maxBytes);
}

/**
 * Streams the `file` part of a multipart/form-data request to tmp/ while hashing it (never holding
 * it in memory), with busboy. The file name is checked as the raw client value (`preservePath`:
 * busboy would otherwise strip `../../` silently), parameters are read as UTF-8 so CJK names survive.
 * Throws AppError (400 invalid_request / invalid_file_name, 413 too_large); nothing stays in tmp/
 * when it throws.
 */
export async function receiveUpload(
	request: Request,
	options: { tmpDir: string; maxBytes: number; /** Longest text field (default 16 kB); longer is a 400. */ maxFieldBytes?: number }
): Promise<ReceivedUpload> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
		throw new AppError(400, 'invalid_request', 'Send the file as multipart/form-data with a part named "file"');
	}
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': contentType },
			preservePath: true,
			defParamCharset: 'utf8',
			limits: { files: 1, fileSize: options.maxBytes, fields: 20, fieldSize: options.maxFieldBytes ?? 16 * 1024, parts: 30 }
		});
	} catch (err) {
		throw new AppError(400, 'invalid_request', `Malformed multipart request: ${(err as Error).message}`);
	}
	const tmpPath = path.join(options.tmpDir, `upload-${randomBytes(10).toString('hex')}`);
	const fields: Record<string, string> = {};
	let failure = null as AppError | null;
	let received = null as Promise<SavedFile> | null;
	let fileName = '';

	parser.on('field', (name, value, info) => {
		// busboy cuts a field at the limit without failing: a cut value must not pass for the whole one.
		if (info.valueTruncated && !failure) {
			failure = new AppError(400, 'invalid_request', `The field "${name}" is longer than ${formatBytes(options.maxFieldBytes ?? 16 * 1024)}`);
		}
		fields[name] = value.normalize('NFC');
	});
	parser.on('file', (field, stream, info) => {
		if (field !== 'file' || received || failure) {
			stream.resume();
			return;
		}
		try {
			fileName = checkFileName(info.filename);
		} catch (err) {
			failure = err as AppError;
			stream.resume();
			return;
		}
		received = saveStream(stream, tmpPath);
	});

	try {
		await pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), parser);
	} catch (err) {
		await received?.catch(() => undefined);
		await rm(tmpPath, { force: true });
		if (err instanceof AppError) throw err;
		throw new AppError(400, 'invalid_request', `Malformed multipart body: ${(err as Error).message}`);
	}
	const result = await received?.catch(async (err: unknown) => {
		await rm(tmpPath, { force: true });
		throw err;
	});
	if (failure) {
		await rm(tmpPath, { force: true });
		throw failure;
	}
	if (!result) throw new AppError(400, 'invalid_request', 'The request has no part named "file"');
	if (result.truncated) {
		await rm(tmpPath, { force: true });
		throw tooLarge(options.maxBytes);
	}
	return { filePath: tmpPath, fileName, sha256: result.sha256, sizeBytes: result.sizeBytes, fields };
}

interface SavedFile {
	sha256: string;
	sizeBytes: number;
	/** The part went past the size limit. */
	truncated: boolean;
}

async function saveStream(stream: Readable & { truncated?: boolean }, target: string): Promise<SavedFile> {
	const hash = createHash('sha256');
	let sizeBytes = 0;
	let truncated = false;
	stream.on('limit', () => {
		truncated = true;
	});
	await pipeline(
		stream,
		new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				// Past the limit nothing more is worth writing; busboy drains the rest of the part.
				if (truncated) return callback();
				hash.update(chunk);
				sizeBytes += chunk.length;
				callback(null, chunk);
			}
		}),
		createWriteStream(target)
	);
	return { sha256: hash.digest('hex'), sizeBytes, truncated: truncated || stream.truncated === true };
}

function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	return `${Math.ceil(bytes / 1024)} kB`;
}
