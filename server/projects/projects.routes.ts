import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound, onInvalid } from '../lib/http.ts';
import { speakersRoutes } from '../speakers/speakers.routes.ts';
import { projectCapabilities, requireProjectManager } from './project-access.ts';
import { toProjectSummaryDto } from './projects.mapper.ts';
import { listProjectSummaries, updateProject } from './projects.repository.ts';
import { createProjectSchema, layersSchema, patchProjectSchema, taxonomySchema } from './projects.schemas.ts';
import { createProject, loadProject, loadProjectUsage, replaceLayers, replaceTaxonomy } from './projects.service.ts';

/** Projects, their dialect taxonomy and text layers; speakers are a sub-app. */
export function projectsRoutes(deps: Deps) {
	const { db } = deps;
	const manager = requireProjectManager(db);
	return new Hono<AuthEnv>()
		.get('/', async (c) => {
			const rows = await listProjectSummaries(db);
			return c.json({ projects: rows.map(toProjectSummaryDto) }, 200);
		})
		.post('/', requireRole('admin'), zValidator('json', createProjectSchema, onInvalid), async (c) => {
			const input = c.req.valid('json');
			const result = await createProject(db, { ...input, createdBy: c.var.user.id });
			if (!result.ok) {
				return c.json(
					apiError('slug_taken', `Another project already uses the slug ${result.slug}`, { slug: result.slug }),
					409
				);
			}
			return c.json({ project: result.project }, 201);
		})
		.get('/:projectId', async (c) => {
			const project = await loadProject(db, c.req.param('projectId'));
			if (!project) return notFound(c, 'Project');
			// What this user may do here: the UI shows or hides controls by it, the routes still check.
			const capabilities = await projectCapabilities(db, c.var.user, project.id);
			return c.json({ project, capabilities }, 200);
		})
		.patch('/:projectId', manager, zValidator('json', patchProjectSchema, onInvalid), async (c) => {
			const id = c.var.projectId;
			await updateProject(db, id, c.req.valid('json'));
			return c.json({ project: (await loadProject(db, id))! }, 200);
		})
		.get('/:projectId/usage', manager, async (c) => {
			return c.json({ usage: await loadProjectUsage(db, c.var.projectId) }, 200);
		})
		.put('/:projectId/taxonomy', manager, zValidator('json', taxonomySchema, onInvalid), async (c) => {
			const id = c.var.projectId;
			const result = await replaceTaxonomy(db, id, c.req.valid('json').dialectTags);
			if (!result.ok) {
				const codes = result.inUse;
				return c.json(
					apiError('tag_in_use', `Segments still carry ${codes.join(', ')}; retag them before removing`, { codes }),
					409
				);
			}
			return c.json({ project: (await loadProject(db, id))! }, 200);
		})
		.put('/:projectId/layers', manager, zValidator('json', layersSchema, onInvalid), async (c) => {
			const id = c.var.projectId;
			const result = await replaceLayers(db, id, c.req.valid('json').textLayers);
			if (!result.ok) {
				const keys = result.inUse;
				return c.json(
					apiError('layer_in_use', `Segments hold text in ${keys.join(', ')}; clear it before removing`, { keys }),
					409
				);
			}
			return c.json({ project: (await loadProject(db, id))! }, 200);
		})
		.route('/:projectId/speakers', speakersRoutes(deps));
}
