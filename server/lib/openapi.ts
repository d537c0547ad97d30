/**
 * How a route declares its request and response schemas. /api/openapi.json (and the reference at
 * /api/docs) is generated from these declarations, the API tests check every real response
 * against it, and the fuzz test (server/test/fuzz.test.ts) throws arbitrary JSON at every route
 * that declares a JSON body — so a route declared this way is documented, contract-tested and
 * fuzzed without anything else to write:
 *
 * ```ts
 * // <feature>.schemas.ts: request schemas, and the DTOs the responses carry (one source of truth;
 * // the mapper returns `z.infer<typeof thingDtoSchema>`)
 * export const thingDtoSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Thing' });
 * export const thingParamsSchema = z.object({ thingId: idSchema('Thing') });
 * export const renameThingSchema = z.object({ name: userText(200) });
 *
 * // <feature>.routes.ts
 * .patch(
 * 	'/:thingId',
 * 	describe({
 * 		tags: ['things'],
 * 		summary: 'Rename a thing',
 * 		responses: { 200: ok(z.object({ thing: thingDtoSchema })), ...errors({ 404: 'Thing not found' }) }
 * 	}),
 * 	requireRole('admin'), // documents the 403 and the roles itself
 * 	params(thingParamsSchema), // a malformed id is a 404 before any query
 * 	// (inside a project: requireProjectAccess(db, { from, param, need }) here instead; it documents its 403/404)
 * 	jsonBody(renameThingSchema, { maxBytes: BODY_LIMITS.small }),
 * 	async (c) => c.json({ thing: toThingDto(await renameThing(db, c.req.valid('param').thingId, c.req.valid('json'))) }, 200)
 * )
 * ```
 *
 * Every operation also gets, from server/openapi.ts: 400 (the input guard and the validators),
 * 401 unless the route is public (app.ts PUBLIC_ROUTES), and 413/415 when it takes a JSON body.
 * Binary answers are declared with `media(...)`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { MiddlewareHandler } from 'hono';
import { describeRoute, resolver, validator, type DescribeRouteOptions } from 'hono-openapi';
import { z } from 'zod';
import { ID_PATTERN } from './ids.ts';
import { onInvalid } from './http.ts';
import { checkJsonBody } from './input-guard.ts';

/** Request body limits in bytes, by what a route carries. Uploads have their own streamed limit. */
export const BODY_LIMITS = {
	/** Setup and sign-in: an email, a name and a password. */
	auth: 8 * 1024,
	/** A user's settings (language, key bindings, pane sizes). */
	settings: 32 * 1024,
	/** Speakers, layers, restore, pre-segmentation options: a few short fields. */
	small: 64 * 1024,
	/** Segment texts, project guidelines (200 000 characters), a 1000-tag taxonomy. */
	text: 1024 * 1024
} as const;

/** `{ error: { code, message, … } }`, the body of every failed /api call. */
export const errorBodySchema = z
	.object({
		error: z
			.object({
				code: z.string().describe('Machine-readable reason, e.g. `not_found`, `version_conflict`, `invalid_times`'),
				message: z.string().describe('Human-readable explanation')
			})
			.catchall(z.unknown())
			.describe('Extra details depend on the code (e.g. `issues` for invalid_request, `codes` for tag_in_use)')
	})
	.meta({ id: 'Error' });

/** Trimmed, NFC-normalised user text of at most `max` characters. */
export const userText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((s) => s.normalize('NFC'));

/** The body of a success that has nothing more to say (a delete, a sign-out). */
export const okBodySchema = z.object({ ok: z.literal(true) });

/** PostgreSQL `integer` columns (times, versions) hold at most this; larger numbers are refused. */
export const INT32_MAX = 2_147_483_647;

/** An integer that fits an `integer` column. */
export const int32 = () => z.number().int().min(-INT32_MAX - 1).max(INT32_MAX);

/** Timestamps are ISO 8601 text in UTC (server/lib/ids.ts nowIso). */
export const isoDateTime = z.iso.datetime().describe('ISO 8601, UTC');

/** A server-made id (server/lib/ids.ts); `what` names the thing in the 404 a malformed one gets. */
export const idSchema = (what: string) =>
	z.string().regex(ID_PATTERN, `${what} not found`).describe(`${what} id (20 characters of Crockford base32)`);

// Responses are described as what the server sends (defaults applied, transforms done).
const OUTPUT = { options: { io: 'output' } };

export type Responses = NonNullable<DescribeRouteOptions['responses']>;

/** A JSON response whose body `schema` describes. */
export function ok(schema: StandardSchemaV1, description = 'OK'): Responses[string] {
	return { description, content: { 'application/json': { schema: resolver(schema, OUTPUT) } } };
}

/** A binary response in one or more media types (audio, images, the peaks file). */
export function media(contentTypes: string[], description: string, headers: Record<string, string> = {}): Responses[string] {
	return {
		description,
		headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])),
		content: Object.fromEntries(contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
	};
}

/** Error responses by status, each with the shared error body and a description of when it comes. */
export function errors(byStatus: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 416 | 422, string>>): Responses {
	return Object.fromEntries(Object.entries(byStatus).map(([status, description]) => [status, ok(errorBodySchema, description)]));
}

/** The operation's summary, tags and responses (its request parts come from the validators). */
export function describe(spec: DescribeRouteOptions & { summary: string; tags: string[]; responses: Responses }): MiddlewareHandler {
	return describeRoute(spec);
}

/** Path parameters: a value that fails its schema (a malformed id) is a 404 naming what was not found. */
export function params<S extends StandardSchemaV1>(schema: S) {
	return validator('param', schema, onInvalid);
}

/** Query parameters; a failure is a 400 listing the issues. */
export function query<S extends StandardSchemaV1>(schema: S) {
	return validator('query', schema, onInvalid);
}

/**
 * A JSON body of at most `maxBytes` (BODY_LIMITS.small unless given), refused with 413, 415 or a
 * 400 naming the field before the schema sees it when it is too large, not JSON, nested too deeply
 * or holds text PostgreSQL cannot store (server/lib/input-guard.ts); then validated by `schema`.
 */
export function jsonBody<S extends StandardSchemaV1>(schema: S, options: { maxBytes?: number } = {}) {
	const maxBytes = options.maxBytes ?? BODY_LIMITS.small;
	const validate = validator('json', schema, onInvalid);
	const guarded = (async (c, next) => (await checkJsonBody(c, maxBytes)) ?? validate(c, next)) as typeof validate;
	// The document generator finds the body schema on the middleware itself.
	return Object.assign(guarded, validate, { maxBytes });
}
