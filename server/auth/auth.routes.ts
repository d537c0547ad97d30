import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { clientAddress } from '../lib/client-address.ts';
import { BODY_LIMITS, describe, errors, jsonBody, ok, okBodySchema } from '../lib/openapi.ts';
import { toUserDto } from '../users/users.mapper.ts';
import { findUserByEmail, findUserById, updateUserSettings } from '../users/users.repository.ts';
import { acceptAccountLinkSchema, accountLinkInfoSchema, accountLinkTokenSchema } from '../users/users.schemas.ts';
import { LINK_INVALID, acceptAccountLink, describeAccountLink } from '../users/users.service.ts';
import { requireSession, SESSION_COOKIE, type AuthEnv } from './auth.middleware.ts';
import { loginSchema, needsSetupSchema, settingsSchema, setupSchema, userEnvelopeSchema } from './auth.schemas.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.ts';
import { createSession, deleteSession } from './sessions.repository.ts';
import { isSetUp } from './setup.repository.ts';
import { setUpFirstAdmin } from './setup.service.ts';

const SETS_COOKIE = { 'Set-Cookie': { description: 'The HttpOnly session cookie', schema: { type: 'string' as const } } };

const doc = {
	setupNeeded: describe({
		tags: ['auth'],
		summary: 'Whether the first admin account still has to be created',
		responses: { 200: ok(needsSetupSchema) }
	}),
	setup: describe({
		tags: ['auth'],
		summary: 'Create the first admin account (fresh install only) and sign in',
		responses: {
			201: { ...ok(userEnvelopeSchema, 'Created and signed in'), headers: SETS_COOKIE },
			...errors({ 409: 'An admin already exists (`already_set_up`)' })
		}
	}),
	login: describe({
		tags: ['auth'],
		summary: 'Sign in; repeated wrong passwords are answered ever more slowly',
		responses: {
			200: { ...ok(userEnvelopeSchema, 'Signed in'), headers: SETS_COOKIE },
			...errors({ 401: 'Wrong email or password (`invalid_credentials`)' })
		}
	}),
	logout: describe({ tags: ['auth'], summary: 'Sign out (ends the session)', responses: { 200: ok(okBodySchema) } }),
	me: describe({ tags: ['auth'], summary: 'The signed-in user', responses: { 200: ok(userEnvelopeSchema) } }),
	linkInfo: describe({
		tags: ['auth'],
		summary: 'What an invitation or password-reset link is for (the token is in the body, never in a URL the server logs)',
		responses: {
			200: ok(accountLinkInfoSchema),
			...errors({ 404: 'Unknown, used or expired link (`link_invalid`)' })
		}
	}),
	linkAccept: describe({
		tags: ['auth'],
		summary: "Use an invitation or reset link once: set the password (and the invitee's name) and sign in",
		description: "A reset ends the user's other sessions.",
		responses: {
			200: { ...ok(userEnvelopeSchema, 'Password set and signed in'), headers: SETS_COOKIE },
			...errors({ 404: 'Unknown, used or expired link (`link_invalid`)' })
		}
	}),
	settings: describe({
		tags: ['auth'],
		summary: "Replace the signed-in user's settings",
		responses: { 200: ok(userEnvelopeSchema), ...errors({ 404: 'User not found' }) }
	})
};

/** Setup of the first admin, sign-in and sign-out, invitation and reset links, and the signed-in user. */
export function authRoutes(deps: Deps) {
	const { db, config, loginThrottle } = deps;

	/** Opens a session; `how` says in the audit trail whether it was a sign-in or the first-run setup. */
	async function startSession(c: Context, userId: string, how: 'sign_in' | 'setup' | 'account_link') {
		const { token, expiresAt } = await db.transaction().execute(async (trx) => {
			const session = await createSession(trx, userId);
			const details = { via: how, address: clientAddress(c, config.trustProxyHops) };
			await audit(trx, { projectId: null, actorId: userId, action: 'auth.sign_in', target: { type: 'user', id: userId }, details });
			return session;
		});
		setCookie(c, SESSION_COOKIE, token, {
			httpOnly: true,
			sameSite: 'Lax',
			secure: isHttps(c),
			path: '/',
			expires: expiresAt
		});
	}

	return new Hono<AuthEnv>()
		.get('/setup', doc.setupNeeded, async (c) => c.json({ needsSetup: !(await isSetUp(db)) }, 200))
		.post('/setup', doc.setup, jsonBody(setupSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const input = c.req.valid('json');
			const passwordHash = await hashPassword(input.password);
			const user = await setUpFirstAdmin(db, { email: input.email, name: input.name, passwordHash });
			if (!user) return c.json(apiError('already_set_up', 'An admin account already exists; sign in instead'), 409);
			await startSession(c, user.id, 'setup');
			return c.json({ user: toUserDto(user) }, 201);
		})
		.post('/login', doc.login, jsonBody(loginSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const { email, password } = c.req.valid('json');
			const attempt = { account: email, address: clientAddress(c, config.trustProxyHops) };
			const delay = await loginThrottle.begin(db, attempt);
			if (delay > 0) await new Promise((r) => setTimeout(r, delay));

			const user = await findUserByEmail(db, email);
			const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
			if (!user || !ok || user.is_active !== 1) {
				return c.json(apiError('invalid_credentials', 'Wrong email or password'), 401);
			}
			await loginThrottle.succeeded(db, attempt);
			await startSession(c, user.id, 'sign_in');
			return c.json({ user: toUserDto(user) }, 200);
		})
		.post('/logout', doc.logout, requireSession(deps), async (c) => {
			await db.transaction().execute(async (trx) => {
				await deleteSession(trx, c.var.sessionToken);
				const userId = c.var.user.id;
				await audit(trx, { projectId: null, actorId: userId, action: 'auth.sign_out', target: { type: 'user', id: userId } });
			});
			deleteCookie(c, SESSION_COOKIE, { path: '/' });
			return c.json({ ok: true as const }, 200);
		})
		.post('/link', doc.linkInfo, jsonBody(accountLinkTokenSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const link = await describeAccountLink(db, c.req.valid('json').token);
			if (!link) return c.json(apiError('link_invalid', LINK_INVALID), 404);
			return c.json({ link }, 200);
		})
		.post('/link/accept', doc.linkAccept, jsonBody(acceptAccountLinkSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const result = await acceptAccountLink(db, c.req.valid('json'));
			if (!result.ok) return c.json(apiError('link_invalid', LINK_INVALID), 404);
			await startSession(c, result.userId, 'account_link');
			const user = await findUserById(db, result.userId);
			return c.json({ user: toUserDto(user!) }, 200);
		})
		// The session lookup just read the user (settings included) from the database.
		.get('/me', doc.me, requireSession(deps), (c) => c.json({ user: c.var.user }, 200))
		.put('/me/settings', doc.settings, requireSession(deps), jsonBody(settingsSchema, { maxBytes: BODY_LIMITS.settings }), async (c) => {
			const row = await updateUserSettings(db, c.var.user.id, c.req.valid('json').settings);
			if (!row) return c.json(apiError('not_found', 'User not found'), 404);
			return c.json({ user: toUserDto(row) }, 200);
		});
}

function isHttps(c: Context) {
	return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}
