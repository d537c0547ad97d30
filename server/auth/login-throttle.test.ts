import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../db/connection.ts';
import { createTestDb, DB_KINDS } from '../test/db.ts';
import { addressKey, createLoginThrottle, pairKey } from './login-throttle.ts';
import { bumpLoginAttempts } from './login-throttle.repository.ts';

describe.each(DB_KINDS)('login throttle on %s', (kind) => {
	let handle: DbHandle;
	beforeAll(async () => {
		handle = await createTestDb(kind);
	});
	afterAll(() => handle.close());

	const window = () => ({ now: new Date().toISOString(), windowStart: new Date(Date.now() - 60_000).toISOString() });

	it('counts parallel attempts atomically: 20 at once get the counts 1 to 20', async () => {
		// On PostgreSQL these run on several pooled connections at once.
		const counts = await Promise.all(Array.from({ length: 20 }, () => bumpLoginAttempts(handle.db, ['k:parallel'], window())));
		expect(counts.map(([n]) => n).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
	});

	it('starts a count idle for longer than the window again from 1', async () => {
		const old = new Date(Date.now() - 3_600_000).toISOString();
		await handle.db.insertInto('login_throttle').values({ key: 'k:idle', attempts: 9, updated_at: old }).execute();
		expect(await bumpLoginAttempts(handle.db, ['k:idle'], window())).toEqual([1]);
		expect(await bumpLoginAttempts(handle.db, ['k:idle'], window())).toEqual([2]);
	});

	it('delays after the free attempts, doubling up to the cap; a success clears the pair only', async () => {
		const throttle = createLoginThrottle({ freeAttempts: 2, addressFreeAttempts: 100, baseDelayMs: 100, maxDelayMs: 400 });
		const attempt = { account: 'Ana@Example.org', address: '192.0.2.1' };
		const delays: number[] = [];
		for (let i = 0; i < 6; i++) delays.push(await throttle.begin(handle.db, attempt));
		expect(delays).toEqual([0, 0, 100, 200, 400, 400]);
		// The account is one however it is typed.
		expect(await throttle.begin(handle.db, { ...attempt, account: ' ana@example.org ' })).toBe(400);

		await throttle.succeeded(handle.db, attempt);
		const rows = await handle.db.selectFrom('login_throttle').select(['key', 'attempts']).execute();
		expect(rows.find((r) => r.key === pairKey(attempt))).toBeUndefined();
		// Seven attempts from the address, one of them right.
		expect(rows.find((r) => r.key === addressKey(attempt))?.attempts).toBe(6);
		expect(await throttle.begin(handle.db, attempt)).toBe(0);
	});

	it('slows an address past its own, looser limit whatever accounts it tries', async () => {
		const throttle = createLoginThrottle({ freeAttempts: 2, addressFreeAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 });
		const delays: number[] = [];
		for (let i = 0; i < 6; i++) delays.push(await throttle.begin(handle.db, { account: `user${i}@x.test`, address: '192.0.2.2' }));
		expect(delays).toEqual([0, 0, 0, 0, 100, 200]);
	});

	it('cleanup deletes only counts idle for longer than the window', async () => {
		const throttle = createLoginThrottle({ windowMs: 60_000 });
		const old = new Date(Date.now() - 120_000).toISOString();
		await handle.db.insertInto('login_throttle').values({ key: 'k:stale', attempts: 3, updated_at: old }).execute();
		await bumpLoginAttempts(handle.db, ['k:fresh'], window());
		expect(await throttle.cleanup(handle.db)).toBeGreaterThanOrEqual(1);
		const keys = (await handle.db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key);
		expect(keys).toContain('k:fresh');
		expect(keys).not.toContain('k:stale');
	});
});
