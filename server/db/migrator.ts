import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './connection.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Loads migrations/*.ts with an import from our own module, so whatever runs the app (tsx, or
 * vitest's module runner) also compiles them; Kysely's FileMigrationProvider imports from inside
 * node_modules, where TypeScript files are not understood.
 */
class MigrationsFolderProvider implements MigrationProvider {
	async getMigrations(): Promise<Record<string, Migration>> {
		const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.*\.ts$/.test(f)).sort();
		const migrations: Record<string, Migration> = {};
		for (const file of files) {
			migrations[file.replace(/\.ts$/, '')] = await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href);
		}
		return migrations;
	}
}

/**
 * `schema` names the PostgreSQL schema that holds Kysely's own bookkeeping tables. Without it
 * Kysely's existence check looks across every schema and may find another schema's table.
 */
export function createMigrator(db: Db, options: { schema?: string } = {}) {
	return new Migrator({ db, provider: new MigrationsFolderProvider(), migrationTableSchema: options.schema });
}

/** Migrates to the latest version; throws with the failing migration's name and cause. */
export async function migrateToLatest(
	db: Db,
	options: { schema?: string; log?: (line: string) => void } = {}
) {
	const log = options.log ?? (() => {});
	const { error, results } = await createMigrator(db, options).migrateToLatest();
	for (const result of results ?? []) {
		if (result.status === 'Success') log(`migration ${result.migrationName} applied`);
		if (result.status === 'Error') log(`migration ${result.migrationName} failed`);
	}
	if (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(`Database migration failed: ${message}`, { cause: error });
	}
}
