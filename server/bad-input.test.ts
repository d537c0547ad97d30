import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocumentOf } from './app.ts';
import { MAX_SETTINGS_BYTES } from './auth/auth.schemas.ts';
import { newId } from './lib/ids.ts';
import { BODY_LIMITS } from './lib/openapi.ts';
import type { OpenApiDocument } from './openapi.ts';
import type { ProjectDto } from './projects/projects.mapper.ts';
import type { SegmentDto } from './segments/segments.mapper.ts';
import { insertTestRecording } from './segments/test-fixtures.ts';
import { createTestContext, TEST_PASSWORD, type TestContext } from './test/context.ts';
import { DB_KINDS } from './test/db.ts';

/** Bad input of every kind the probe found gets a 4xx in the API's error shape, alike on both databases. */

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

/** `{"k":{"k":…1…}}` as text: JSON.stringify itself overflows long before 5000 levels. */
const nestedObjects = (depth: number, key = 'a') => `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);

function nestedTaxonomy(levels: number): unknown {
	let node: Record<string, unknown> = { code: `l${levels}`, nameEn: 'Leaf', nameZh: '叶' };
	for (let level = levels - 1; level >= 1; level--) node = { code: `l${level}`, nameEn: 'Node', nameZh: '节', children: [node] };
	return node;
}

describe.each(DB_KINDS)('bad input on %s', (kind) => {
	let ctx: TestContext;
	let admin: { cookie: string; email: string };
	let project: ProjectDto;
	let speakerId: string;
	let recordingId: string;
	let segment: SegmentDto;
	let doc: OpenApiDocument;

	const raw = (method: string, path: string, body: BodyInit | undefined, headers: Record<string, string> = {}, cookie = admin.cookie) =>
		ctx.request(path, { method, cookie, headers, body });
	const jsonText = (method: string, path: string, text: string, cookie?: string) =>
		raw(method, path, text, { 'content-type': 'application/json' }, cookie);

	async function expectError(res: Response, status: number, code: string, path?: string) {
		const body = (await res.json()) as { error: { code: string; message: string; maxBytes?: number; issues?: { path: string }[] } };
		expect({ status: res.status, code: body.error.code }, body.error.message).toEqual({ status, code });
		expect(body.error.message.length).toBeGreaterThan(5);
		if (path !== undefined) expect(body.error.issues?.[0]?.path).toBe(path);
		return body.error;
	}

	const projectCount = async () => ((await (await ctx.json('GET', '/api/projects', undefined, admin.cookie)).json()).projects as unknown[]).length;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		doc = await openApiDocumentOf(ctx.app);
		project = (await (await ctx.json('POST', '/api/projects', { name: 'Probe' }, admin.cookie)).json()).project;
		const speakerRes = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'One' }, admin.cookie);
		speakerId = (await speakerRes.json()).speaker.id;
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 })).id;
		const created = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs: 0, endMs: 1000 }, admin.cookie);
		segment = (await created.json()).segment;
	});
	afterAll(() => ctx.close());

	describe('text PostgreSQL cannot store, or that is not Unicode', () => {
		const cases = () =>
			[
				['POST', '/api/projects', (v: string) => ({ name: v }), 'name'],
				['POST', '/api/projects', (v: string) => ({ name: 'Ok', description: v }), 'description'],
				['PATCH', `/api/projects/${project.id}`, (v: string) => ({ guidelines: v }), 'guidelines'],
				['POST', `/api/projects/${project.id}/speakers`, (v: string) => ({ code: 'S9', name: v }), 'name'],
				['PATCH', `/api/projects/${project.id}/speakers/${speakerId}`, (v: string) => ({ place: v }), 'place'],
				['PUT', '/api/auth/me/settings', (v: string) => ({ settings: { keymap: { play: [v] } } }), 'settings.keymap.play.0'],
				['PATCH', `/api/segments/${segment.id}`, (v: string) => ({ version: 1, texts: { transcript: v } }), 'texts.transcript'],
				['PUT', `/api/projects/${project.id}/layers`, (v: string) => ({ textLayers: [{ key: 'transcript', nameEn: v, nameZh: '转写' }] }), 'textLayers.0.nameEn']
			] as const;

		for (const [label, value] of [
			['a NUL', NUL],
			['a lone surrogate', LONE_SURROGATE]
		] as const) {
			it(`refuses ${label} in any body field with a 400 naming the field, writing nothing`, async () => {
				const before = await projectCount();
				for (const [method, path, body, field] of cases()) {
					const error = await expectError(await ctx.json(method, path, body(value), admin.cookie), 400, 'invalid_request', field);
					expect(error.message).toMatch(/NUL|surrogate/);
				}
				expect(await projectCount()).toBe(before);
				const after = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
				expect(after.guidelines).toBe(project.guidelines);
				const [current] = (await (await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, admin.cookie)).json()).segments;
				expect(current.version).toBe(1);
			});

			it(`refuses ${label} in the unauthenticated login and setup`, async () => {
				await expectError(await ctx.json('POST', '/api/auth/login', { email: value, password: TEST_PASSWORD }), 400, 'invalid_request', 'email');
				await expectError(
					await ctx.json('POST', '/api/auth/setup', { email: 'x@y.test', name: value, password: TEST_PASSWORD }),
					400,
					'invalid_request',
					'name'
				);
			});
		}

		it('refuses a NUL in an object key without echoing the key', async () => {
			const error = await expectError(await ctx.json('PUT', '/api/auth/me/settings', { settings: { [NUL]: 1 } }, admin.cookie), 400, 'invalid_request', 'settings');
			expect(error.message).not.toContain('\u0000');
		});

		it('refuses a NUL in an upload field', async () => {
			const boundary = `b${newId()}`;
			const body = `--${boundary}\r\nContent-Disposition: form-data; name="place"\r\n\r\n${NUL}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n\r\nRIFF\r\n--${boundary}--\r\n`;
			const res = await raw('POST', `/api/projects/${project.id}/recordings`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
			await expectError(res, 400, 'invalid_request', 'place');
		});
	});

	describe('ids and other path and query values', () => {
		const idRoutes = () =>
			Object.entries(doc.paths ?? {}).flatMap(([template, item]) =>
				template.includes('{') ? Object.keys(item ?? {}).map((method) => ({ template, method: method.toUpperCase() })) : []
			);

		it('answers %00, a lone surrogate and broken percent-encoding in any path parameter with a 400 naming it', async () => {
			expect(idRoutes().length).toBeGreaterThanOrEqual(15);
			for (const { template, method } of idRoutes()) {
				for (const bad of ['%00', '%ED%A0%80', '%E0%A4%A']) {
					// Only the first parameter is bad, so the message names it.
					const first = /\{([^}]+)\}/.exec(template)![1]!;
					const path = template.replace(`{${first}}`, bad).replace(/\{[^}]+\}/g, newId());
					const res = await raw(method, path, method === 'GET' || method === 'DELETE' ? undefined : '{}', { 'content-type': 'application/json' });
					await expectError(res, 400, 'invalid_request', first);
				}
			}
		});

		it('answers an id of the wrong shape with a 404 before any query, on every id route', async () => {
			for (const { template, method } of idRoutes()) {
				const path = template.replace(/\{[^}]+\}/g, 'Not.An.Id');
				const res = await raw(method, path, method === 'GET' || method === 'DELETE' ? undefined : '{}', { 'content-type': 'application/json' });
				await expectError(res, 404, 'not_found');
			}
			// A well-formed id of nothing is a 404 too, and a slug still finds its project.
			await expectError(await raw('GET', `/api/recordings/${newId()}`, undefined), 404, 'not_found');
			expect((await raw('GET', `/api/projects/${project.slug}`, undefined)).status).toBe(200);
		});

		it('refuses a NUL or broken encoding in a query value, naming the key', async () => {
			await expectError(await raw('GET', `/api/recordings/${recordingId}/clip?start=0&end=100&format=%00`, undefined), 400, 'invalid_request', 'query.format');
			await expectError(await raw('GET', `/api/recordings/${recordingId}/spectrogram?start=%E0%A4%A&end=100`, undefined), 400, 'invalid_request', 'query.start');
		});

		it('answers bad query strings of clips, spectrograms and deletes with a 400', async () => {
			for (const q of ['start=abc&end=100', 'start=-1&end=100', 'start=0&end=1e3', 'start=0&end=100&format=mp3', 'end=100']) {
				await expectError(await raw('GET', `/api/recordings/${recordingId}/clip?${q}`, undefined), 400, 'invalid_request');
			}
			for (const q of ['start=0&end=100&width=abc', 'start=0&end=100&height=99999', 'start=-5&end=100', 'start=0&end=100&width=1.5']) {
				await expectError(await raw('GET', `/api/recordings/${recordingId}/spectrogram?${q}`, undefined), 400, 'invalid_request');
			}
			for (const q of ['', 'version=abc', 'version=0', 'version=1e3', 'version=99999999999']) {
				await expectError(await raw('DELETE', `/api/segments/${segment.id}?${q}`, undefined), 400, 'invalid_request', 'version');
			}
		});
	});

	describe('deep and large JSON', () => {
		it('refuses a 5000-deep taxonomy, a 6-level one and 1001 tags with a 400', async () => {
			const path = `/api/projects/${project.id}/taxonomy`;
			const deep = '{"dialectTags":[' + '{"code":"aa","nameEn":"a","nameZh":"a","children":['.repeat(5000) + ']}'.repeat(5000) + ']}';
			expect((await expectError(await jsonText('PUT', path, deep, admin.cookie), 400, 'invalid_request')).message).toMatch(/nested deeper/);
			const sixLevels = await ctx.json('PUT', path, { dialectTags: [nestedTaxonomy(6)] }, admin.cookie);
			expect((await expectError(sixLevels, 400, 'invalid_request', 'dialectTags')).message).toMatch(/At most 5 levels/);
			const many = Array.from({ length: 1001 }, (_, i) => ({ code: `t${i}`, nameEn: `T${i}`, nameZh: `标${i}` }));
			await expectError(await ctx.json('PUT', path, { dialectTags: many }, admin.cookie), 400, 'invalid_request', 'dialectTags');
			// Five levels are fine.
			const five = await ctx.json('PUT', path, { dialectTags: [nestedTaxonomy(5)] }, admin.cookie);
			expect(five.status, await five.clone().text()).toBe(200);
		});

		it('refuses 5000-deep, 9-level and oversized settings; keeps what was stored', async () => {
			expect((await ctx.json('PUT', '/api/auth/me/settings', { settings: { locale: 'en' } }, admin.cookie)).status).toBe(200);
			const deep = await jsonText('PUT', '/api/auth/me/settings', `{"settings":{"x":${nestedObjects(5000)}}}`, admin.cookie);
			await expectError(deep, 400, 'invalid_request');
			const nine = await jsonText('PUT', '/api/auth/me/settings', `{"settings":{"x":${nestedObjects(8)}}}`, admin.cookie);
			expect((await expectError(nine, 400, 'invalid_request', 'settings')).message).toMatch(/8 levels/);
			const big = await ctx.json('PUT', '/api/auth/me/settings', { settings: { x: 'y'.repeat(MAX_SETTINGS_BYTES) } }, admin.cookie);
			await expectError(big, 400, 'invalid_request', 'settings');
			const huge = await ctx.json('PUT', '/api/auth/me/settings', { settings: { x: 'y'.repeat(BODY_LIMITS.settings) } }, admin.cookie);
			expect((await expectError(huge, 413, 'too_large')).maxBytes).toBe(BODY_LIMITS.settings);
			const me = await (await ctx.json('GET', '/api/auth/me', undefined, admin.cookie)).json();
			expect(me.user.settings).toEqual({ locale: 'en' });
		});

		it('caps the unauthenticated bodies small, whether or not a length is declared', async () => {
			const big = JSON.stringify({ email: 'a@b.test', password: 'p'.repeat(BODY_LIMITS.auth) });
			expect((await expectError(await jsonText('POST', '/api/auth/login', big), 413, 'too_large')).maxBytes).toBe(BODY_LIMITS.auth);
			await expectError(await jsonText('POST', '/api/auth/setup', big), 413, 'too_large');
			// Streamed without a Content-Length: cut off once past the limit, not read to the end.
			let sent = 0;
			const stream = new ReadableStream<Uint8Array>({
				pull(controller) {
					sent += 4096;
					if (sent > 10 * 1024 * 1024) controller.close();
					else controller.enqueue(new Uint8Array(4096).fill(0x20));
				}
			});
			const res = await ctx.request('/api/auth/login', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: stream,
				duplex: 'half'
			} as RequestInit);
			await expectError(res, 413, 'too_large');
			expect(sent).toBeLessThan(256 * 1024);
		});

		it('cuts off any streamed body past the largest route limit', async () => {
			let sent = 0;
			const stream = new ReadableStream<Uint8Array>({
				pull(controller) {
					sent += 16_384;
					if (sent > 20 * 1024 * 1024) controller.close();
					else controller.enqueue(new Uint8Array(16_384).fill(0x20));
				}
			});
			const res = await ctx.request('/api/projects', {
				method: 'POST',
				cookie: admin.cookie,
				headers: { 'content-type': 'application/json' },
				body: stream,
				duplex: 'half'
			} as RequestInit & { cookie: string });
			await expectError(res, 413, 'too_large');
			expect(sent).toBeLessThan(BODY_LIMITS.text + 512 * 1024);
		});

		it('takes segment text and guidelines at their sizes, and refuses bodies beyond the route limit', async () => {
			const longText = '粤'.repeat(20_000);
			const ok = await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 1, texts: { transcript: longText } }, admin.cookie);
			expect(ok.status).toBe(200);
			segment = (await ok.json()).segment;
			const guidelines = await ctx.json('PATCH', `/api/projects/${project.id}`, { guidelines: '规'.repeat(200_000) }, admin.cookie);
			expect(guidelines.status).toBe(200);
			const tooBig = await ctx.json('POST', '/api/projects', { name: 'Big', guidelines: 'x'.repeat(BODY_LIMITS.text) }, admin.cookie);
			await expectError(tooBig, 413, 'too_large');
			const speaker = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S2', name: 'x'.repeat(BODY_LIMITS.small) }, admin.cookie);
			await expectError(speaker, 413, 'too_large');
		});
	});

	describe('bodies that are not JSON, or not the right JSON', () => {
		it('answers other content types with 415, malformed JSON and bad UTF-8 with 400', async () => {
			const path = `/api/projects/${project.id}`;
			await expectError(await raw('PATCH', path, 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
			await expectError(await raw('PATCH', path, '{"name":"x"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
			await expectError(await raw('POST', '/api/auth/login', '{"email":"a"}', { 'content-type': 'application/xml' }, ''), 415, 'unsupported_media_type');
			await expectError(await jsonText('PATCH', path, '{"name":', admin.cookie), 400, 'invalid_request');
			await expectError(await jsonText('PATCH', path, '', admin.cookie), 400, 'invalid_request');
			const badUtf8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
			expect((await expectError(await raw('PATCH', path, badUtf8, { 'content-type': 'application/json' }), 400, 'invalid_request')).message).toMatch(/UTF-8/);
		});

		it('answers malformed multipart uploads with a 400', async () => {
			const path = `/api/projects/${project.id}/recordings`;
			await expectError(await raw('POST', path, 'garbage', { 'content-type': 'multipart/form-data' }), 400, 'invalid_request');
			await expectError(await raw('POST', path, 'garbage', { 'content-type': 'multipart/form-data; boundary=zz' }), 400, 'invalid_request');
			await expectError(await raw('POST', path, '{}', { 'content-type': 'application/json' }), 400, 'invalid_request');
		});

		it('answers wrong types, huge numbers and unknown enum values with a 400, bad times with 422', async () => {
			const segments = `/api/recordings/${recordingId}/segments`;
			await expectError(await ctx.json('POST', segments, { startMs: 1e300, endMs: 1e301 }, admin.cookie), 400, 'invalid_request', 'startMs');
			await expectError(await ctx.json('POST', segments, { startMs: '0', endMs: 100 }, admin.cookie), 400, 'invalid_request', 'startMs');
			await expectError(await ctx.json('POST', segments, { startMs: 0, endMs: 2 ** 31 }, admin.cookie), 400, 'invalid_request', 'endMs');
			await expectError(await ctx.json('POST', segments, { startMs: -5, endMs: 100 }, admin.cookie), 422, 'invalid_times');
			await expectError(await ctx.json('POST', segments, { startMs: 0, endMs: 100, texts: ['x'] }, admin.cookie), 400, 'invalid_request', 'texts');
			await expectError(await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: 2 ** 31 }, admin.cookie), 400, 'invalid_request', 'version');
			await expectError(await ctx.json('PATCH', `/api/segments/${segment.id}`, {}, admin.cookie), 400, 'invalid_request', 'version');
			await expectError(await ctx.json('POST', `/api/recordings/${recordingId}/presegment`, { thresholdDb: 'loud' }, admin.cookie), 400, 'invalid_request', 'thresholdDb');
			await expectError(await ctx.json('POST', '/api/projects', ['Probe'], admin.cookie), 400, 'invalid_request');
			await expectError(await ctx.json('PUT', `/api/projects/${project.id}/layers`, { textLayers: [] }, admin.cookie), 400, 'invalid_request', 'textLayers');
		});

		it('treats a PATCH without a body as an edit of nothing', async () => {
			const before = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			const res = await raw('PATCH', `/api/projects/${project.id}`, undefined);
			expect(res.status).toBe(200);
			expect((await res.json()).project).toMatchObject({ name: before.name, guidelines: before.guidelines });
			const speaker = await raw('PATCH', `/api/projects/${project.id}/speakers/${speakerId}`, undefined);
			expect(speaker.status).toBe(200);
			expect((await speaker.json()).speaker).toMatchObject({ id: speakerId, name: 'One' });
		});
	});
});
