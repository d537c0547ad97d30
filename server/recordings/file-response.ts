import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { apiError } from '../lib/errors.ts';

export type ByteRange = { start: number; end: number };

/**
 * Reads a `Range` header against a file of `size` bytes (RFC 9110 §14): a single range
 * `bytes=a-b`, `bytes=a-` or `bytes=-n`. Returns the inclusive range, 'unsatisfiable', or null
 * when the header is absent, malformed or asks for several ranges (then the whole file is sent).
 */
export function parseRange(header: string | undefined | null, size: number): ByteRange | 'unsatisfiable' | null {
	if (!header) return null;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match) return null;
	const [, first, last] = match as unknown as [string, string, string];
	if (first === '' && last === '') return null;
	if (first === '') {
		const suffix = Number(last);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(first);
	const end = last === '' ? size - 1 : Number(last);
	if (last !== '' && end < start) return null;
	if (start >= size) return 'unsatisfiable';
	return { start, end: Math.min(end, size - 1) };
}

/**
 * Sends a file with HTTP caching and range support: 200, 206 with an exact Content-Range,
 * 416 naming the size, 304 on a matching If-None-Match; HEAD gets the headers only.
 */
export async function sendFile(
	c: Context,
	filePath: string,
	options: { contentType: string; etag?: string; cacheControl: string; fileName?: string }
): Promise<Response> {
	const info = await stat(filePath);
	const size = info.size;
	// Size and mtime change whenever the file is rewritten, which is all a byte-range client needs.
	const etag = options.etag ?? `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
	const headers: Record<string, string> = {
		'Content-Type': options.contentType,
		'Accept-Ranges': 'bytes',
		ETag: etag,
		'Cache-Control': options.cacheControl,
		'Last-Modified': info.mtime.toUTCString()
	};
	if (options.fileName) headers['Content-Disposition'] = `inline; filename="${options.fileName}"`;

	if (etagMatches(c.req.header('if-none-match'), etag)) {
		return c.body(null, 304, headers);
	}
	// A Range that came with an If-Range for an older version gets the whole, current file.
	const ifRange = c.req.header('if-range');
	const range = ifRange && ifRange !== etag ? null : parseRange(c.req.header('range'), size);
	if (range === 'unsatisfiable') {
		return c.json(apiError('range_not_satisfiable', `The file has ${size} bytes`), 416, {
			'Content-Range': `bytes */${size}`,
			'Accept-Ranges': 'bytes'
		});
	}
	const { start, end } = range ?? { start: 0, end: size - 1 };
	const length = size === 0 ? 0 : end - start + 1;
	headers['Content-Length'] = String(length);
	if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
	const status = range ? 206 : 200;
	if (c.req.method === 'HEAD' || length === 0) return c.body(null, status, headers);
	const stream = Readable.toWeb(createReadStream(filePath, { start, end })) as ReadableStream<Uint8Array>;
	return c.body(stream, status, headers);
}

function etagMatches(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	if (header.trim() === '*') return true;
	return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
