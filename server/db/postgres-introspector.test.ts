import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from './connection.ts';
import { createTestDb } from '../test/db.ts';

describe('introspection on postgres', () => {
	let a: DbHandle;
	let b: DbHandle;
	beforeAll(async () => {
		[a, b] = await Promise.all([createTestDb('postgres'), createTestDb('postgres')]);
	});
	afterAll(async () => {
		await Promise.all([a?.close(), b?.close()]);
	});

	it("lists only the connection's own schema, with its columns", async () => {
		await sql`create table only_in_b (id text primary key, n integer)`.execute(b.db);
		const tables = await a.db.introspection.getTables();
		expect(tables.length).toBeGreaterThan(5);
		expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([a.schema]));
		expect(tables.map((t) => t.name)).not.toContain('only_in_b');
		expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
		const segment = tables.find((t) => t.name === 'segment');
		expect(segment?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'recording_id', 'start_ms', 'texts']));
		const own = await b.db.introspection.getTables({ withInternalKyselyTables: true });
		expect(own.map((t) => t.name)).toEqual(expect.arrayContaining(['only_in_b', 'kysely_migration']));
	});

	it('keeps answering while other schemas are created and dropped beside it', async () => {
		let churning = true;
		const churn = (async () => {
			for (let i = 0; churning && i < 200; i++) {
				const name = `churn_${process.pid}_${i}`;
				await sql.raw(`create schema ${name}; create table ${name}.t (id int, x text); drop schema ${name} cascade`).execute(b.db);
			}
		})();
		try {
			for (let i = 0; i < 40; i++) {
				const tables = await a.db.introspection.getTables({ withInternalKyselyTables: true });
				expect(tables.some((t) => t.name === 'kysely_migration')).toBe(true);
			}
		} finally {
			churning = false;
			await churn;
		}
	});
});
