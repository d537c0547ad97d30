import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocumentOf } from './app.ts';
import type { OpenApiDocument } from './openapi.ts';
import { createTestContext, type TestContext } from './test/context.ts';
import { DB_KINDS } from './test/db.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** `/api/projects/:projectId` → `/api/projects/{projectId}`. */
function toOpenApiPath(path: string) {
	return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}').replace(/\/+$/, '') || '/';
}

describe.each(DB_KINDS)('OpenAPI document on %s', (kind) => {
	let ctx: TestContext;
	let doc: OpenApiDocument;
	beforeAll(async () => {
		ctx = await createTestContext(kind);
		doc = await openApiDocumentOf(ctx.app);
	});
	afterAll(() => ctx.close());

	it('is generated with every /api route the app registers', () => {
		const registered = ctx.app.routes
			.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
			.map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
		expect(new Set(registered).size).toBeGreaterThan(25);
		const documented = new Set(
			Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
				Object.keys(item ?? {})
					.filter((m) => METHODS.includes(m))
					.map((m) => `${m} ${path}`)
			)
		);
		const missing = [...new Set(registered)].filter((r) => !documented.has(r));
		expect(missing, `undocumented routes: ${missing.join(', ')}`).toEqual([]);
	});

	it('is a valid OpenAPI 3.1 document (schema, refs, parameters, operation ids)', async () => {
		expect(doc.openapi).toBe('3.1.0');
		const result = await validate(structuredClone(doc));
		expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
	});

	it('gives every operation a summary, a 2xx, the error shape for its errors, and declares its path parameters', () => {
		for (const [path, item] of Object.entries(doc.paths ?? {})) {
			for (const method of METHODS) {
				const op = (item as Record<string, unknown>)[method] as
					| { summary?: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; parameters?: { in: string; name: string }[] }
					| undefined;
				if (!op) continue;
				const where = `${method} ${path}`;
				expect(op.summary, where).toBeTruthy();
				expect(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${where} has a 2xx`).toBe(true);
				for (const [status, response] of Object.entries(op.responses)) {
					if (Number(status) < 400) continue;
					const schema = JSON.stringify(response.content?.['application/json']?.schema);
					expect(schema, `${where} ${status}`).toMatch(/#\/components\/schemas\/(Error|VersionConflict)/);
				}
				const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
				const inPath = path.match(/\{([^}]+)\}/g)?.map((m) => m.slice(1, -1)) ?? [];
				expect(declared.sort(), where).toEqual(inPath.sort());
			}
		}
	});

	it('describes request bodies and binary answers from the code', () => {
		const ops = doc.paths ?? {};
		const createSegment = ops['/api/recordings/{recordingId}/segments']?.post;
		const body = JSON.stringify(createSegment?.requestBody);
		expect(body).toContain('"startMs"');
		expect(body).toContain('^[0-9a-z-]{20,40}$');
		expect(ops['/api/recordings/{id}/audio']?.get?.responses?.['206']).toMatchObject({ content: { 'audio/ogg': {} } });
		expect(ops['/api/recordings/{recordingId}/spectrogram']?.get?.responses?.['200']).toMatchObject({ content: { 'image/png': {} } });
		expect(ops['/api/projects/{projectId}/recordings']?.post?.requestBody).toMatchObject({
			content: { 'multipart/form-data': {} }
		});
		const clipParams = JSON.stringify(ops['/api/recordings/{id}/clip']?.get?.parameters);
		expect(clipParams).toContain('"start"');
		expect(clipParams).toContain('"opus"');
		expect(ops['/api/projects']?.post?.description).toContain('Roles: admin.');
		expect(ops['/api/health']?.get?.security).toEqual([]);
	});

	it('documents the manager check of every settings route: its 403, its 404 and the capability', () => {
		const ops = doc.paths ?? {};
		const settings = [
			['patch', '/api/projects/{projectId}'],
			['get', '/api/projects/{projectId}/usage'],
			['put', '/api/projects/{projectId}/taxonomy'],
			['put', '/api/projects/{projectId}/layers'],
			['post', '/api/projects/{projectId}/speakers'],
			['patch', '/api/projects/{projectId}/speakers/{speakerId}'],
			['patch', '/api/recordings/{id}'],
			['get', '/api/recordings/{id}/deletion'],
			['delete', '/api/recordings/{id}'],
			['post', '/api/recordings/{recordingId}/transcript-import'],
			['post', '/api/projects/{projectId}/transcript-import'],
			['put', '/api/projects/{projectId}/review-settings'],
			['get', '/api/projects/{projectId}/audit'],
			['get', '/api/projects/{projectId}/audit/csv'],
			['get', '/api/projects/{projectId}/audit/filters'],
			['get', '/api/projects/{projectId}/dashboard'],
			['get', '/api/projects/{projectId}/dashboard/csv/{table}']
		] as const;
		type Op = { responses: Record<string, { description: string }>; description?: string; 'x-capability'?: string };
		for (const [method, path] of settings) {
			const op = (ops[path] as Record<string, Op>)[method]!;
			expect(op['x-capability'], `${method} ${path}`).toBe('manage');
			expect(op.description, `${method} ${path}`).toContain('`manage` capability');
			expect(op.responses['403']?.description, `${method} ${path}`).toMatch(/`manage` capability/);
			expect(op.responses['404']?.description, `${method} ${path}`).toMatch(/not found .*not a member/);
		}
		expect(ops['/api/projects/{projectId}/speakers/{speakerId}']?.patch?.responses?.['404']?.description).toMatch(
			/^Project or speaker not found/
		);
		// Every route that names something by id checks access to it: a project capability, or an instance role.
		const unchecked = Object.entries(ops).flatMap(([path, item]) =>
			METHODS.filter((m) => {
				const op = (item as Record<string, { 'x-capability'?: string; 'x-roles'?: string[] } | undefined>)[m];
				return op && path.includes('{') && !op['x-capability'] && !op['x-roles'];
			}).map((m) => `${m} ${path}`)
		);
		expect(unchecked).toEqual([]);
		const capability = (path: string, method: string) => (ops[path] as Record<string, Op>)[method]?.['x-capability'];
		expect(capability('/api/recordings/{id}/audio', 'get')).toBe('read');
		expect(capability('/api/segments/{id}', 'patch')).toBe('transcribe');
		// The export routes check the `export` capability (server/export/export-access.ts, on requireProjectAccess).
		const exporting = Object.entries(ops).flatMap(([path, item]) =>
			METHODS.filter((m) => (item as Record<string, { 'x-capability'?: string } | undefined>)[m]?.['x-capability'] === 'export').map((m) => `${m} ${path}`)
		);
		expect(exporting.sort()).toEqual([
			'get /api/exports/{exportId}',
			'get /api/exports/{exportId}/download',
			'get /api/projects/{projectId}/exports',
			'get /api/projects/{projectId}/exports/choices',
			'post /api/projects/{projectId}/exports',
			'post /api/projects/{projectId}/exports/count'
		]);
		for (const op of exporting) {
			const [method, path] = op.split(' ') as [string, string];
			const responses = (ops[path] as Record<string, Op>)[method]!.responses;
			expect(responses['403']?.description, op).toMatch(/`export` capability/);
			expect(responses['404']?.description, op).toMatch(/^(Project|Export) not found .*not a member/);
		}
		expect(JSON.stringify(ops['/api/projects/{projectId}']?.get?.responses?.['200'])).toContain('ProjectCapabilities');
	});

	it('serves the document at /api/openapi.json without a session', async () => {
		const res = await ctx.request('/api/openapi.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
	});

	it('serves an interactive reference at /api/docs whose script comes from this server', async () => {
		const page = await ctx.request('/api/docs');
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('/api/openapi.json');
		const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
		expect(scripts).toEqual(['/api/docs/scalar.js']);
		const script = await ctx.request('/api/docs/scalar.js');
		expect(script.status).toBe(200);
		expect(script.headers.get('content-type')).toMatch(/javascript/);
		expect((await script.text()).length).toBeGreaterThan(100_000);
	});
});
