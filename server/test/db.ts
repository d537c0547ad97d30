import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type DbHandle, type DbKind } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';

/** Both databases every data-layer and API test runs on. */
export const DB_KINDS: DbKind[] = ['sqlite', 'postgres'];

/**
 * A migrated database of its own for one test file: a fresh SQLite file in a temp directory, or a
 * fresh schema on the test PostgreSQL server. `close()` removes it.
 */
export async function createTestDb(kind: DbKind): Promise<DbHandle> {
	if (kind === 'sqlite') {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-db-'));
		const handle = createDb({ url: path.join(dir, 'test.db') });
		await migrateToLatest(handle.db);
		return {
			...handle,
			close: async () => {
				await handle.close();
				rmSync(dir, { recursive: true, force: true });
			}
		};
	}
	const url = inject('pgUrl');
	const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	await adminQuery(url, `create schema ${schema}`);
	const handle = createDb({ url, schema, poolSize: 5 });
	await migrateToLatest(handle.db, { schema });
	return {
		...handle,
		close: async () => {
			await handle.close();
			await adminQuery(url, `drop schema ${schema} cascade`);
		}
	};
}

/**
 * An empty database for a server to open by URL (it migrates on start): a SQLite file path in a
 * temp directory, or a fresh PostgreSQL schema named in the URL (`options=-c search_path=…`).
 */
export async function createTestDatabaseUrl(kind: DbKind): Promise<{ url: string; close(): Promise<void> }> {
	if (kind === 'sqlite') {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-db-'));
		return { url: path.join(dir, 'test.db'), close: async () => rmSync(dir, { recursive: true, force: true }) };
	}
	const base = inject('pgUrl');
	const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	await adminQuery(base, `create schema ${schema}`);
	const url = new URL(base);
	url.searchParams.set('options', `-c search_path=${schema}`);
	return { url: url.toString(), close: () => adminQuery(base, `drop schema ${schema} cascade`) };
}

async function adminQuery(url: string, sqlText: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(sqlText);
	} finally {
		await client.end();
	}
}
