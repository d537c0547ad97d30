import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { projectMembersRoutes } from './access/members.routes.ts';
import { auditRoutes, projectAuditRoutes } from './audit/audit.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { dashboardRoutes } from './dashboard/dashboard.routes.ts';
import { requireSession, type AuthEnv } from './auth/auth.middleware.ts';
import type { Deps } from './deps.ts';
import { AppError, apiError } from './lib/errors.ts';
import { hasRequestBody, inputGuard } from './lib/input-guard.ts';
import { BODY_LIMITS, describe, ok } from './lib/openapi.ts';
import { buildOpenApiDocument, openApiRoutes, type OpenApiDocument } from './openapi.ts';
import { recordingEventsRoutes } from './events/events.routes.ts';
import { exportsRoutes, projectExportsRoutes } from './export/export.routes.ts';
import { presegmentRoutes } from './presegment/presegment.routes.ts';
import { projectsRoutes } from './projects/projects.routes.ts';
import { projectQaRoutes, qaBatchRoutes } from './review/qa.routes.ts';
import { recordingMetricsRoutes, recordingReviewRoutes, reviewSettingsRoutes, segmentReviewRoutes } from './review/review.routes.ts';
import { projectRecordingsRoutes, recordingsRoutes } from './recordings/recordings.routes.ts';
import { recordingSegmentsRoutes, segmentsRoutes } from './segments/segments.routes.ts';
import { spectrogramRoutes } from './spectrogram/spectrogram.routes.ts';
import { projectTasksRoutes, tasksRoutes } from './tasks/tasks.routes.ts';
import { projectTranscriptImportRoutes, recordingTranscriptImportRoutes } from './transcript-import/transcript-import.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

/** Routes anyone may call without a session: method + path. Every other /api route needs one. */
const PUBLIC_ROUTES = new Set([
	'GET /api/health',
	'GET /api/openapi.json',
	'GET /api/docs',
	'GET /api/docs/scalar.js',
	'GET /api/auth/setup',
	'POST /api/auth/setup',
	'POST /api/auth/login',
	'POST /api/auth/link',
	'POST /api/auth/link/accept'
]);

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const healthDoc = describe({
	tags: ['system'],
	summary: 'Liveness, database kind and ffmpeg version',
	responses: {
		200: ok(z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']), ffmpeg: z.string() }))
	}
});

const documents = new WeakMap<object, Promise<OpenApiDocument>>();

export function createApp(deps: Deps, options: { staticDir?: string } = {}) {
	// The document describes the whole app, which is only complete below.
	let whole: object = {};
	const api = new Hono<AuthEnv>()
		.use('*', inputGuard())
		.use('*', bodyCeiling())
		.use('*', sessionGate(deps))
		.get('/health', healthDoc, (c) =>
			c.json({ status: 'ok' as const, database: deps.dbKind, ffmpeg: deps.media.version }, 200)
		)
		.route('/', openApiRoutes(() => openApiDocumentOf(whole)))
		.route('/auth', authRoutes(deps))
		.route('/projects', projectsRoutes(deps))
		.route('/projects/:projectId/members', projectMembersRoutes(deps))
		.route('/users', usersRoutes(deps))
		.route('/projects/:projectId/recordings', projectRecordingsRoutes(deps))
		.route('/projects/:projectId/transcript-import', projectTranscriptImportRoutes(deps))
		.route('/projects/:projectId/review-settings', reviewSettingsRoutes(deps))
		.route('/projects/:projectId/qa-batches', projectQaRoutes(deps))
		.route('/projects/:projectId/audit', projectAuditRoutes(deps))
		.route('/projects/:projectId/dashboard', dashboardRoutes(deps))
		.route('/admin/audit', auditRoutes(deps))
		.route('/projects/:projectId/tasks', projectTasksRoutes(deps))
		.route('/projects/:projectId/exports', projectExportsRoutes(deps))
		.route('/exports', exportsRoutes(deps))
		.route('/recordings', recordingsRoutes(deps))
		.route('/recordings/:recordingId/segments', recordingSegmentsRoutes(deps))
		.route('/recordings/:recordingId/presegment', presegmentRoutes(deps))
		.route('/recordings/:recordingId/spectrogram', spectrogramRoutes(deps))
		.route('/recordings/:recordingId/transcript-import', recordingTranscriptImportRoutes(deps))
		.route('/recordings/:recordingId/events', recordingEventsRoutes(deps))
		.route('/recordings/:recordingId/review', recordingReviewRoutes(deps))
		.route('/recordings/:recordingId/metrics', recordingMetricsRoutes(deps))
		.route('/qa-batches', qaBatchRoutes(deps))
		.route('/segments', segmentsRoutes(deps))
		.route('/segments', segmentReviewRoutes(deps))
		.route('/tasks', tasksRoutes(deps));

	const app = new Hono()
		.onError((err, c) => handleError(err, c, deps))
		.route('/api', api);

	app.all('/api/*', (c) => c.json(apiError('not_found', `No route ${c.req.method} ${c.req.path}`), 404));
	if (options.staticDir && existsSync(options.staticDir)) mountSpa(app, options.staticDir);
	whole = app;
	return app;
}

export type AppType = ReturnType<typeof createApp>;

/** The OpenAPI document of an app made by createApp, generated once from its route declarations. */
export function openApiDocumentOf(app: object): Promise<OpenApiDocument> {
	let document = documents.get(app);
	if (!document) {
		document = buildOpenApiDocument(app as Hono, { publicRoutes: PUBLIC_ROUTES, version: VERSION });
		documents.set(app, document);
	}
	return document;
}

/**
 * No request body reaches a route above the largest route limit, whatever reads it (each JSON
 * route has its own smaller limit, see BODY_LIMITS). A declared length is checked up front; a
 * streamed body is counted as it is read (lazily, so a route with a smaller limit stops reading
 * at its own). Uploads are streamed under their own limit.
 */
function bodyCeiling(): MiddlewareHandler {
	const maxBytes = BODY_LIMITS.text;
	const tooLarge = () => new AppError(413, 'too_large', `The request body is larger than ${maxBytes} bytes`, { maxBytes });
	return async (c, next) => {
		// Decided from the headers where they tell (hasRequestBody): touching the body stream would
		// build a full web Request (and an AbortSignal) for every request, a tenth of an autosave's
		// cost. A declared length is all Node's parser lets through.
		// Uploads are streamed under their own limit.
		if (/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) return next();
		const declared = c.req.header('content-length');
		if (declared !== undefined) {
			if (Number(declared) > maxBytes) throw tooLarge();
			return next();
		}
		if (!hasRequestBody(c)) return next();
		const raw = c.req.raw;
		if (!raw.body) return next();
		let size = 0;
		const counted = raw.body.pipeThrough(
			new TransformStream<Uint8Array, Uint8Array>({
				transform(chunk, controller) {
					size += chunk.byteLength;
					if (size > maxBytes) controller.error(tooLarge());
					else controller.enqueue(chunk);
				}
			})
		);
		c.req.raw = new Request(raw, { body: counted, duplex: 'half' } as RequestInit);
		return next();
	};
}

function sessionGate(deps: Deps): MiddlewareHandler<AuthEnv> {
	const check = requireSession(deps);
	return (c, next) => (PUBLIC_ROUTES.has(`${c.req.method} ${c.req.path}`) ? next() : check(c, next));
}

function handleError(err: Error, c: Parameters<Parameters<Hono['onError']>[0]>[1], deps: Deps) {
	if (err instanceof AppError) return c.json(err.toBody(), err.status);
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		const code = { 400: 'invalid_request', 401: 'unauthenticated', 403: 'forbidden', 413: 'too_large' }[status as number] ?? 'error';
		const message = status === 400 && /json/i.test(err.message) ? 'Malformed JSON in request body' : err.message;
		return c.json(apiError(code, message || 'Request failed'), status);
	}
	deps.log.error(`${c.req.method} ${c.req.path} failed`, err);
	return c.json(apiError('internal', 'Internal server error'), 500);
}

/** Serves the built single-page app: files as they are, and 200.html for client-side routes. */
function mountSpa(app: Hono, dir: string) {
	const root = path.relative(process.cwd(), dir) || '.';
	const fallback = path.join(dir, '200.html');
	const html = existsSync(fallback) ? readFileSync(fallback, 'utf8') : '';
	app.use(
		'/_app/immutable/*',
		async (c, next) => {
			await next();
			c.header('Cache-Control', 'public, max-age=31536000, immutable');
		}
	);
	app.use('*', serveStatic({ root }));
	app.get('*', (c) => c.html(html, 200, { 'Cache-Control': 'no-cache' }));
}
