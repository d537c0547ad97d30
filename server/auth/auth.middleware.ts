import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import type { Role } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { errors } from '../lib/openapi.ts';
import { toUserDto, type UserDto } from '../users/users.mapper.ts';
import { findSessionUser } from './sessions.repository.ts';

export const SESSION_COOKIE = 'fangyan_session';

export type AuthEnv = { Variables: { user: UserDto; sessionToken: string } };

/**
 * Rejects a request without a live session (401); sets `c.var.user` and `c.var.sessionToken`.
 *
 * The session and its user are looked up on every request, never remembered between requests:
 * with several app servers a sign-out, an expiry, a deactivation or a role change made anywhere
 * holds on every server from the next request on. The lookup is one primary-key join (a prepared
 * statement on SQLite); an autosave pays it once, since a second requireSession on the same request
 * (the /api gate, then a route's own) reuses the first one's answer.
 */
export function requireSession({ db }: Pick<Deps, 'db'>): MiddlewareHandler<AuthEnv> {
	return async (c, next) => {
		if (c.get('sessionToken') !== undefined) return next();
		const token = getCookie(c, SESSION_COOKIE);
		if (!token) throw new HTTPException(401, { message: 'Sign in first' });
		const row = await findSessionUser(db, token);
		if (!row) throw new HTTPException(401, { message: 'Sign in first' });
		c.set('user', toUserDto(row));
		c.set('sessionToken', token);
		await next();
	};
}

/**
 * Rejects a signed-in user whose instance-wide role is not one of `roles` (403). Use after
 * requireSession; for anything inside a project use requireProjectAccess (server/access/) instead.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
	const middleware: MiddlewareHandler<AuthEnv> = async (c, next) => {
		if (!roles.includes(c.var.user.role)) {
			throw new HTTPException(403, { message: `This needs the ${roles.join(' or ')} role` });
		}
		await next();
	};
	// The API document names the roles and the 403 from here, so it cannot drift from the check.
	const responses = errors({ 403: `Only for the ${roles.join(', ')} role${roles.length > 1 ? 's' : ''}` });
	return Object.assign(middleware, { [uniqueSymbol]: { spec: { 'x-roles': roles, responses } } });
}

export function currentUser(c: Context<AuthEnv>): UserDto {
	return c.var.user;
}
