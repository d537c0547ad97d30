import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import { apiError } from '../lib/errors.ts';
import { errors } from '../lib/openapi.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { findProjectId } from './projects.repository.ts';
import type { ProjectCapabilitiesDto } from './projects.schemas.ts';

/**
 * What a project route may do for the signed-in user; sent to the client as its capability flags
 * (`manage`: change the project's setup — details, guidelines, speakers, taxonomy, layers,
 * recordings' names, deletion).
 */
export type ProjectCapabilities = ProjectCapabilitiesDto;

const NOT_A_MANAGER = "Only the project's managers may change its setup";

/**
 * Whether `user` may change the setup of project `projectId` (an id, not a slug). The one place
 * that decides it, for every settings route and for the capability flag the UI reads: today
 * admins may, everyone else may not; per-project managers change only this function.
 */
export async function canManageProject(
	db: Db,
	user: Pick<UserDto, 'id' | 'role'>,
	projectId: string
): Promise<boolean> {
	void db;
	void projectId;
	return user.role === 'admin';
}

export async function projectCapabilities(
	db: Db,
	user: Pick<UserDto, 'id' | 'role'>,
	projectId: string
): Promise<ProjectCapabilities> {
	return { manage: await canManageProject(db, user, projectId) };
}

/** Throws 403 unless `user` may manage the project (use where the project comes from a recording). */
export async function assertCanManageProject(db: Db, user: Pick<UserDto, 'id' | 'role'>, projectId: string) {
	if (!(await canManageProject(db, user, projectId))) {
		throw new HTTPException(403, { message: NOT_A_MANAGER });
	}
}

export type ProjectManagerEnv = { Variables: AuthEnv['Variables'] & { projectId: string } };

/**
 * For routes under `/:projectId`: resolves the id or slug (404 when unknown), checks
 * canManageProject (403) and sets `c.var.projectId` to the project's id. Runs before body
 * validation, so someone without the right learns nothing from their input being checked.
 * `notFound` is what the API document says of the operation's 404 (the handler may add its own
 * reasons, as "Project or speaker"): this declaration comes after the route's describe() and wins.
 */
export function requireProjectManager(db: Db, notFound = 'Project'): MiddlewareHandler<ProjectManagerEnv> {
	const middleware: MiddlewareHandler<ProjectManagerEnv> = async (c, next) => {
		const projectId = await findProjectId(db, c.req.param('projectId') ?? '');
		if (!projectId) return c.json(apiError('not_found', 'Project not found'), 404);
		await assertCanManageProject(db, c.var.user, projectId);
		c.set('projectId', projectId);
		await next();
	};
	return documentsManagerCheck(middleware, notFound);
}

/**
 * Lets a manager check document itself, as requireRole does: the API document gets its 403, the
 * 404 for the `what` it looks up, and `x-capability: manage` (server/openapi.ts writes it into the
 * operation's description), so the document cannot drift from the check.
 */
export function documentsManagerCheck<M extends MiddlewareHandler>(middleware: M, what: string): M {
	const responses = errors({ 403: `${NOT_A_MANAGER} (\`forbidden\`)`, 404: `${what} not found` });
	return Object.assign(middleware, { [uniqueSymbol]: { spec: { 'x-capability': 'manage', responses } } });
}
