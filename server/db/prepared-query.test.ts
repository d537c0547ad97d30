import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from './connection.ts';
import { createTestDb, DB_KINDS } from '../test/db.ts';
import { preparedQuery, type Slots } from './prepared-query.ts';

describe.each(DB_KINDS)(`${preparedQuery.name} on %s`, (kind) => {
	let handle: DbHandle;
	beforeAll(async () => {
		handle = await createTestDb(kind);
		const now = new Date().toISOString();
		await handle.db
			.insertInto('user')
			.values(
				['a', 'b', 'c'].map((id, i) => ({
					id,
					email: `${id}@x.test`,
					name: `User ${id}`,
					password_hash: 'x',
					role: 'member' as const,
					is_active: i === 2 ? (0 as const) : (1 as const),
					settings: '{}',
					created_at: now,
					updated_at: now
				}))
			)
			.execute();
	});
	afterAll(() => handle.close());

	it('binds named values in the order the SQL needs, whatever order they are given in', async () => {
		const query = preparedQuery((db, p: Slots<'active' | 'name' | 'id'>) =>
			db.selectFrom('user').select(['id', 'name']).where('is_active', '=', p.active).where('name', '<>', p.name).where('id', '<>', p.id).orderBy('id')
		);
		const first = await query(handle.db, { id: 'b', name: 'nobody', active: 1 });
		expect(first.rows).toEqual([{ id: 'a', name: 'User a' }]);
		const second = await query(handle.db, { name: 'User a', id: 'x', active: 1 });
		expect(second.rows).toEqual([{ id: 'b', name: 'User b' }]);
		await handle.db.transaction().execute(async (trx) => {
			expect((await query(trx, { name: '', id: '', active: 0 })).rows).toEqual([{ id: 'c', name: 'User c' }]);
		});
	});

	it('compiles one statement per shape', async () => {
		const query = preparedQuery((db, p: Slots<string>, shape) =>
			db
				.selectFrom('user')
				.select('id')
				.where(
					'id',
					'in',
					Array.from({ length: Number(shape) }, (_, i) => p[`id${i}`])
				)
				.orderBy('id')
		);
		expect((await query(handle.db, { id0: 'a' }, '1')).rows).toEqual([{ id: 'a' }]);
		expect((await query(handle.db, { id0: 'c', id1: 'a' }, '2')).rows).toEqual([{ id: 'a' }, { id: 'c' }]);
	});

	it('reports affected rows for writes', async () => {
		const rename = preparedQuery((db, p: Slots<'id' | 'name'>) =>
			db.updateTable('user').set({ name: p.name }).where('id', '=', p.id)
		);
		expect(Number((await rename(handle.db, { id: 'a', name: 'Renamed' })).numAffectedRows)).toBe(1);
		expect(Number((await rename(handle.db, { id: 'zz', name: 'Nobody' })).numAffectedRows)).toBe(0);
	});

	it('refuses a constant compiled as a parameter, and a missing value', async () => {
		const constant = preparedQuery((db, p: Slots<'id'>) =>
			db.selectFrom('user').select('id').where('id', '=', p.id).where('role', '=', 'admin')
		);
		await expect(constant(handle.db, { id: 'a' })).rejects.toThrow(/constant "admin"/);
		const query = preparedQuery((db, p: Slots<'id'>) => db.selectFrom('user').select('id').where('id', '=', p.id));
		await expect(query(handle.db, {} as { id: string })).rejects.toThrow(/no value for id/);
	});
});
