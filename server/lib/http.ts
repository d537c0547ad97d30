import type { Context } from 'hono';
import { apiError } from './errors.ts';

type Issue = { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined };

/**
 * The shared validator hook (server/lib/openapi.ts passes it to every validator): a failed body
 * or query becomes `400 { error: { code: 'invalid_request', message, issues } }`; a path
 * parameter that fails its schema (an id of the wrong shape) is something that cannot exist, so
 * it is `404 not_found` with the schema's message, before any query runs.
 */
export function onInvalid(
	result: ({ success: true } | { success: false; error: readonly Issue[] }) & { target?: string },
	c: Context
) {
	if (result.success) return;
	const issues = result.error.map((i) => ({
		path: (i.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.'),
		message: i.message
	}));
	if (result.target === 'param') {
		return c.json(apiError('not_found', issues[0]?.message ?? 'Not found', { issues }), 404);
	}
	const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
	return c.json(apiError('invalid_request', message || 'Invalid request', { issues }), 400);
}

export function notFound(c: Context, what: string) {
	return c.json(apiError('not_found', `${what} not found`), 404);
}
