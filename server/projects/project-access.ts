import type { MiddlewareHandler } from 'hono';
import { projectAccess, requireProjectAccess, type AccessEnv, type AccessUser } from '../access/access.ts';
import type { Db } from '../db/connection.ts';

/**
 * The project-setup checks in the shape the settings routes were written against; the decision is
 * server/access/ (projectAccess). New code uses requireProjectAccess and `c.var.access` directly.
 */
export async function canManageProject(db: Db, user: AccessUser, projectId: string): Promise<boolean> {
	return (await projectAccess(db, user, projectId))?.can.manage ?? false;
}

export type ProjectManagerEnv = { Variables: AccessEnv['Variables'] & { projectId: string } };

/**
 * For routes under `/:projectId`: resolves the id or slug, 404 unless the user is in the project,
 * 403 without `manage`; sets `c.var.access` and `c.var.projectId` (the project's id). Runs before
 * body validation. `notFound` is what the API document says of the operation's 404.
 */
export function requireProjectManager(db: Db, notFound = 'Project not found'): MiddlewareHandler<ProjectManagerEnv> {
	const check = requireProjectAccess<ProjectManagerEnv>(db, { from: 'project', param: 'projectId', need: 'manage', notFound });
	const middleware: MiddlewareHandler<ProjectManagerEnv> = (c, next) =>
		check(c, async () => {
			c.set('projectId', c.var.access.projectId);
			await next();
		});
	return Object.assign(middleware, check);
}
