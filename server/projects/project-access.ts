import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import { apiError } from '../lib/errors.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { findProjectId } from './projects.repository.ts';

/** What a project route may do for the signed-in user; sent to the client as its capability flags. */
export interface ProjectCapabilities {
	/** Change the project's setup: details, guidelines, speakers, taxonomy, layers, recordings' names, deletion. */
	manage: boolean;
}

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
		throw new HTTPException(403, { message: "Only the project's managers may change its setup" });
	}
}

export type ProjectManagerEnv = { Variables: AuthEnv['Variables'] & { projectId: string } };

/**
 * For routes under `/:projectId`: resolves the id or slug (404 when unknown), checks
 * canManageProject (403) and sets `c.var.projectId` to the project's id. Runs before body
 * validation, so someone without the right learns nothing from their input being checked.
 */
export function requireProjectManager(db: Db): MiddlewareHandler<ProjectManagerEnv> {
	return async (c, next) => {
		const projectId = await findProjectId(db, c.req.param('projectId') ?? '');
		if (!projectId) return c.json(apiError('not_found', 'Project not found'), 404);
		await assertCanManageProject(db, c.var.user, projectId);
		c.set('projectId', projectId);
		await next();
	};
}
