import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('project')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('slug', 'text', (col) => col.notNull().unique())
		.addColumn('name', 'text', (col) => col.notNull())
		.addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('guidelines', 'text', (col) => col.notNull().defaultTo(''))
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('updated_at', 'text', (col) => col.notNull())
		.execute();

	await db.schema
		.createTable('dialect_tag')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) =>
			col.notNull().references('project.id').onDelete('cascade')
		)
		.addColumn('parent_id', 'text', (col) => col.references('dialect_tag.id').onDelete('cascade'))
		.addColumn('code', 'text', (col) => col.notNull())
		.addColumn('name_en', 'text', (col) => col.notNull())
		.addColumn('name_zh', 'text', (col) => col.notNull())
		.addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
		.addUniqueConstraint('dialect_tag_project_code_unique', ['project_id', 'code'])
		.execute();

	await db.schema
		.createTable('text_layer')
		.addColumn('id', 'text', (col) => col.primaryKey())
		.addColumn('project_id', 'text', (col) =>
			col.notNull().references('project.id').onDelete('cascade')
		)
		.addColumn('key', 'text', (col) => col.notNull())
		.addColumn('name_en', 'text', (col) => col.notNull())
		.addColumn('name_zh', 'text', (col) => col.notNull())
		.addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
		.addUniqueConstraint('text_layer_project_key_unique', ['project_id', 'key'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('text_layer').execute();
	await db.schema.dropTable('dialect_tag').execute();
	await db.schema.dropTable('project').execute();
}
