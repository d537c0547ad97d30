import type { MiddlewareHandler } from 'hono';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { Db } from '../db/connection.ts';

/**
 * Who may export a project's data: the access module's `export` capability (managers, exporters and
 * admins). A non-member gets 404 for the project or the export (ids do not leak), a member without
 * the capability 403 — checked on every request, so a download stops the moment the caller's role
 * in the export's project no longer allows exporting.
 */
export type ExportAccessEnv = { Variables: AccessEnv['Variables'] & { projectId: string } };

function withProjectId(check: MiddlewareHandler<ExportAccessEnv>): MiddlewareHandler<ExportAccessEnv> {
	const middleware: MiddlewareHandler<ExportAccessEnv> = (c, next) =>
		check(c, async () => {
			c.set('projectId', c.var.access.projectId);
			await next();
		});
	// Keeps the check's API-document declaration (404, 403, x-capability).
	return Object.assign(middleware, check);
}

/** For routes under `/projects/:projectId`: sets `c.var.access` and `c.var.projectId` (the project's id). */
export function requireProjectExporter(db: Db): MiddlewareHandler<ExportAccessEnv> {
	return withProjectId(requireProjectAccess<ExportAccessEnv>(db, { from: 'project', param: 'projectId', need: 'export' }));
}

/** For routes under `/exports/:exportId`: the export job's project decides. */
export function requireExportOwnerProject(db: Db): MiddlewareHandler<ExportAccessEnv> {
	return withProjectId(requireProjectAccess<ExportAccessEnv>(db, { from: 'exportJob', param: 'exportId', need: 'export' }));
}
