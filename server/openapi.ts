import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import { SESSION_COOKIE } from './auth/auth.middleware.ts';
import { describe, media } from './lib/openapi.ts';

export type OpenApiDocument = OpenAPIV3_1.Document;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const errorResponse = (description: string): OpenAPIV3_1.ResponseObject => ({
	description,
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
});

/**
 * The OpenAPI 3.1 document of /api, generated from the routes' own declarations (describe, the
 * validators and requireRole; see server/lib/openapi.ts), plus what holds for every route: the
 * session cookie unless `publicRoutes` lists it ("GET /api/health"), a 400 from the input guard,
 * and 413/415 for a JSON body.
 */
export async function buildOpenApiDocument(
	app: Hono,
	options: { publicRoutes: ReadonlySet<string>; version: string }
): Promise<OpenApiDocument> {
	const doc = (await generateSpecs(app, {
		excludeStaticFile: false,
		defaultValidationErrorResponse: errorResponse('Invalid request (`invalid_request`, with `issues`)'),
		documentation: {
			info: {
				title: 'Fangyan API',
				version: options.version,
				description:
					'Transcribe, tag and review regional-dialect speech. Times are integer milliseconds; text is NFC. ' +
					'Errors are `{ error: { code, message, … } }`. Every route except health, this document, setup and ' +
					'login needs the session cookie that login and setup set.'
			},
			servers: [{ url: '/' }],
			security: [{ session: [] }],
			tags: [
				{ name: 'system' },
				{ name: 'auth' },
				{ name: 'users' },
				{ name: 'projects' },
				{ name: 'speakers' },
				{ name: 'recordings' },
				{ name: 'media' },
				{ name: 'segments' },
				{ name: 'review' },
				{ name: 'export' }
			],
			components: {
				securitySchemes: {
					session: {
						type: 'apiKey',
						in: 'cookie',
						name: SESSION_COOKIE,
						description: 'HttpOnly session cookie set by login or setup'
					}
				}
			}
		}
	})) as OpenApiDocument;

	allowAnyWhereEmpty(doc);
	for (const [path, item] of Object.entries(doc.paths ?? {})) {
		for (const method of METHODS) {
			const op = item?.[method] as
				| (OpenAPIV3_1.OperationObject & { 'x-roles'?: string[]; 'x-capability'?: string })
				| undefined;
			if (!op) continue;
			const responses = (op.responses ??= {});
			const isPublic = options.publicRoutes.has(`${method.toUpperCase()} ${path}`);
			if (isPublic) op.security = [];
			else responses['401'] ??= errorResponse('No session: sign in first (`unauthenticated`)');
			responses['400'] ??= errorResponse(
				'Invalid request: a path or query value with a NUL, a lone surrogate or bad percent-encoding (`invalid_request`)'
			);
			const body = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
			if (body?.content?.['application/json']) {
				responses['413'] ??= errorResponse('The body is larger than this route accepts (`too_large`, with `maxBytes`)');
				responses['415'] ??= errorResponse('The body is not JSON (`unsupported_media_type`)');
			}
			const who = [
				op['x-roles'] && `Roles: ${op['x-roles'].join(', ')}.`,
				op['x-capability'] &&
					`Needs the \`${op['x-capability']}\` capability in the project (\`capabilities\` in GET /api/projects/{projectId} says who has it).`
			].filter(Boolean);
			if (who.length > 0) op.description = [op.description, ...who].filter(Boolean).join('\n\n');
			op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
		}
	}
	return doc;
}

/**
 * zod writes "any value" (z.unknown()) as `additionalProperties: {}`; `true` says the same and is
 * what stricter readers (the reference page's own validator) accept.
 */
function allowAnyWhereEmpty(value: unknown) {
	const stack = [value];
	while (stack.length > 0) {
		const current = stack.pop();
		if (!current || typeof current !== 'object') continue;
		const record = current as Record<string, unknown>;
		const extra = record.additionalProperties;
		if (extra && typeof extra === 'object' && Object.keys(extra).length === 0) record.additionalProperties = true;
		stack.push(...Object.values(record));
	}
}

/** Where the reference's browser bundle is served from: our own origin, so /api/docs works offline. */
const REFERENCE_SCRIPT = '/api/docs/scalar.js';

let referenceScript: Uint8Array<ArrayBuffer> | undefined;

/** Scalar's standalone bundle (3.5 MB) as installed in node_modules; the Fastify integration ships it. */
function loadReferenceScript(): Uint8Array<ArrayBuffer> {
	const entry = createRequire(import.meta.url).resolve('@scalar/fastify-api-reference');
	referenceScript ??= new Uint8Array(readFileSync(path.join(path.dirname(entry), 'js', 'standalone.js')));
	return referenceScript;
}

const documentDoc = describe({
	tags: ['system'],
	summary: 'This document (OpenAPI 3.1), generated from the route declarations',
	responses: { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } }
});

const referenceDoc = describe({
	tags: ['system'],
	summary: 'An interactive reference to this document (works offline: everything is served from here)',
	responses: { 200: media(['text/html'], 'The reference page') }
});

const referenceScriptDoc = describe({
	tags: ['system'],
	summary: "The reference page's script",
	responses: { 200: media(['text/javascript'], 'The script') }
});

/**
 * GET /openapi.json (the document), /docs (an interactive reference to it) and the reference's
 * script; mounted under /api. `getDocument` builds the document of the whole app on first use.
 */
export function openApiRoutes(getDocument: () => Promise<OpenApiDocument>) {
	return new Hono()
		.get('/openapi.json', documentDoc, async (c) => c.json(await getDocument(), 200))
		.get(
			'/docs',
			referenceDoc,
			Scalar({
				url: '/api/openapi.json',
				cdn: REFERENCE_SCRIPT,
				pageTitle: 'Fangyan API',
				// Nothing is fetched from anywhere but this server: no web fonts, telemetry or AI agent.
				withDefaultFonts: false,
				telemetry: false,
				showDeveloperTools: 'never',
				agent: { disabled: true }
			})
		)
		.get('/docs/scalar.js', referenceScriptDoc, (c) =>
			c.body(loadReferenceScript(), 200, {
				'Content-Type': 'text/javascript; charset=utf-8',
				'Cache-Control': 'public, max-age=86400'
			})
		);
}
