import SqliteDatabase from 'better-sqlite3';
import {
	CompiledQuery,
	Kysely,
	SqliteDialect,
	SqliteDriver,
	type DatabaseConnection,
	type Driver,
	type SqliteDialectConfig
} from 'kysely';
import pg from 'pg';
import { SchemaScopedPostgresDialect } from './postgres-introspector.ts';
import type { Database } from './schema.ts';

export type DbKind = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DbHandle {
	db: Db;
	kind: DbKind;
	/** The PostgreSQL schema in use when one was chosen (tests give each file its own). */
	schema?: string;
	close(): Promise<void>;
}

// pg returns bigint (int8) and numeric as strings; our int8 columns (file sizes, counts) fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Opens the database named by `url`: `postgres://…` for PostgreSQL, anything else is a SQLite file path.
 *
 * @example
 * const { db } = createDb({ url: './data/fangyan.db' });
 * const { db } = createDb({ url: 'postgres://127.0.0.1/fangyan', schema: 'tenant_a' });
 */
export function createDb(options: { url: string; schema?: string; poolSize?: number }): DbHandle {
	if (/^postgres(ql)?:\/\//.test(options.url)) return createPostgresDb(options);
	return createSqliteDb(options.url.replace(/^sqlite:/, ''));
}

function createSqliteDb(path: string): DbHandle {
	const database = new SqliteDatabase(path);
	// WAL lets readers run beside the writer; NORMAL sync survives process crashes (see performance.md §5);
	// busy_timeout makes a second process (the CLI importer, another server) wait instead of failing.
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = NORMAL');
	database.pragma('busy_timeout = 10000');
	database.pragma('foreign_keys = ON');
	// Reads come from the page cache through mmap instead of read() calls; a larger page cache keeps
	// the segment and revision indexes hot.
	database.pragma('mmap_size = 268435456');
	database.pragma('cache_size = -65536');
	const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }) });
	return { db, kind: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query afresh; re-preparing the same SQL cost about as much as running it
 * in the autosave path. Statements are reused by SQL text (Kysely runs one query at a time per
 * connection, so a cached statement is never busy twice).
 */
function withStatementCache(database: SqliteDatabase.Database, size = 500) {
	const cache = new Map<string, SqliteDatabase.Statement>();
	return {
		close: () => void database.close(),
		prepare(sql: string) {
			let stmt = cache.get(sql);
			if (stmt) {
				cache.delete(sql);
			} else {
				stmt = database.prepare(sql);
				if (cache.size >= size) cache.delete(cache.keys().next().value!);
			}
			cache.set(sql, stmt);
			return stmt;
		}
	};
}

function createPostgresDb(options: { url: string; schema?: string; poolSize?: number }): DbHandle {
	const pool = new pg.Pool({
		connectionString: options.url,
		max: options.poolSize ?? 10,
		options: options.schema ? `-c search_path=${options.schema}` : undefined
	});
	const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
	return { db, kind: 'postgres', schema: options.schema, close: () => db.destroy() };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE. A deferred transaction that reads and then writes
 * can fail with SQLITE_BUSY at once when another process wrote in between (the busy handler is not
 * consulted for that upgrade); taking the write lock up front lets busy_timeout do its job.
 */
class ImmediateSqliteDialect extends SqliteDialect {
	readonly #config: SqliteDialectConfig;

	constructor(config: SqliteDialectConfig) {
		super(config);
		this.#config = config;
	}

	override createDriver(): Driver {
		return new ImmediateSqliteDriver(this.#config);
	}
}

class ImmediateSqliteDriver extends SqliteDriver {
	override async beginTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('begin immediate'));
	}
}

/** Tells which dialect a Kysely instance speaks, for the few statements that differ. */
export function dbKindOf(db: Db): DbKind {
	return db.getExecutor().adapter.constructor.name.startsWith('Postgres') ? 'postgres' : 'sqlite';
}
