import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';
import { createTestContext, sessionCookieFrom, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';

describe.each(DB_KINDS)('auth on %s', (kind) => {
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext(kind, {
			loginThrottle: createLoginThrottle({ freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 4000 })
		});
	});
	afterAll(() => ctx.close());

	it('a fresh install asks for the first admin, once', async () => {
		const before = await ctx.json('GET', '/api/auth/setup');
		expect(await before.json()).toEqual({ needsSetup: true });

		const weak = await ctx.json('POST', '/api/auth/setup', { email: 'a@b.test', name: 'A', password: 'short' });
		expect(weak.status).toBe(400);

		const res = await ctx.json('POST', '/api/auth/setup', {
			email: 'Admin@Example.test',
			name: 'Admin',
			password: 'a long enough password'
		});
		expect(res.status).toBe(201);
		const body = await res.json();
		expect(body.user).toMatchObject({ email: 'admin@example.test', role: 'admin' });
		const setCookie = res.headers.get('set-cookie') ?? '';
		expect(setCookie).toMatch(/HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		expect(setCookie).not.toMatch(/Secure/i);

		const me = await ctx.request('/api/auth/me', { cookie: sessionCookieFrom(res) });
		expect(me.status).toBe(200);

		const again = await ctx.json('POST', '/api/auth/setup', {
			email: 'other@example.test',
			name: 'Other',
			password: 'a long enough password'
		});
		expect(again.status).toBe(409);
		expect(await (await ctx.json('GET', '/api/auth/setup')).json()).toEqual({ needsSetup: false });
	});

	it('sets a Secure cookie under https', async () => {
		const res = await ctx.request('https://fangyan.example/api/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'admin@example.test', password: 'a long enough password' })
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('set-cookie')).toMatch(/Secure/);
	});

	it('logs in, reads me, logs out, and the old cookie stops working', async () => {
		const login = await ctx.json('POST', '/api/auth/login', {
			email: 'admin@example.test',
			password: 'a long enough password'
		});
		expect(login.status).toBe(200);
		const cookie = sessionCookieFrom(login);
		expect((await ctx.request('/api/auth/me', { cookie })).status).toBe(200);
		expect((await ctx.json('POST', '/api/auth/logout', undefined, cookie)).status).toBe(200);
		expect((await ctx.request('/api/auth/me', { cookie })).status).toBe(401);
	});

	it('refuses a wrong password, and repeated wrong passwords slow down', async () => {
		const user = await ctx.createUser('transcriber', 'slow@example.test');
		const attempt = async () => {
			const started = performance.now();
			const res = await ctx.json('POST', '/api/auth/login', { email: user.email, password: 'wrong password!' });
			return { status: res.status, ms: performance.now() - started, body: await res.json() };
		};
		const first = await attempt();
		expect(first.status).toBe(401);
		expect(first.body.error.code).toBe('invalid_credentials');
		await attempt();
		const third = await attempt();
		const fourth = await attempt();
		// Delays (1 s, then 2 s) far exceed one scrypt check even on a loaded machine.
		expect(first.ms).toBeLessThan(1000);
		expect(third.ms).toBeGreaterThanOrEqual(990);
		expect(fourth.ms).toBeGreaterThanOrEqual(1990);
	});

	it('every API route but health, setup and login needs a session', async () => {
		expect((await ctx.request('/api/health')).status).toBe(200);
		for (const [method, path] of [
			['GET', '/api/auth/me'],
			['GET', '/api/projects'],
			['POST', '/api/projects'],
			['GET', '/api/recordings/x'],
			['GET', '/api/recordings/x/audio'],
			['PATCH', '/api/segments/x'],
			['GET', '/api/nonexistent']
		]) {
			const res = await ctx.request(path, { method });
			expect(res.status, `${method} ${path}`).toBe(401);
		}
	});

	it('answers malformed JSON with 400 and a clear message', async () => {
		const res = await ctx.request('/api/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"email": '
		});
		expect(res.status).toBe(400);
		expect((await res.json()).error.message).toMatch(/malformed json/i);
	});
});

describe.each(DB_KINDS)('sessions on %s', (kind) => {
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext(kind);
	});
	afterAll(() => ctx.close());

	it('refuses a session ended behind its back (another server signed it out) on the very next request', async () => {
		const user = await ctx.createUser('transcriber');
		expect((await ctx.request('/api/projects', { cookie: user.cookie })).status).toBe(200);
		await ctx.deps.db.deleteFrom('session').where('user_id', '=', user.id).execute();
		expect((await ctx.request('/api/projects', { cookie: user.cookie })).status).toBe(401);
	});

	it('refuses an expired session', async () => {
		const user = await ctx.createUser('transcriber');
		await ctx.deps.db.updateTable('session').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', user.id).execute();
		expect((await ctx.request('/api/auth/me', { cookie: user.cookie })).status).toBe(401);
	});

	it('a deactivated user is refused at once, and a changed role holds at once', async () => {
		const admin = await ctx.createUser('admin');
		expect((await ctx.json('POST', '/api/projects', { name: 'Before' }, admin.cookie)).status).toBe(201);
		await ctx.deps.db.updateTable('user').set({ role: 'transcriber' }).where('id', '=', admin.id).execute();
		expect((await ctx.json('POST', '/api/projects', { name: 'After' }, admin.cookie)).status).toBe(403);
		const me = await ctx.request('/api/auth/me', { cookie: admin.cookie });
		expect((await me.json()).user.role).toBe('transcriber');

		await ctx.deps.db.updateTable('user').set({ is_active: 0 }).where('id', '=', admin.id).execute();
		expect((await ctx.request('/api/projects', { cookie: admin.cookie })).status).toBe(401);
		expect((await ctx.request('/api/auth/me', { cookie: admin.cookie })).status).toBe(401);
	});

	it('signs out through this server at once', async () => {
		const user = await ctx.createUser('transcriber');
		expect((await ctx.request('/api/projects', { cookie: user.cookie })).status).toBe(200);
		expect((await ctx.json('POST', '/api/auth/logout', undefined, user.cookie)).status).toBe(200);
		expect((await ctx.request('/api/projects', { cookie: user.cookie })).status).toBe(401);
	});

	it('/me answers the settings just saved', async () => {
		const user = await ctx.createUser('transcriber');
		const saved = await ctx.json('PUT', '/api/auth/me/settings', { settings: { locale: 'zh-CN' } }, user.cookie);
		expect(saved.status).toBe(200);
		const me = await ctx.request('/api/auth/me', { cookie: user.cookie });
		expect((await me.json()).user.settings).toEqual({ locale: 'zh-CN' });
	});
});
