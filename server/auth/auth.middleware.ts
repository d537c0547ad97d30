import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import type { Role } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { errors } from '../lib/openapi.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { toUserDto } from '../users/users.mapper.ts';
import { findSessionUser } from './sessions.repository.ts';

export const SESSION_COOKIE = 'fangyan_session';

export type AuthEnv = { Variables: { user: UserDto; sessionToken: string } };

/**
 * A session seen in the last few seconds (config.sessionCacheMs, default 5 s) is not looked up
 * again: every autosave is a request, and the lookup was an eighth of a save's cost. Sign-out
 * forgets the token here at once; on other app servers a signed-out or expired session, a
 * deactivated user or a changed role lasts at most that long.
 */
const SESSION_CACHE_MAX = 10_000;
const sessionCaches = new WeakMap<object, Map<string, { user: UserDto; until: number }>>();

function sessionCacheOf(db: object) {
	let cache = sessionCaches.get(db);
	if (!cache) sessionCaches.set(db, (cache = new Map()));
	return cache;
}

/** Drops a token from this process's session cache (on sign-out). */
export function forgetSession(db: object, token: string) {
	sessionCacheOf(db).delete(token);
}

/** Rejects a request without a live session (401); sets `c.var.user`. */
export function requireSession({ db, config }: Pick<Deps, 'db' | 'config'>): MiddlewareHandler<AuthEnv> {
	const cache = sessionCacheOf(db);
	const ttl = config.sessionCacheMs;
	return async (c, next) => {
		const token = getCookie(c, SESSION_COOKIE);
		if (!token) throw new HTTPException(401, { message: 'Sign in first' });
		const now = Date.now();
		let user = cache.get(token);
		if (!user || user.until < now) {
			const row = await findSessionUser(db, token);
			if (!row) {
				cache.delete(token);
				throw new HTTPException(401, { message: 'Sign in first' });
			}
			if (cache.size >= SESSION_CACHE_MAX) cache.clear();
			user = { user: toUserDto(row), until: now + ttl };
			if (ttl > 0) cache.set(token, user);
		}
		c.set('user', user.user);
		c.set('sessionToken', token);
		await next();
	};
}

/** Rejects a signed-in user whose role is not one of `roles` (403). Use after requireSession. */
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
