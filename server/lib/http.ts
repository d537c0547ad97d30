import type { Context } from 'hono';
import { apiError } from './errors.ts';

/**
 * The shared zValidator hook: a failed validation becomes
 * `400 { error: { code: 'invalid_request', message, issues } }`.
 */
export function onInvalid(
	result: { success: true } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } },
	c: Context
) {
	if (!result.success) {
		const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
		const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
		return c.json(apiError('invalid_request', message || 'Invalid request', { issues }), 400);
	}
}

export function notFound(c: Context, what: string) {
	return c.json(apiError('not_found', `${what} not found`), 404);
}
