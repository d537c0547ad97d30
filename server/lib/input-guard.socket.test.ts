/**
 * The body checks over a real socket (Node's server, as in production), where they decide from
 * the headers instead of asking for the body stream (hasRequestBody): a declared length is read
 * whole, a chunked body is counted as it comes and cut off past the limit, and no body is none.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from './openapi.ts';
import { createTestContext, type TestContext, type TestUser } from '../test/context.ts';

type Answer = { status: number; body: { error?: { code: string }; [key: string]: unknown } };

describe('request bodies over a socket', () => {
	let ctx: TestContext;
	let admin: TestUser;
	let server: ReturnType<typeof serve>;
	let port: number;

	beforeAll(async () => {
		ctx = await createTestContext('sqlite');
		admin = await ctx.createUser('admin');
		server = await new Promise((resolve) => {
			const s = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
		});
		port = (server.address() as AddressInfo).port;
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
		await ctx.close();
	});

	/** Sends `chunks` as the body: with a Content-Length when `declare`, else chunked. */
	function send(method: string, path: string, chunks: Buffer[], options: { declare: boolean; cookie?: string }): Promise<Answer> {
		return new Promise((resolve, reject) => {
			const length = chunks.reduce((n, c) => n + c.length, 0);
			const req = http.request(
				{
					host: '127.0.0.1',
					port,
					method,
					path,
					headers: {
						'content-type': 'application/json',
						...(options.declare ? { 'content-length': String(length) } : {}),
						...(options.cookie ? { cookie: options.cookie } : {})
					}
				},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (d) => (text += d));
					res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }));
				}
			);
			// A server that answers before the whole body is sent may close the socket under us.
			req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
			for (const chunk of chunks) req.write(chunk);
			req.end();
		});
	}

	const settings = (value: string) => Buffer.from(JSON.stringify({ settings: { locale: 'en', note: value } }));

	for (const declare of [true, false]) {
		it(`stores a JSON body sent ${declare ? 'with a Content-Length' : 'chunked'}`, async () => {
			const body = settings(`说话人 ${declare}`);
			const chunks = declare ? [body] : [body.subarray(0, 7), body.subarray(7, 20), body.subarray(20)];
			const res = await send('PUT', '/api/auth/me/settings', chunks, { declare, cookie: admin.cookie });
			expect(res.status).toBe(200);
			const me = await (await ctx.json('GET', '/api/auth/me', undefined, admin.cookie)).json();
			expect(me.user.settings.note).toBe(`说话人 ${declare}`);
		});

		it(`refuses a body past the route's limit ${declare ? 'by its Content-Length' : 'while it streams in'}`, async () => {
			const chunk = Buffer.alloc(16 * 1024, 0x20);
			const chunks = Array.from({ length: Math.ceil((BODY_LIMITS.auth * 4) / chunk.length) }, () => chunk);
			const res = await send('POST', '/api/auth/login', chunks, { declare });
			expect(res.status).toBe(413);
			expect(res.body.error?.code).toBe('too_large');
		});

		it(`refuses bytes that are not UTF-8 ${declare ? 'with a Content-Length' : 'chunked'}`, async () => {
			const res = await send('PUT', '/api/auth/me/settings', [Buffer.from('{"settings":{"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')], {
				declare,
				cookie: admin.cookie
			});
			expect(res.status).toBe(400);
			expect(JSON.stringify(res.body)).toMatch(/not valid UTF-8/);
		});
	}

	it('takes a POST without a body as one without a body', async () => {
		const res = await send('POST', '/api/auth/logout', [], { declare: false, cookie: (await ctx.createUser('admin')).cookie });
		expect(res.status).toBeLessThan(300);
	});
});
