import {
	PostgresDialect,
	sql,
	type DatabaseIntrospector,
	type DatabaseMetadata,
	type DatabaseMetadataOptions,
	type Kysely,
	type SchemaMetadata,
	type TableMetadata
} from 'kysely';

/** Kysely's bookkeeping tables (its default names, which the migrator uses). */
const KYSELY_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/**
 * PostgreSQL introspection of the connection's own schema only (the first of its search_path).
 *
 * Kysely's own introspector reads the columns of every schema in the database, and its migrator
 * calls it on every start to find its bookkeeping table. When another schema is dropped while
 * that catalog query runs (another app, a test file finishing beside this one), the query fails
 * with "schema … does not exist" and the migration with it. Fangyan only ever needs its own
 * schema, so it asks about nothing else.
 */
class SchemaIntrospector implements DatabaseIntrospector {
	readonly #db: Kysely<unknown>;

	constructor(db: Kysely<unknown>) {
		this.#db = db;
	}

	async getSchemas(): Promise<SchemaMetadata[]> {
		const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.#db);
		return rows;
	}

	async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
		const { rows } = await sql<{
			schema: string;
			table: string;
			table_type: string;
			column: string | null;
			data_type: string | null;
			is_nullable: string | null;
			column_default: string | null;
		}>`
			select t.table_schema as schema, t.table_name as table, t.table_type,
				c.column_name as column, c.udt_name as data_type, c.is_nullable, c.column_default
			from information_schema.tables t
			left join information_schema.columns c
				on c.table_schema = t.table_schema and c.table_name = t.table_name
			where t.table_schema = current_schema()
			order by t.table_name, c.ordinal_position`.execute(this.#db);

		const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
		for (const row of rows) {
			if (!options.withInternalKyselyTables && KYSELY_TABLES.has(row.table)) continue;
			let table = tables.get(row.table);
			if (!table) {
				table = { name: row.table, schema: row.schema, isView: row.table_type === 'VIEW', columns: [] };
				tables.set(row.table, table);
			}
			if (row.column === null) continue;
			table.columns.push({
				name: row.column,
				dataType: row.data_type ?? '',
				isNullable: row.is_nullable === 'YES',
				isAutoIncrementing: row.column_default?.startsWith('nextval(') ?? false,
				hasDefaultValue: row.column_default !== null
			});
		}
		return [...tables.values()];
	}

	async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
		return { tables: await this.getTables(options) };
	}
}

/** PostgresDialect whose introspection (and so Kysely's migrator) sees only the connection's schema. */
export class SchemaScopedPostgresDialect extends PostgresDialect {
	override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
		return new SchemaIntrospector(db);
	}
}
