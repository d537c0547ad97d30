import type { MiddlewareHandler } from 'hono';
import { projectAccess, requireProjectAccess, type AccessEnv, type AccessUser, type ProjectAccess } from '../access/access.ts';
import type { Db } from '../db/connection.ts';

export type TaskCapability = 'read' | 'transcribe' | 'review' | 'manage';
export type TaskAccess = ProjectAccess;

/**
 * What `user` may do with the tasks of project `projectId` (an existing project's id); null when
 * they are not in the project (the routes answer 404 then, so ids do not leak). server/access/ decides.
 */
export function taskAccess(db: Db, user: AccessUser, projectId: string): Promise<TaskAccess | null> {
	return projectAccess(db, user, projectId);
}

export type TaskAccessEnv = AccessEnv;

/**
 * For task routes: the project from `:projectId` (id or slug) or from `:taskId`; 404 for an unknown
 * one or a non-member, 403 for a member without `need`; sets `c.var.access` (requireProjectAccess).
 */
export function requireTaskAccess(db: Db, options: { from: 'project' | 'task'; need: TaskCapability }): MiddlewareHandler<TaskAccessEnv> {
	return requireProjectAccess(db, { from: options.from, param: options.from === 'project' ? 'projectId' : 'taskId', need: options.need });
}
