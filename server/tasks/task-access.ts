import type { MiddlewareHandler } from 'hono';
import { uniqueSymbol } from 'hono-openapi';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import { apiError } from '../lib/errors.ts';
import { errors } from '../lib/openapi.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { findTaskProject } from './tasks.repository.ts';

export type TaskCapability = 'read' | 'transcribe' | 'review' | 'manage';
export type TaskAccess = { projectId: string; can: Record<TaskCapability, boolean> };

/**
 * What `user` may do with the tasks of project `projectId`; null when they are not in the project
 * (the routes answer 404 then, so ids do not leak). The one place task routes learn it: it reads
 * the global role until per-project membership lands, then becomes a call of projectAccess.
 */
export async function taskAccess(db: Db, user: Pick<UserDto, 'id' | 'role'>, projectId: string): Promise<TaskAccess | null> {
	void db;
	const role = user.role as string;
	const admin = role === 'admin';
	return {
		projectId,
		can: {
			read: true,
			transcribe: admin || role === 'transcriber',
			review: admin || role === 'reviewer',
			manage: admin
		}
	};
}

export type TaskAccessEnv = { Variables: AuthEnv['Variables'] & { access: TaskAccess } };

const NEEDS: Record<TaskCapability, string> = {
	read: 'You cannot see this project',
	transcribe: 'Only transcribers of this project may do this',
	review: 'Only reviewers of this project may do this',
	manage: "Only the project's managers may do this"
};

/**
 * For task routes: resolves the project from `:projectId` (id or slug) or from `:taskId`, answers
 * 404 for an unknown one or a non-member and 403 for a member without `need`, and sets
 * `c.var.access`. Runs before the body is read. Documents its 403/404 in the API document.
 */
export function requireTaskAccess(db: Db, options: { from: 'project' | 'task'; need: TaskCapability }): MiddlewareHandler<TaskAccessEnv> {
	const what = options.from === 'project' ? 'Project' : 'Task';
	const middleware: MiddlewareHandler<TaskAccessEnv> = async (c, next) => {
		const projectId =
			options.from === 'project'
				? await findProjectId(db, c.req.param('projectId') ?? '')
				: await findTaskProject(db, c.req.param('taskId') ?? '');
		const access = projectId ? await taskAccess(db, c.var.user, projectId) : null;
		if (!access) return c.json(apiError('not_found', `${what} not found`), 404);
		if (!access.can[options.need]) return c.json(apiError('forbidden', NEEDS[options.need]), 403);
		c.set('access', access);
		await next();
	};
	const responses = errors({ 403: `${NEEDS[options.need]} (\`forbidden\`)`, 404: `${what} not found` });
	return Object.assign(middleware, { [uniqueSymbol]: { spec: { 'x-capability': options.need, responses } } });
}
