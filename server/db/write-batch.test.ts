import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from './connection.ts';
import { inWriteTransaction } from './write-batch.ts';
import { DB_KINDS, createTestDb } from '../test/db.ts';
import { newId, nowIso } from '../lib/ids.ts';

describe.each(DB_KINDS)(`${inWriteTransaction.name} on %s`, (kind) => {
	let handle: DbHandle;
	beforeAll(async () => {
		handle = await createTestDb(kind);
	});
	afterAll(() => handle.close());

	const insertUser = (email: string) => (trx: DbHandle['db']) =>
		trx
			.insertInto('user')
			.values({
				id: newId(),
				email,
				name: email,
				password_hash: 'x',
				role: 'member',
				is_active: 1,
				settings: '{}',
				created_at: nowIso(),
				updated_at: nowIso()
			})
			.returning('email')
			.executeTakeFirstOrThrow();

	const count = async (prefix: string) =>
		(await handle.db.selectFrom('user').select('email').where('email', 'like', `${prefix}%`).execute()).length;

	it('runs many concurrent writes, each seeing the ones before it, and resolves each with its own result', async () => {
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => inWriteTransaction(handle.db, insertUser(`ok${i}@x.test`)))
		);
		expect(results.map((r) => r.email)).toEqual(Array.from({ length: 50 }, (_, i) => `ok${i}@x.test`));
		expect(await count('ok')).toBe(50);
	});

	it('never commits half of a failed write: an unexpected error undoes it', async () => {
		const failing = inWriteTransaction(handle.db, async (trx) => {
			await insertUser('half@x.test')(trx);
			throw new Error('disk on fire');
		});
		await expect(failing).rejects.toThrow('disk on fire');
		expect(await count('half')).toBe(0);
		// The database is usable afterwards.
		await inWriteTransaction(handle.db, insertUser('after@x.test'));
		expect(await count('after')).toBe(1);
	});
});

describe(`${inWriteTransaction.name} batching on sqlite`, () => {
	let handle: DbHandle;
	const insertOnce = (trx: DbHandle['db']) =>
		trx
			.insertInto('user')
			.values({ id: newId(), email: 'once@x.test', name: 'once', password_hash: 'x', role: 'member', is_active: 1, settings: '{}', created_at: nowIso(), updated_at: nowIso() })
			.returning('email')
			.executeTakeFirstOrThrow();
	beforeAll(async () => {
		handle = await createTestDb('sqlite');
	});
	afterAll(() => handle.close());

	// SQLite batches concurrent writes into one transaction; PostgreSQL gives each its own, so there
	// the two checks may race (and a unique index decides), which is its normal behaviour.
	it('lets a write in a batch see the writes before it', async () => {
		const [first, second] = await Promise.all([
			inWriteTransaction(handle.db, async (trx) => {
				const taken = await trx.selectFrom('user').select('id').where('email', '=', 'once@x.test').executeTakeFirst();
				return taken ? 'taken' : (await insertOnce(trx)).email;
			}),
			inWriteTransaction(handle.db, async (trx) => {
				const taken = await trx.selectFrom('user').select('id').where('email', '=', 'once@x.test').executeTakeFirst();
				return taken ? 'taken' : (await insertOnce(trx)).email;
			})
		]);
		expect([first, second]).toEqual(['once@x.test', 'taken']);
	});
});
