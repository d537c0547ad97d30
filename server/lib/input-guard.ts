import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { AppError, apiError } from './errors.ts';

/**
 * Checks every request makes before any route sees it, so no current or future route has to
 * repeat them: text PostgreSQL cannot store (NUL) or that is not text at all (a lone UTF-16
 * surrogate, which SQLite keeps and PostgreSQL silently turns into U+FFFD) is refused with a 400
 * naming where it was, on both databases alike; so are malformed percent-encodings, JSON nested
 * deeper than any schema needs (it would overflow the stack of a recursive validator) and bodies
 * larger than the route accepts.
 */

/** The deepest nesting any JSON body may have; the deepest schema (a 5-level taxonomy) needs 12. */
export const MAX_JSON_DEPTH = 32;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
// In a `u` regex a surrogate range matches only code units that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why `text` cannot be stored as text, or null when it can. */
export function textProblem(text: string): string | null {
	if (text.includes('\0')) return 'contains a NUL character (U+0000)';
	if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
	return null;
}

export interface InputProblem {
	/** Dotted path of the offending value (`settings.keymap.0`), or the part of the request. */
	path: string;
	message: string;
}

/**
 * The first string (or object key) in a parsed JSON value that textProblem refuses. Walks with its
 * own stack, so no depth of nesting can overflow the call stack.
 */
export function findTextProblem(value: unknown, path: string[] = []): InputProblem | null {
	// Each entry keeps a link to its parent's path, so the path is only spelled out on a failure.
	type At = { key: string; parent: At | null } | null;
	const spell = (at: At) => {
		const keys: string[] = [];
		for (let node = at; node; node = node.parent) keys.push(node.key);
		return [...path, ...keys.reverse()].join('.');
	};
	const stack: [unknown, At][] = [[value, null]];
	while (stack.length > 0) {
		const [current, at] = stack.pop()!;
		if (typeof current === 'string') {
			const problem = textProblem(current);
			if (problem) return { path: spell(at), message: problem };
		} else if (Array.isArray(current)) {
			for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], { key: String(i), parent: at }]);
		} else if (current && typeof current === 'object') {
			for (const [key, child] of Object.entries(current)) {
				const problem = textProblem(key);
				// The key itself is not echoed: it is the bad text.
				if (problem) return { path: spell(at), message: `${at || path.length ? 'has' : 'The body has'} a key that ${problem}` };
				stack.push([child, { key, parent: at }]);
			}
		}
	}
	return null;
}

/** How deeply objects and arrays nest in a parsed JSON value (a scalar is 0), without recursion. */
export function jsonDepth(value: unknown): number {
	let max = 0;
	const stack: [unknown, number][] = [[value, 0]];
	while (stack.length > 0) {
		const [current, depth] = stack.pop()!;
		if (!current || typeof current !== 'object') continue;
		max = Math.max(max, depth + 1);
		for (const child of Object.values(current)) stack.push([child, depth + 1]);
	}
	return max;
}

/** Whether JSON text nests objects and arrays deeper than `max`, found without parsing it. */
export function jsonDepthExceeds(text: string, max: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		if (inString) {
			if (ch === 0x5c) i++;
			else if (ch === 0x22) inString = false;
		} else if (ch === 0x22) inString = true;
		else if (ch === 0x7b || ch === 0x5b) {
			if (++depth > max) return true;
		} else if (ch === 0x7d || ch === 0x5d) depth--;
	}
	return false;
}

function invalid(c: Context, problem: InputProblem) {
	const message = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
	return c.json(apiError('invalid_request', message, { issues: [problem] }), 400);
}

function tooLarge(c: Context, maxBytes: number) {
	// The rest of the body is never read; closing keeps a client from streaming it anyway.
	c.header('Connection', 'close');
	return c.json(apiError('too_large', `The request body is larger than ${maxBytes} bytes`, { maxBytes }), 413);
}

function decodeComponent(raw: string): string | null {
	try {
		return decodeURIComponent(raw);
	} catch {
		return null;
	}
}

/**
 * Refuses a request whose path or query string holds a NUL, a lone surrogate or a malformed
 * percent-encoding (which is how a lone surrogate arrives in a URL), naming the path parameter or
 * query key. Ids are checked for shape by each route's param schema; this is what no schema sees.
 */
export function inputGuard(): MiddlewareHandler {
	return async (c, next) => {
		const url = c.req.url;
		const start = url.indexOf('/', url.indexOf('//') + 2);
		const queryAt = url.indexOf('?', start);
		const rawPath = url.slice(start, queryAt === -1 ? undefined : queryAt);
		if (rawPath.includes('%')) {
			const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path.split('/') ?? [];
			const segments = rawPath.split('/');
			for (let i = 0; i < segments.length; i++) {
				const name = route[i]?.startsWith(':') ? route[i]!.slice(1).replace(/\{.*$/, '') : `path segment ${i}`;
				const decoded = decodeComponent(segments[i]!);
				const problem = decoded === null ? 'is not valid percent-encoded UTF-8' : textProblem(decoded);
				if (problem) return invalid(c, { path: name, message: problem });
			}
		}
		if (queryAt !== -1) {
			for (const pair of url.slice(queryAt + 1).split('&')) {
				const eq = pair.indexOf('=');
				const rawKey = eq === -1 ? pair : pair.slice(0, eq);
				const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
				const key = decodeComponent(rawKey.replace(/\+/g, ' '));
				const value = decodeComponent(rawValue.replace(/\+/g, ' '));
				const name = key === null || textProblem(key) ? 'query' : `query.${key}`;
				const problem =
					key === null || value === null ? 'is not valid percent-encoded UTF-8' : (textProblem(key) ?? textProblem(value));
				if (problem) return invalid(c, { path: name, message: problem });
			}
		}
		await next();
	};
}

/**
 * Whether the request has a body, from its headers where it came from a socket: HTTP/1.1 sends
 * one only with a Content-Length or a Transfer-Encoding, and asking the request for its body
 * stream would build a full web Request (and an AbortSignal) just to find none. A Request made
 * in-process (the tests' app.request) may carry a body without either header, so it is asked.
 */
export function hasRequestBody(c: Context): boolean {
	const declared = c.req.header('content-length');
	if (declared !== undefined) return declared !== '0';
	if (c.req.header('transfer-encoding') !== undefined) return true;
	const fromSocket = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
	return !fromSocket && c.req.raw.body !== null;
}

/**
 * Reads a JSON request body of at most `maxBytes` and checks it (UTF-8, depth, NUL and lone
 * surrogates in any string or key) before any schema walks it; the text is left in Hono's body
 * cache for the validator that follows. A response means the body was refused; null means go on
 * (also when there is no body at all: the schema then decides whether one was needed).
 */
export async function checkJsonBody(c: Context, maxBytes: number): Promise<Response | null> {
	const raw = c.req.raw;
	const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
	const declared = c.req.header('content-length');
	if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(c, maxBytes);
	if (!JSON_MEDIA_TYPE.test(contentType)) {
		if (!hasRequestBody(c)) return null;
		return c.json(
			apiError('unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)', {
				contentType: contentType || null
			}),
			415
		);
	}
	if (declared !== undefined) {
		// A declared length (checked above) is all Node's parser lets through: read it whole, straight
		// from the socket, without building a web Request and its stream (most of an autosave's overhead).
		if (declared === '0') return null;
		return checkJsonText(c, new Uint8Array(await raw.arrayBuffer()));
	}
	if (!hasRequestBody(c)) return null;

	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = raw.body!.getReader();
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch (err) {
			// The app-wide ceiling cut a streamed body off (an AppError 413), or the client went away.
			if (err instanceof AppError) return c.json(err.toBody(), err.status);
			throw err;
		}
		const { done, value } = chunk;
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel().catch(() => undefined);
			return tooLarge(c, maxBytes);
		}
		chunks.push(value);
	}
	return checkJsonText(c, Buffer.concat(chunks));
}

/** The checks of checkJsonBody on the body's bytes; leaves the text in Hono's body cache. */
function checkJsonText(c: Context, bytes: Uint8Array): Response | null {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return invalid(c, { path: '', message: 'The body is not valid UTF-8' });
	}
	// Hono keeps body promises here (its type says values); the validator's c.req.json() reads it.
	(c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
	if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
		return invalid(c, { path: '', message: `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels` });
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return invalid(c, { path: '', message: 'Malformed JSON in request body' });
	}
	const problem = findTextProblem(value);
	return problem ? invalid(c, problem) : null;
}
