import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { describe, errors, jsonBody, ok, okBodySchema, params } from '../lib/openapi.ts';
import { requireProjectAccess } from './access.ts';
import {
	addMemberSchema,
	memberEnvelopeSchema,
	memberListSchema,
	memberParamsSchema,
	membersParamsSchema,
	patchMemberSchema
} from './members.schemas.ts';
import { addMember, changeMemberRole, listMembers, removeMember } from './members.service.ts';

const lastManagerDoc = "It would take away the project's last manager (`last_manager`; only an admin may)";

const doc = {
	list: describe({ tags: ['projects'], summary: "The project's members and their roles", responses: { 200: ok(memberListSchema) } }),
	add: describe({
		tags: ['projects'],
		summary: 'Add an account to the project by email with a role (or change the role of a member)',
		responses: {
			201: ok(memberEnvelopeSchema, 'Added'),
			200: ok(memberEnvelopeSchema, 'Already a member: the role changed'),
			...errors({ 409: lastManagerDoc, 422: 'No account has the email (`unknown_user`)' })
		}
	}),
	patch: describe({
		tags: ['projects'],
		summary: "Change a member's role",
		responses: { 200: ok(memberEnvelopeSchema), ...errors({ 409: lastManagerDoc }) }
	}),
	remove: describe({
		tags: ['projects'],
		summary: 'Remove a member from the project (their account stays)',
		responses: { 200: ok(okBodySchema), ...errors({ 409: lastManagerDoc }) }
	})
};

function failed(c: Context, result: { status: 404 | 409 | 422; code: string; message: string }) {
	return c.json(apiError(result.code, result.message), result.status);
}

/** A project's members; mounted at /api/projects/:projectId/members. Managing them needs `manage`. */
export function projectMembersRoutes({ db }: Deps) {
	const manager = requireProjectAccess(db, { from: 'project', param: 'projectId', need: 'manage' });
	const memberManager = requireProjectAccess(db, { from: 'project', param: 'projectId', need: 'manage', notFound: 'Project or member not found' });
	return new Hono<AuthEnv>()
		.get('/', doc.list, params(membersParamsSchema), manager, async (c) =>
			c.json({ members: await listMembers(db, c.var.access.projectId) }, 200)
		)
		.post('/', doc.add, params(membersParamsSchema), manager, jsonBody(addMemberSchema), async (c) => {
			const result = await addMember(db, c.var.access, { ...c.req.valid('json'), by: c.var.user.id });
			if (!result.ok) return failed(c, result);
			return c.json({ member: result.member }, result.created ? 201 : 200);
		})
		.patch('/:userId', doc.patch, params(memberParamsSchema), memberManager, jsonBody(patchMemberSchema), async (c) => {
			const result = await changeMemberRole(db, c.var.access, { userId: c.req.valid('param').userId, role: c.req.valid('json').role, by: c.var.user.id });
			if (!result.ok) return failed(c, result);
			return c.json({ member: result.member }, 200);
		})
		.delete('/:userId', doc.remove, params(memberParamsSchema), memberManager, async (c) => {
			const result = await removeMember(db, c.var.access, { userId: c.req.valid('param').userId, by: c.var.user.id });
			if (!result.ok) return failed(c, result);
			return c.json({ ok: true as const }, 200);
		});
}
