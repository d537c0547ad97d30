import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { dbKindOf, type Db } from './connection.ts';

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
	const schema = options.schema ?? (await currentPostgresSchema(db));
	const { error, results } = await createMigrator(db, { schema }).migrateToLatest();
	for (const result of results ?? []) {
		if (result.status === 'Success') log(`migration ${result.migrationName} applied`);
		if (result.status === 'Error') log(`migration ${result.migrationName} failed`);
	}
	if (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(`Database migration failed: ${message}`, { cause: error });
	}
}

/**
 * The schema a PostgreSQL connection writes to (its search_path's first), so the bookkeeping tables
 * are looked for there: a database whose other schemas hold Kysely tables of their own (another
 * app, or a DATABASE_URL with `options=-c search_path=…`) then migrates its own schema correctly.
 */
async function currentPostgresSchema(db: Db): Promise<string | undefined> {
	if (dbKindOf(db) !== 'postgres') return undefined;
	const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
	return rows[0]?.schema ?? undefined;
}
