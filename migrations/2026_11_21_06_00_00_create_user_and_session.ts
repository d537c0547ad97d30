import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('user')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('email', 'text', (col) => col.notNull().unique())
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('password_hash', 'text', (col) => col.notNull())
		.addColumn('role', 'text', (col) =>
			col.notNull().check(sql`role in ('admin', 'reviewer', 'transcriber', 'exporter')`)
		)
		.addColumn('is_active', 'integer', (col) => col.notNull().defaultTo(1))
		.addColumn('settings', 'text', (col) => col.notNull().defaultTo('{}'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.execute();

	await db.schema
		.createTable('session')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('expires_at', 'text', (col) => col.notNull())
		.execute();
	await db.schema.createIndex('session_user_id_index').on('session').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('session').execute();
	await db.schema.dropTable('user').execute();
}
