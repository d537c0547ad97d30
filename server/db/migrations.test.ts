import { describe, expect, it } from 'vitest';
import { createMigrator } from './migrator.ts';
import { DB_KINDS, createTestDb } from '../test/db.ts';

const EXPECTED_TABLES = [
	'dialect_tag',
	'job',
	'project',
	'recording',
	'recording_event',
	'segment',
	'segment_revision',
	'session',
	'speaker',
	'text_layer',
	'user'
];

describe.each(DB_KINDS)('migrations on %s', (kind) => {
	it('migrate up to the latest, all the way down, and up again', async () => {
		const handle = await createTestDb(kind);
		try {
			const tables = async () =>
				(await handle.db.introspection.getTables())
					// On PostgreSQL every schema is listed, and other test files migrate their own at the same time.
					.filter((t) => handle.schema === undefined || t.schema === handle.schema)
					.map((t) => t.name)
					.filter((name) => !name.startsWith('kysely_'))
					.sort();
			expect(await tables()).toEqual(EXPECTED_TABLES);

			const migrator = createMigrator(handle.db, { schema: handle.schema });
			const migrations = await migrator.getMigrations();
			for (let i = 0; i < migrations.length; i++) {
				const { error } = await migrator.migrateDown();
				expect(error).toBeUndefined();
			}
			expect(await tables()).toEqual([]);

			const { error } = await migrator.migrateToLatest();
			expect(error).toBeUndefined();
			expect(await tables()).toEqual(EXPECTED_TABLES);
		} finally {
			await handle.close();
		}
	});
});
