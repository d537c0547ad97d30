import { Hono } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { BODY_LIMITS, describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { speakersRoutes } from '../speakers/speakers.routes.ts';
import { requireProjectAccess } from '../access/access.ts';
import { requireProjectManager } from './project-access.ts';
import { toProjectSummaryDto } from './projects.mapper.ts';
import { listProjectSummaries } from './projects.repository.ts';
import {
	createProjectSchema,
	layersSchema,
	patchProjectSchema,
	projectEnvelopeSchema,
	projectListSchema,
	projectParamsSchema,
	projectUsageEnvelopeSchema,
	projectWithCapabilitiesSchema,
	taxonomySchema
} from './projects.schemas.ts';
import { createProject, loadProject, loadProjectUsage, replaceLayers, replaceTaxonomy, updateProjectDetails } from './projects.service.ts';

const doc = {
	list: describe({
		tags: ['projects'],
		summary: 'The projects the signed-in user is a member of (an admin: all), with recording, duration and segment totals',
		responses: { 200: ok(projectListSchema) }
	}),
	create: describe({
		tags: ['projects'],
		summary: 'Create a project with the default dialect taxonomy and text layers',
		description:
			'The slug is derived from the name when absent (ASCII, lower case, hyphens); a name without ASCII letters gets `project-<end of id>`.',
		responses: {
			201: ok(projectEnvelopeSchema, 'Created'),
			...errors({ 409: 'The slug is taken (`slug_taken`, with `slug`)' })
		}
	}),
	get: describe({
		tags: ['projects'],
		summary: 'A project with its taxonomy, text layers and speakers, and what the signed-in user may do in it',
		responses: { 200: ok(projectWithCapabilitiesSchema) }
	}),
	patch: describe({
		tags: ['projects'],
		summary: 'Edit name, description or guidelines (only the fields given change)',
		responses: { 200: ok(projectEnvelopeSchema) }
	}),
	usage: describe({
		tags: ['projects'],
		summary: 'How many segments use each dialect tag, text layer and speaker (what may be removed)',
		responses: { 200: ok(projectUsageEnvelopeSchema) }
	}),
	taxonomy: describe({
		tags: ['projects'],
		summary: 'Replace the dialect taxonomy',
		description:
			'Tags are matched by code, so kept tags keep their ids and the segments that carry them. Codes must be unique across the tree.',
		responses: {
			200: ok(projectEnvelopeSchema),
			...errors({ 409: 'Segments still carry a removed tag (`tag_in_use`, with `codes`)' })
		}
	}),
	layers: describe({
		tags: ['projects'],
		summary: 'Replace the text layers, matched by key',
		responses: {
			200: ok(projectEnvelopeSchema),
			...errors({ 409: 'Segments hold text in a removed layer (`layer_in_use`, with `keys`)' })
		}
	})
};

/** Projects, their dialect taxonomy and text layers; speakers are a sub-app. */
export function projectsRoutes(deps: Deps) {
	const { db } = deps;
	const manager = requireProjectManager(db);
	const reader = requireProjectAccess(db, { from: 'project', param: 'projectId', need: 'read' });
	return new Hono<AuthEnv>()
		.get('/', doc.list, async (c) => {
			const user = c.var.user;
			const rows = await listProjectSummaries(db, user.role === 'admin' ? {} : { memberId: user.id });
			return c.json({ projects: rows.map(toProjectSummaryDto) }, 200);
		})
		.post('/', doc.create, requireRole('admin'), jsonBody(createProjectSchema, { maxBytes: BODY_LIMITS.text }), async (c) => {
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
		.get('/:projectId', doc.get, params(projectParamsSchema), reader, async (c) => {
			const project = await loadProject(db, c.var.access.projectId);
			if (!project) return notFound(c, 'Project');
			// What this user may do here: the UI shows or hides controls by it, the routes still check.
			const { role, can } = c.var.access;
			return c.json({ project, role, capabilities: can }, 200);
		})
		// Settings routes: a malformed id is a 404 before any query, then `manager` answers 404 for an
		// unknown project and 403 without the right, both before the body is read.
		.patch(
			'/:projectId',
			doc.patch,
			params(projectParamsSchema),
			manager,
			jsonBody(patchProjectSchema, { maxBytes: BODY_LIMITS.text }),
			async (c) => {
				const id = c.var.projectId;
				await updateProjectDetails(db, { projectId: id, patch: c.req.valid('json'), actorId: c.var.user.id });
				return c.json({ project: (await loadProject(db, id))! }, 200);
			}
		)
		.get('/:projectId/usage', doc.usage, params(projectParamsSchema), manager, async (c) =>
			c.json({ usage: await loadProjectUsage(db, c.var.projectId) }, 200)
		)
		.put(
			'/:projectId/taxonomy',
			doc.taxonomy,
			params(projectParamsSchema),
			manager,
			jsonBody(taxonomySchema, { maxBytes: BODY_LIMITS.text }),
			async (c) => {
				const id = c.var.projectId;
				const result = await replaceTaxonomy(db, { projectId: id, nodes: c.req.valid('json').dialectTags, actorId: c.var.user.id });
				if (!result.ok) {
					const codes = result.inUse;
					return c.json(
						apiError('tag_in_use', `Segments still carry ${codes.join(', ')}; retag them before removing`, { codes }),
						409
					);
				}
				return c.json({ project: (await loadProject(db, id))! }, 200);
			}
		)
		.put('/:projectId/layers', doc.layers, params(projectParamsSchema), manager, jsonBody(layersSchema), async (c) => {
			const id = c.var.projectId;
			const result = await replaceLayers(db, { projectId: id, layers: c.req.valid('json').textLayers, actorId: c.var.user.id });
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
