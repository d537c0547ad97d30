import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';
import { createTestContext, type TestContext } from './test/context.ts';
import { DB_KINDS } from './test/db.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** `/api/projects/:projectId/` → `/api/projects/{projectId}` (Hono's `:name{regex}` too). */
function toOpenApiPath(path: string) {
	const normalised = path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}').replace(/\/+$/, '');
	return normalised || '/';
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
	if (Array.isArray(value)) value.forEach((v) => collectRefs(v, refs));
	else if (value && typeof value === 'object') {
		for (const [key, v] of Object.entries(value)) {
			if (key === '$ref' && typeof v === 'string') refs.push(v);
			else collectRefs(v, refs);
		}
	}
	return refs;
}

describe.each(DB_KINDS)('OpenAPI document on %s', (kind) => {
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext(kind);
	});
	afterAll(() => ctx.close());

	it('documents every /api route the app registers', () => {
		const registered = ctx.app.routes
			.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
			.map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
		expect(registered.length).toBeGreaterThan(20);
		const documented = new Set(
			Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
				Object.keys(item)
					.filter((m) => METHODS.includes(m))
					.map((m) => `${m} ${path}`)
			)
		);
		const missing = [...new Set(registered)].filter((r) => !documented.has(r));
		expect(missing, `undocumented routes: ${missing.join(', ')}`).toEqual([]);
	});

	it('is a consistent OpenAPI 3.1 document: refs resolve, path parameters are declared, every operation answers', () => {
		expect(openApiDocument.openapi).toBe('3.1.0');
		const schemas = openApiDocument.components.schemas;
		for (const target of collectRefs(openApiDocument)) {
			const name = target.replace('#/components/schemas/', '');
			expect(schemas, target).toHaveProperty(name);
		}
		for (const [path, item] of Object.entries(openApiDocument.paths)) {
			const declared = new Set(
				((item.parameters as { name: string; in: string }[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name)
			);
			for (const name of path.match(/\{([^}]+)\}/g)?.map((m) => m.slice(1, -1)) ?? []) {
				expect(declared.has(name), `${path} declares {${name}}`).toBe(true);
			}
			for (const [method, op] of Object.entries(item)) {
				if (!METHODS.includes(method)) continue;
				const responses = Object.keys((op as { responses: Record<string, unknown> }).responses);
				expect(responses.some((s) => /^2\d\d$/.test(s)), `${method} ${path} has a 2xx`).toBe(true);
			}
		}
	});

	it('serves the document at /api/openapi.json without a session', async () => {
		const res = await ctx.request('/api/openapi.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
	});
});
