import { Hono } from 'hono';
import { z } from 'zod';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { Deps } from '../deps.ts';
import { csvDoc, csvResponse } from '../lib/csv-response.ts';
import { describe, ok, params, query } from '../lib/openapi.ts';
import { dashboardCsvParamsSchema, dashboardParamsSchema, dashboardQuerySchema, dashboardSchema } from './dashboard.schemas.ts';
import { loadDashboard, writeDashboardCsv } from './dashboard.service.ts';

const queryWithUser = dashboardQuerySchema.extend({
	user: z.string().max(64).optional().describe('Narrow the quality and category series to this transcriber')
});

const doc = {
	get: describe({
		tags: ['dashboard'],
		summary: "The project's dashboard: progress over time, the queue, transcribers, quality, error categories and dialect tags",
		description:
			'Read from figures maintained on every write, so it answers in constant time whatever the size of the project; the agreement between double transcriptions per dialect tag (κ, α) reads the double-transcribed recordings\' tags (a project without double transcription pays one small query).',
		responses: { 200: ok(dashboardSchema) }
	}),
	csv: describe({
		tags: ['dashboard'],
		summary: 'One dashboard table as CSV',
		responses: { 200: csvDoc('The table') }
	})
};

/**
 * A project's dashboard, for its managers (the `manage` capability: a non-member gets 404, another
 * member 403); mounted at /api/projects/:projectId/dashboard.
 */
export function dashboardRoutes({ db }: Deps) {
	const manager = requireProjectAccess(db, { from: 'project', param: 'projectId', need: 'manage' });
	return new Hono<AccessEnv>()
		.get('/', doc.get, params(dashboardParamsSchema), manager, query(queryWithUser), async (c) => {
			const { user, ...range } = c.req.valid('query');
			return c.json(await loadDashboard(db, c.var.access.projectId, range, user), 200);
		})
		.get('/csv/:table', doc.csv, params(dashboardCsvParamsSchema), manager, query(queryWithUser), async (c) => {
			const { user, ...range } = c.req.valid('query');
			const { table, projectId } = c.req.valid('param');
			const dto = await loadDashboard(db, c.var.access.projectId, range, user);
			return csvResponse(c, `dashboard-${projectId}-${table}.csv`, writeDashboardCsv(dto, table));
		});
}
