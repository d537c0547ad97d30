import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../env.ts';
import { startServer, type RunningServer } from '../index.ts';
import type { Db, DbHandle } from '../db/connection.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { createTestDatabaseUrl, createTestDb, DB_KINDS } from '../test/db.ts';
import { hashPassword } from './password.ts';
import { setUpFirstAdmin } from './setup.service.ts';

const RACERS = 20;

const setupBody = (i: number) =>
	JSON.stringify({ email: `first${i}@example.test`, name: `First ${i}`, password: 'a long enough password' });

async function expectOneAdmin(db: Db, statuses: number[]) {
	expect(statuses.filter((s) => s === 201)).toHaveLength(1);
	expect(statuses.filter((s) => s === 409)).toHaveLength(RACERS - 1);
	const users = await db.selectFrom('user').select(['id', 'role']).execute();
	expect(users).toHaveLength(1);
	expect(users[0].role).toBe('admin');
	const setup = await db.selectFrom('instance_setup').selectAll().execute();
	expect(setup).toEqual([expect.objectContaining({ id: 1, set_up_by: users[0].id })]);
}

describe.each(DB_KINDS)('first-run setup races on %s', (kind) => {
	describe('in process', () => {
		let ctx: TestContext;
		beforeAll(async () => {
			ctx = await createTestContext(kind);
		});
		afterAll(() => ctx.close());

		it(`${RACERS} concurrent setups make exactly one admin; the others get 409`, async () => {
			// On PostgreSQL the app's pool runs these transactions on several connections at once.
			const responses = await Promise.all(
				Array.from({ length: RACERS }, (_, i) =>
					ctx.request('/api/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: setupBody(i) })
				)
			);
			for (const res of responses.filter((r) => r.status === 409)) {
				expect((await res.json()).error.code).toBe('already_set_up');
			}
			await expectOneAdmin(ctx.deps.db, responses.map((r) => r.status));
			expect(await (await ctx.request('/api/auth/setup')).json()).toEqual({ needsSetup: false });
		});
	});

	describe(setUpFirstAdmin.name, () => {
		let handle: DbHandle;
		beforeAll(async () => {
			handle = await createTestDb(kind);
		});
		afterAll(() => handle.close());

		it(`${RACERS} transactions started together (no password hashing to space them out) make one admin`, async () => {
			const passwordHash = await hashPassword('a long enough password');
			const results = await Promise.all(
				Array.from({ length: RACERS }, (_, i) => setUpFirstAdmin(handle.db, { email: `t${i}@example.test`, name: `T ${i}`, passwordHash }))
			);
			await expectOneAdmin(handle.db, results.map((user) => (user ? 201 : 409)));
		});
	});

	describe('through real HTTP', () => {
		let running: RunningServer;
		let dataDir: string;
		let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
		beforeAll(async () => {
			database = await createTestDatabaseUrl(kind);
			dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-setup-'));
			running = await startServer(
				loadConfig({ PORT: '0', HOST: '127.0.0.1', FANGYAN_DATA_DIR: dataDir, DATABASE_URL: database.url, FANGYAN_DEMO: '0', FANGYAN_WORKERS: '0', LOG_LEVEL: 'warn' })
			);
		});
		afterAll(async () => {
			await running?.close();
			await database?.close();
			rmSync(dataDir, { recursive: true, force: true });
		});

		it(`${RACERS} concurrent setups over sockets make exactly one admin`, async () => {
			const responses = await Promise.all(
				Array.from({ length: RACERS }, (_, i) =>
					fetch(`${running.url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: setupBody(i) })
				)
			);
			await expectOneAdmin(running.deps.db, responses.map((r) => r.status));
		});
	});
});
