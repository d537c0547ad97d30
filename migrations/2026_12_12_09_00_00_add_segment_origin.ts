import { sql, type Kysely } from 'kysely';

/**
 * Where a segment's text came from: `manual` (made in the editor), `import` (a transcript file),
 * `machine` (ASR output, to be post-edited) or `presegment` (pre-segmentation, no text yet). The
 * review metrics compare the text a machine made (the revision that set `machine`) with what people
 * made of it.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('segment')
		.addColumn('origin', 'text', (col) =>
			col
				.notNull()
				.defaultTo('manual')
				.check(sql`origin in ('manual', 'import', 'machine', 'presegment')`)
		)
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('segment').dropColumn('origin').execute();
}
