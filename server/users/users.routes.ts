import { Hono, type Context } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { BODY_LIMITS, describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { toAccountDto } from './users.mapper.ts';
import { findAccount, listAccounts } from './users.repository.ts';
import {
	accountEnvelopeSchema,
	accountLinkEnvelopeSchema,
	accountListSchema,
	createAccountSchema,
	createdAccountSchema,
	patchAccountSchema,
	userParamsSchema
} from './users.schemas.ts';
import { changeAccount, createAccount, issueLinkFor } from './users.service.ts';

const doc = {
	list: describe({
		tags: ['users'],
		summary: 'Every account, with its project count and whether its invitation is still open',
		responses: { 200: ok(accountListSchema) }
	}),
	create: describe({
		tags: ['users'],
		summary: 'Create an account with a password, or invite someone (no password: the answer carries a one-time link, good for 7 days)',
		responses: {
			201: ok(createdAccountSchema, 'Created'),
			...errors({ 409: 'There is already an account for the email (`email_taken`)' })
		}
	}),
	patch: describe({
		tags: ['users'],
		summary: "Change a user's name, instance role or password, or deactivate / reactivate them",
		description:
			'Deactivating or setting a password ends all their sessions at once, on every app server. The only active admin cannot be demoted or deactivated.',
		responses: {
			200: ok(accountEnvelopeSchema),
			...errors({ 404: 'User not found', 409: 'The only active admin (`last_admin`)' })
		}
	}),
	link: describe({
		tags: ['users'],
		summary: 'Issue a new one-time link: an invitation again while the user never chose a password, else a password reset',
		description: 'Earlier links of the user stop working. The link is good for 7 days.',
		responses: { 201: ok(accountLinkEnvelopeSchema, 'Issued'), ...errors({ 404: 'User not found' }) }
	})
};

function failed(c: Context, result: { status: 404 | 409; code: string; message: string }) {
	return c.json(apiError(result.code, result.message), result.status);
}

/** The instance's accounts, for admins; mounted at /api/users. */
export function usersRoutes({ db }: Deps) {
	const admin = requireRole('admin');
	return new Hono<AuthEnv>()
		.get('/', doc.list, admin, async (c) => c.json({ users: (await listAccounts(db)).map(toAccountDto) }, 200))
		.post('/', doc.create, admin, jsonBody(createAccountSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const result = await createAccount(db, { ...c.req.valid('json'), createdBy: c.var.user.id });
			if (!result.ok) return failed(c, result);
			return c.json({ user: toAccountDto((await findAccount(db, result.user.id))!), link: result.link }, 201);
		})
		.patch('/:userId', doc.patch, admin, params(userParamsSchema), jsonBody(patchAccountSchema, { maxBytes: BODY_LIMITS.auth }), async (c) => {
			const { userId } = c.req.valid('param');
			const result = await changeAccount(db, userId, c.req.valid('json'), c.var.user.id);
			if (!result.ok) return failed(c, result);
			const row = await findAccount(db, userId);
			if (!row) return notFound(c, 'User');
			return c.json({ user: toAccountDto(row) }, 200);
		})
		.post('/:userId/link', doc.link, admin, params(userParamsSchema), async (c) => {
			const result = await issueLinkFor(db, c.req.valid('param').userId, c.var.user.id);
			if (!result.ok) return failed(c, result);
			return c.json({ link: result.link }, 201);
		});
}
