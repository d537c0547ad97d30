import { Hono, type Context } from 'hono';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { csvDoc, csvResponse } from '../lib/csv-response.ts';
import { describe, errors, ok, params, query } from '../lib/openapi.ts';
import { ALL_AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit.ts';
import { decodeCursor, toAuditFilter } from './audit.mapper.ts';
import { listAuditActors } from './audit.repository.ts';
import { loadAuditPage, writeAuditCsv } from './audit.service.ts';
import { auditFiltersSchema, auditCsvQuerySchema, auditPageSchema, auditQuerySchema, projectAuditParamsSchema, type AuditQuery } from './audit.schemas.ts';

const FILTERS =
	'Filters: `actor` (user id), `action` (an action or a group such as `task`), `targetType`, `target` (an id), `from`/`to` (days, inclusive, or instants). Segment edits come from the segment history (`segment.*`).';

const doc = (scope: 'project' | 'instance') => {
	const tags = ['audit'];
	const where = scope === 'project' ? "The project's" : "The whole instance's";
	return {
		page: describe({
			tags,
			summary: `${where} audit trail, newest first, one page (keyset)`,
			description: FILTERS,
			responses: { 200: ok(auditPageSchema), ...errors({ 400: 'Bad filter or cursor (`invalid_request`)' }) }
		}),
		csv: describe({
			tags,
			summary: `${where} audit trail as CSV (streamed, all pages)`,
			description: FILTERS,
			responses: { 200: csvDoc('The filtered entries, newest first') }
		}),
		filters: describe({
			tags,
			summary: `What ${where.toLowerCase()} audit trail can be filtered by: its actors, the actions and target types`,
			responses: { 200: ok(auditFiltersSchema) }
		})
	};
};

function badCursor(c: Context) {
	return c.json(apiError('invalid_request', 'after: not a cursor of this list', { issues: [{ path: 'after', message: 'Not a cursor' }] }), 400);
}

async function page(c: Context, deps: Deps, q: AuditQuery & { limit: number; after?: string }, projectId?: string) {
	const after = q.after === undefined ? undefined : decodeCursor(q.after);
	if (q.after !== undefined && !after) return badCursor(c);
	return c.json(await loadAuditPage(deps.db, toAuditFilter(q, projectId), { limit: q.limit, after }), 200);
}

async function filterChoices(deps: Deps, projectId?: string) {
	return { actors: await listAuditActors(deps.db, projectId), actions: [...ALL_AUDIT_ACTIONS], targetTypes: [...AUDIT_TARGET_TYPES] };
}

function csvName(scope: string) {
	return `audit-${scope}-${new Date().toISOString().slice(0, 10)}.csv`;
}

/**
 * A project's audit trail, for its managers (the `manage` capability: a non-member gets 404, another
 * member 403; the check documents both); mounted at /api/projects/:projectId/audit.
 */
export function projectAuditRoutes(deps: Deps) {
	const manager = requireProjectAccess(deps.db, { from: 'project', param: 'projectId', need: 'manage' });
	const d = doc('project');
	return new Hono<AccessEnv>()
		.get('/', d.page, params(projectAuditParamsSchema), manager, query(auditQuerySchema), (c) =>
			page(c, deps, c.req.valid('query'), c.var.access.projectId)
		)
		.get('/csv', d.csv, params(projectAuditParamsSchema), manager, query(auditCsvQuerySchema), (c) =>
			csvResponse(c, csvName(c.req.valid('param').projectId), writeAuditCsv(deps.db, toAuditFilter(c.req.valid('query'), c.var.access.projectId)))
		)
		.get('/filters', d.filters, params(projectAuditParamsSchema), manager, async (c) =>
			c.json(await filterChoices(deps, c.var.access.projectId), 200)
		);
}

/** The instance-wide audit trail, for admins; mounted at /api/admin/audit (not /api/audit, which /api/projects/../audit would reach). */
export function auditRoutes(deps: Deps) {
	const d = doc('instance');
	return new Hono<AuthEnv>()
		.get('/', d.page, requireRole('admin'), query(auditQuerySchema), (c) => page(c, deps, c.req.valid('query')))
		.get('/csv', d.csv, requireRole('admin'), query(auditCsvQuerySchema), (c) =>
			csvResponse(c, csvName('instance'), writeAuditCsv(deps.db, toAuditFilter(c.req.valid('query'))))
		)
		.get('/filters', d.filters, requireRole('admin'), async (c) => c.json(await filterChoices(deps), 200));
}
