import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import { projectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import { apiError } from '../lib/errors.ts';
import { errors } from '../lib/openapi.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import type { UserDto } from '../users/users.mapper.ts';
import { findExportJob } from './export.repository.ts';

/**
 * Who may export a project's data. The one place that decides it: today admins only; with
 * per-project roles (issue 8) it becomes the access module's `can.export` (managers and exporters).
 */
export async function canExportProject(db: Db, user: Pick<UserDto, 'id' | 'role'>, projectId: string): Promise<boolean> {
	return (await projectAccess(db, user, projectId))?.can.export ?? false;
}

const NOT_AN_EXPORTER = "Only the project's managers and exporters may export its data";

export type ExportAccessEnv = { Variables: AuthEnv['Variables'] & { projectId: string } };

function documented<M extends MiddlewareHandler>(middleware: M, what: string): M {
	const responses = errors({ 403: `${NOT_AN_EXPORTER} (\`forbidden\`)`, 404: `${what} not found` });
	return Object.assign(middleware, { [uniqueSymbol]: { spec: { 'x-capability': 'export', responses } } });
}

/** For routes under `/projects/:projectId`: 404 for an unknown project, 403 without the right; sets `c.var.projectId`. */
export function requireProjectExporter(db: Db): MiddlewareHandler<ExportAccessEnv> {
	return documented<MiddlewareHandler<ExportAccessEnv>>(async (c, next) => {
		const projectId = await findProjectId(db, c.req.param('projectId') ?? '');
		if (!projectId) return c.json(apiError('not_found', 'Project not found'), 404);
		if (!(await canExportProject(db, c.var.user, projectId))) throw new HTTPException(403, { message: NOT_AN_EXPORTER });
		c.set('projectId', projectId);
		await next();
	}, 'Project');
}

/** For routes under `/exports/:exportId`: the export's project decides (404 for an unknown export). */
export function requireExportOwnerProject(db: Db): MiddlewareHandler<ExportAccessEnv> {
	return documented<MiddlewareHandler<ExportAccessEnv>>(async (c, next) => {
		const row = await findExportJob(db, c.req.param('exportId') ?? '');
		if (!row) return c.json(apiError('not_found', 'Export not found'), 404);
		if (!(await canExportProject(db, c.var.user, row.project_id))) throw new HTTPException(403, { message: NOT_AN_EXPORTER });
		c.set('projectId', row.project_id);
		await next();
	}, 'Export');
}
