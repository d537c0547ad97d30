import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, pairKey, type LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { createTestContext, sessionCookieFrom, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';

/**
 * The real throttle (counts in the test database), noting the delay it decides for each attempt:
 * tests check that an attempt was not slowed by that decision, since an upper bound on a request's
 * time fails on a loaded machine. Lower bounds on the time (it did wait) stay.
 */
function recordingThrottle(options: LoginThrottleOptions): LoginThrottle & { delays: number[] } {
	const throttle = createLoginThrottle(options);
	const delays: number[] = [];
	return {
		...throttle,
		delays,
		async begin(db, attempt) {
			const delay = await throttle.begin(db, attempt);
			delays.push(delay);
			return delay;
		}
	};
}

describe.each(DB_KINDS)('auth on %s', (kind) => {
	const throttle = recordingThrottle({ freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 4000 });
	let ctx: TestContext;
	beforeAll(async () => {
		ctx = await createTestContext(kind, { loginThrottle: throttle });
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
			return { status: res.status, ms: performance.now() - started, delay: throttle.delays.at(-1), body: await res.json() };
		};
		const first = await attempt();
		expect(first.status).toBe(401);
		expect(first.body.error.code).toBe('invalid_credentials');
		await attempt();
		const third = await attempt();
		const fourth = await attempt();
		// Delays (1 s, then 2 s) far exceed one scrypt check even on a loaded machine.
		expect(first.delay).toBe(0);
		expect(third.delay).toBe(1000);
		expect(fourth.delay).toBe(2000);
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
		await ctx.deps.db.updateTable('user').set({ role: 'member' }).where('id', '=', admin.id).execute();
		expect((await ctx.json('POST', '/api/projects', { name: 'After' }, admin.cookie)).status).toBe(403);
		const me = await ctx.request('/api/auth/me', { cookie: admin.cookie });
		expect((await me.json()).user.role).toBe('member');

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

describe.each(DB_KINDS)('sign-in slow-down on %s', (kind) => {
	let ctx: TestContext;
	const PASSWORD = 'correct horse battery';
	const throttle = recordingThrottle({ freeAttempts: 2, addressFreeAttempts: 6, baseDelayMs: 600, maxDelayMs: 600 });
	beforeAll(async () => {
		ctx = await createTestContext(kind, { config: { trustProxyHops: 0 }, loginThrottle: throttle });
	});
	afterAll(() => ctx.close());

	/** A sign-in from `address` (the socket's peer, as @hono/node-server passes it). */
	const login = async (email: string, password: string, address: string, headers: Record<string, string> = {}) => {
		const started = performance.now();
		const res = await ctx.app.request(
			'/api/auth/login',
			{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) },
			{ incoming: { socket: { remoteAddress: address } } }
		);
		return { status: res.status, ms: performance.now() - started, delay: throttle.delays.at(-1) };
	};

	it('slows the (account, address) pair, not the same account from elsewhere, and ignores X-Forwarded-For', async () => {
		const victim = await ctx.createUser('transcriber', 'victim@example.test');
		const attacker = '198.51.100.7';
		for (let i = 0; i < 2; i++) expect((await login(victim.email, 'wrong password!', attacker)).status).toBe(401);
		const slowed = await login(victim.email, 'wrong password!', attacker);
		expect(slowed.status).toBe(401);
		expect(slowed.ms).toBeGreaterThanOrEqual(590);
		// A forged X-Forwarded-For changes nothing while no proxy is trusted…
		const forged = await login(victim.email, 'wrong password!', attacker, { 'x-forwarded-for': '203.0.113.99' });
		expect(forged.ms).toBeGreaterThanOrEqual(590);
		// …and the victim, from their own address, signs in without waiting.
		const own = await login(victim.email, PASSWORD, '192.0.2.10');
		expect(own.status).toBe(200);
		expect(own.delay).toBe(0);
		const rows = await ctx.deps.db.selectFrom('login_throttle').select(['key', 'attempts']).execute();
		expect(rows.find((r) => r.key === pairKey({ account: victim.email, address: attacker }))?.attempts).toBe(4);
		expect(rows.find((r) => r.key === pairKey({ account: victim.email, address: '203.0.113.99' }))).toBeUndefined();
		expect(rows.some((r) => r.key.includes('example.test') || r.key.includes(attacker))).toBe(false);
	});

	it('slows an address trying many accounts only past its looser limit', async () => {
		const address = '198.51.100.8';
		const timings: number[] = [];
		const delays: number[] = [];
		for (let i = 0; i < 7; i++) {
			const attempt = await login(`nobody${i}@example.test`, 'wrong password!', address);
			expect(attempt.status).toBe(401);
			timings.push(attempt.ms);
			delays.push(attempt.delay ?? -1);
		}
		// Six different accounts are each their pair's first attempt; the seventh is past the address's limit.
		expect(delays).toEqual([0, 0, 0, 0, 0, 0, 600]);
		expect(timings[6]).toBeGreaterThanOrEqual(590);
	});

	it('a correct password clears its pair', async () => {
		const user = await ctx.createUser('transcriber', 'forgetful@example.test');
		const address = '198.51.100.9';
		for (let i = 0; i < 2; i++) await login(user.email, 'wrong password!', address);
		expect((await login(user.email, PASSWORD, address)).status).toBe(200);
		const next = await login(user.email, 'wrong password!', address);
		expect(next.status).toBe(401);
		expect(next.delay).toBe(0);
	});
});

describe.each(DB_KINDS)('sign-in slow-down behind a trusted proxy on %s', (kind) => {
	let ctx: TestContext;
	const throttle = recordingThrottle({ freeAttempts: 1, baseDelayMs: 600, maxDelayMs: 600 });
	beforeAll(async () => {
		ctx = await createTestContext(kind, { config: { trustProxyHops: 1 }, loginThrottle: throttle });
	});
	afterAll(() => ctx.close());

	const login = async (forwardedFor: string) => {
		const started = performance.now();
		await ctx.app.request(
			'/api/auth/login',
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
				body: JSON.stringify({ email: 'someone@example.test', password: 'wrong password!' })
			},
			{ incoming: { socket: { remoteAddress: '10.0.0.2' } } }
		);
		return { ms: performance.now() - started, delay: throttle.delays.at(-1) };
	};

	it("keys on the address the proxy saw, so the proxy's own address slows no one", async () => {
		await login('spoofed, 203.0.113.5');
		expect((await login('another spoof, 203.0.113.5')).ms).toBeGreaterThanOrEqual(590);
		// Another client through the same proxy is not slowed by the first one's failures.
		expect((await login('203.0.113.6')).delay).toBe(0);
	});
});
