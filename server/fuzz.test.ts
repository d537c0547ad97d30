import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocumentOf } from './app.ts';
import { newId } from './lib/ids.ts';
import type { OpenApiDocument } from './openapi.ts';
import { insertTestRecording } from './segments/test-fixtures.ts';
import { createTestContext, type TestContext } from './test/context.ts';
import { DB_KINDS } from './test/db.ts';

/**
 * Property-based: arbitrary input at every route the OpenAPI document lists never gets a 5xx, and
 * every answer is one the document allows (ctx.request checks each against it). The routes come
 * from the document, so a route added with its declarations (server/lib/openapi.ts) is fuzzed
 * without touching this file.
 */

type Schema = {
	$ref?: string;
	type?: string | string[];
	properties?: Record<string, Schema>;
	required?: string[];
	additionalProperties?: Schema | boolean;
	items?: Schema;
	allOf?: Schema[];
	anyOf?: Schema[];
	oneOf?: Schema[];
	enum?: unknown[];
	const?: unknown;
	minimum?: number;
	maximum?: number;
	pattern?: string;
	format?: string;
	maxLength?: number;
};
type Operation = {
	parameters?: { in: string; name: string; schema?: Schema }[];
	requestBody?: { content?: Record<string, { schema?: Schema }> };
};

const RUNS = { body: 40, query: 40, path: 60 };

// A string unit that is mostly any code point, sometimes a lone surrogate or a NUL.
const unit = fc.oneof(
	{ weight: 12, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
	{ weight: 1, arbitrary: fc.constant('\u0000') }
);
const text = fc.string({ unit, maxLength: 30 });
const hugeText = fc.integer({ min: 50_000, max: 1_200_000 }).map((n) => '字'.repeat(n));
const oddNumbers = fc.constantFrom(-1, 0, 0.5, -0, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e-300);
const anyJson = fc.jsonValue({ stringUnit: unit, maxDepth: 4 });

/** Anything a confused or hostile client might put where a value goes. */
const weird = fc.oneof(
	{ weight: 4, arbitrary: text },
	{ weight: 3, arbitrary: anyJson },
	{ weight: 2, arbitrary: oddNumbers },
	{ weight: 2, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
	{ weight: 1, arbitrary: hugeText }
);

/** A JSON text nested `depth` levels deep, built as text (JSON.stringify would overflow first). */
const deepJson = fc
	.tuple(fc.integer({ min: 20, max: 6000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"children":[', ']}']))
	.map(([depth, [open, close]]) => open!.repeat(depth) + '1' + close!.repeat(depth));

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
	let current = schema;
	for (let i = 0; current.$ref && i < 10; i++) {
		const name = current.$ref.replace('#/components/schemas/', '');
		current = (doc.components?.schemas?.[name] ?? {}) as Schema;
	}
	return current;
}

/**
 * Values shaped like `schema` (so validation passes often enough to reach the handlers), each
 * part swapped for something weird with odds 1 in `1 + calm` (never when calm is Infinity); ids
 * come from `ids` (real rows) or are made up.
 */
function shapedBy(doc: OpenApiDocument, schema: Schema, ids: string[], calm: number, depth = 0): fc.Arbitrary<unknown> {
	const s = resolve(doc, schema);
	if (depth > 6) return weird;
	const id = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constant(newId()) }, { weight: 1, arbitrary: text });
	const shaped = (child: Schema) => shapedBy(doc, child, ids, calm, depth + 1);
	let typed: fc.Arbitrary<unknown>;
	if (s.allOf || s.anyOf || s.oneOf) {
		const parts = s.allOf ?? s.anyOf ?? s.oneOf ?? [];
		const merged: Schema = { type: 'object', properties: {} };
		for (const part of parts) {
			Object.assign(merged.properties!, resolve(doc, part).properties ?? {});
			merged.required = [...(merged.required ?? []), ...(resolve(doc, part).required ?? [])];
		}
		typed = s.allOf ? shaped(merged) : fc.oneof(...parts.map(shaped));
	} else if (s.enum) typed = fc.constantFrom(...s.enum);
	else if (s.const !== undefined) typed = fc.constant(s.const);
	else {
		const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
		if (type === 'object' && s.properties) {
			const properties = Object.fromEntries(
				Object.entries(s.properties).map(([key, child]) => [key, /id$/i.test(key) ? id : shaped(child)])
			);
			// Calm values keep the required keys, so they get past validation into the handlers.
			typed = fc.record(properties, { requiredKeys: calm === Infinity ? (s.required ?? []) : [] });
		} else if (type === 'object') {
			const values = typeof s.additionalProperties === 'object' ? shaped(s.additionalProperties) : weird;
			typed = fc.dictionary(fc.oneof(fc.constantFrom('transcript', 'locale', 'keymap'), text), values, { maxKeys: 4 });
		} else if (type === 'array') {
			typed = fc.array(s.items ? shaped(s.items) : weird, { maxLength: 4 });
		} else if (type === 'integer' || type === 'number') {
			const min = Math.max(s.minimum ?? -100, -1e9);
			typed = fc.oneof(fc.constantFrom(min, min + 1), fc.integer({ min, max: Math.min(s.maximum ?? 70_000, 70_000) }));
		} else if (type === 'boolean') typed = fc.boolean();
		else if (type === 'string' && s.pattern) typed = fc.stringMatching(new RegExp(s.pattern));
		else if (type === 'string' && s.format === 'email') typed = fc.emailAddress();
		else if (type === 'string') {
			typed = fc.oneof(fc.string({ unit: 'grapheme', maxLength: Math.min(s.maxLength ?? 40, 40) }), fc.constantFrom('transcript', 'cmn', '粤语', ''));
		} else typed = weird;
	}
	return calm === Infinity ? typed : fc.oneof({ weight: calm, arbitrary: typed }, { weight: 1, arbitrary: weird });
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''];

describe.each(DB_KINDS)('fuzzing every route on %s', (kind) => {
	let ctx: TestContext;
	let doc: OpenApiDocument;
	let cookie: string;
	let ids: string[];
	let fill: (template: string) => string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		doc = await openApiDocumentOf(ctx.app);
		const admin = await ctx.createUser('admin');
		cookie = admin.cookie;
		const project = (await (await ctx.json('POST', '/api/projects', { name: 'Fuzz' }, cookie)).json()).project;
		const speaker = (await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'One' }, cookie)).json())
			.speaker;
		const recording = await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 });
		const segment = (await (await ctx.json('POST', `/api/recordings/${recording.id}/segments`, { startMs: 0, endMs: 1000 }, cookie)).json())
			.segment;
		ids = [project.id, speaker.id, recording.id, segment.id, ...project.dialectTags.map((t: { id: string }) => t.id)];
		// Real rows for the path, so requests get past the lookups into the handlers.
		const byName: Record<string, string> = { projectId: project.slug, speakerId: speaker.id, recordingId: recording.id };
		fill = (template) =>
			template.replace(/\{([^}]+)\}/g, (_, name: string) =>
				name === 'id' ? (template.startsWith('/api/segments/') ? segment.id : recording.id) : (byName[name] ?? newId())
			);
	});
	afterAll(() => ctx.close());

	const operations = () =>
		Object.entries(doc.paths ?? {}).flatMap(([template, item]) =>
			Object.entries(item ?? {}).map(([method, op]) => ({ template, method: method.toUpperCase(), op: op as Operation }))
		);

	it('answers arbitrary JSON bodies at every JSON route with a 4xx or a success, never a 5xx', async () => {
		const jsonRoutes = operations().filter(({ op }) => op.requestBody?.content?.['application/json']);
		expect(jsonRoutes.length).toBeGreaterThanOrEqual(12);
		for (const { template, method, op } of jsonRoutes) {
			const schema = op.requestBody!.content!['application/json']!.schema ?? {};
			const body = fc.oneof(
				{ weight: 4, arbitrary: shapedBy(doc, schema, ids, Infinity).map((v) => JSON.stringify(v) ?? 'null') },
				{ weight: 4, arbitrary: shapedBy(doc, schema, ids, 8).map((v) => JSON.stringify(v) ?? 'null') },
				{ weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
				{ weight: 1, arbitrary: deepJson },
				{ weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 50 }) }
			);
			const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant(CONTENT_TYPES[0]!) }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
			await fc.assert(
				fc.asyncProperty(body, contentType, async (text, type) => {
					const headers: Record<string, string> = type ? { 'content-type': type } : {};
					// ctx.request throws when the answer is a 5xx or not one the document lists.
					const res = await ctx.request(fill(template), { method, cookie, headers, body: text });
					expect(res.status, `${method} ${template}`).toBeLessThan(500);
				}),
				{ numRuns: RUNS.body }
			);
		}
	});

	it('answers arbitrary query strings with a 4xx or a success, never a 5xx', async () => {
		const queryRoutes = operations().filter(({ op }) => op.parameters?.some((p) => p.in === 'query'));
		expect(queryRoutes.length).toBeGreaterThanOrEqual(3);
		for (const { template, method, op } of queryRoutes) {
			const names = op.parameters!.filter((p) => p.in === 'query').map((p) => p.name);
			const value = fc.oneof(
				fc.integer({ min: -10, max: 130_000 }).map(String),
				fc.constantFrom('abc', '', '1e3', '0x10', '-0', '99999999999', '1.5', ' 5', 'wav', 'mp3', 'opus'),
				text
			);
			const raw = fc.string({ unit: 'binary-ascii', maxLength: 40 });
			const queryString = fc.oneof(
				fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: text }), value, { maxKeys: 5 })
					.map((q) => new URLSearchParams(q as Record<string, string>).toString()),
				raw
			);
			await fc.assert(
				fc.asyncProperty(queryString, async (q) => {
					const res = await ctx.request(`${fill(template)}?${q}`, { method, cookie });
					expect(res.status, `${method} ${template}?${q}`).toBeLessThan(500);
				}),
				{ numRuns: RUNS.query }
			);
		}
	});

	const namesAProject = async (encoded: string) => {
		let value: string;
		try {
			value = decodeURIComponent(encoded);
		} catch {
			return false;
		}
		const row = await ctx.deps.db
			.selectFrom('project')
			.select('id')
			.where((eb) => eb.or([eb('id', '=', value), eb('slug', '=', value)]))
			.executeTakeFirst();
		return row !== undefined;
	};

	it('answers arbitrary path parameters with a 4xx (unless they name a project), never a 5xx', async () => {
		const withParams = operations().filter(({ template }) => template.includes('{'));
		expect(withParams.length).toBeGreaterThanOrEqual(15);
		const segment = fc.oneof(
			fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 70 }).map((s) => encodeURIComponent(s)),
			fc.constantFrom('%00', '%ED%A0%80', '%E0%A4%A', '%ZZ', '%', 'a'.repeat(300), '..', '%2F'),
			fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s))
		);
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...withParams), segment, async ({ template, method }, value) => {
				const path = template.replace(/\{[^}]+\}/g, value);
				const res = await ctx.request(path, {
					method,
					cookie,
					headers: { 'content-type': 'application/json' },
					body: method === 'GET' || method === 'DELETE' ? undefined : '{}'
				});
				expect(res.status, `${method} ${path}`).toBeLessThan(500);
				// The body fuzzing above creates projects with arbitrary names: a value that happens to be
				// one of their slugs (say `1`) names a real project, and may succeed. Anything else is a 4xx.
				if (res.status < 400) expect(await namesAProject(value), `${method} ${path} → ${res.status}`).toBe(true);
			}),
			{ numRuns: RUNS.path }
		);
	});
});
