import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { csvDoc, csvResponse } from '../lib/csv-response.ts';
import { describe, errors, ok, params, query } from '../lib/openapi.ts';
import { requireProjectManager } from '../projects/project-access.ts';
import { dashboardCsvParamsSchema, dashboardParamsSchema, dashboardQuerySchema, dashboardSchema } from './dashboard.schemas.ts';
import { loadDashboard, writeDashboardCsv } from './dashboard.service.ts';

const queryWithUser = dashboardQuerySchema.extend({
	user: z.string().max(64).optional().describe('Narrow the quality and category series to this transcriber')
});

const doc = {
	get: describe({
		tags: ['dashboard'],
		summary: "The project's dashboard: progress over time, the queue, transcribers, quality, error categories and dialect tags",
		description: 'Read from figures maintained on every write, so it answers in constant time whatever the size of the project.',
		responses: { 200: ok(dashboardSchema), ...errors({ 404: 'Project not found' }) }
	}),
	csv: describe({
		tags: ['dashboard'],
		summary: 'One dashboard table as CSV',
		responses: { 200: csvDoc('The table'), ...errors({ 404: 'Project not found' }) }
	})
};

/** A project's dashboard, for its managers; mounted at /api/projects/:projectId/dashboard. */
export function dashboardRoutes({ db }: Deps) {
	const manager = requireProjectManager(db);
	return new Hono<AuthEnv>()
		.get('/', doc.get, params(dashboardParamsSchema), manager, query(queryWithUser), async (c) => {
			const { user, ...range } = c.req.valid('query');
			return c.json(await loadDashboard(db, c.var.projectId, range, user), 200);
		})
		.get('/csv/:table', doc.csv, params(dashboardCsvParamsSchema), manager, query(queryWithUser), async (c) => {
			const { user, ...range } = c.req.valid('query');
			const { table, projectId } = c.req.valid('param');
			const dto = await loadDashboard(db, c.var.projectId, range, user);
			return csvResponse(c, `dashboard-${projectId}-${table}.csv`, writeDashboardCsv(dto, table));
		});
}
