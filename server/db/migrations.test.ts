import { describe, expect, it } from 'vitest';
import { isSetUp } from '../auth/setup.repository.ts';
import { createMigrator } from './migrator.ts';
import type { Kysely } from 'kysely';
import { DB_KINDS, createTestDb } from '../test/db.ts';

/** The global roles before roles moved into projects (2026_12_14). */
type LegacyRole = 'admin' | 'reviewer' | 'transcriber' | 'exporter';

const EXPECTED_TABLES = [
	'account_link',
	'activity_bucket',
	'audit_log',
	'dashboard_category_daily',
	'dashboard_daily',
	'dialect_tag',
	'export_job',
	'instance_setup',
	'job',
	'login_throttle',
	'project',
	'project_member',
	'qa_batch',
	'qa_batch_item',
	'recording',
	'recording_event',
	'review_settings',
	'segment',
	'segment_review',
	'segment_revision',
	'session',
	'speaker',
	'task',
	'task_event',
	'text_layer',
	'user'
];

describe.each(DB_KINDS)('migrations on %s', (kind) => {
	it('migrate up to the latest, all the way down, and up again', async () => {
		const handle = await createTestDb(kind);
		try {
			const tables = async () =>
				// Only this file's schema: other test files' schemas live (and are dropped) beside it.
				(await handle.db.introspection.getTables())
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

	it('counts an install that already has accounts as set up', async () => {
		const handle = await createTestDb(kind);
		try {
			const migrator = createMigrator(handle.db, { schema: handle.schema });
			expect((await migrator.migrateTo('2026_11_21_06_04_00_create_job')).error).toBeUndefined();
			const now = new Date().toISOString();
			const account = (id: string, role: LegacyRole, createdAt: string) => ({
				id, email: `${id}@x.test`, name: id, password_hash: 'x', role, is_active: 1 as const, settings: '{}', created_at: createdAt, updated_at: now
			});
			await (handle.db as Kysely<any>)
				.insertInto('user')
				.values([account('early-transcriber', 'transcriber', '2026-01-01T00:00:00.000Z'), account('the-admin', 'admin', '2026-01-02T00:00:00.000Z')])
				.execute();
			expect((await migrator.migrateToLatest()).error).toBeUndefined();
			expect(await handle.db.selectFrom('instance_setup').select(['id', 'set_up_by']).execute()).toEqual([{ id: 1, set_up_by: 'the-admin' }]);
			expect(await isSetUp(handle.db)).toBe(true);
		} finally {
			await handle.close();
		}
	});

	it('turns the old global roles into memberships of every project, creators as managers', async () => {
		const handle = await createTestDb(kind);
		try {
			const migrator = createMigrator(handle.db, { schema: handle.schema });
			expect((await migrator.migrateTo('2026_12_12_09_01_00_create_recording_event')).error).toBeUndefined();
			const old = handle.db as Kysely<any>;
			const now = new Date().toISOString();
			const roles: [string, LegacyRole][] = [['boss', 'admin'], ['rev', 'reviewer'], ['tx', 'transcriber'], ['exp', 'exporter']];
			await old
				.insertInto('user')
				.values(roles.map(([id, role]) => ({ id, email: `${id}@x.test`, name: id, password_hash: 'x', role, is_active: 1, settings: '{}', created_at: now, updated_at: now })))
				.execute();
			await old
				.insertInto('project')
				.values(['p1', 'p2'].map((id) => ({ id, slug: id, name: id, description: '', guidelines: '', created_by: id === 'p1' ? 'boss' : null, created_at: now, updated_at: now })))
				.execute();
			expect((await migrator.migrateToLatest()).error).toBeUndefined();

			const users = await handle.db.selectFrom('user').select(['id', 'role']).orderBy('id').execute();
			expect(users).toEqual([{ id: 'boss', role: 'admin' }, { id: 'exp', role: 'member' }, { id: 'rev', role: 'member' }, { id: 'tx', role: 'member' }]);
			const members = await handle.db.selectFrom('project_member').select(['project_id', 'user_id', 'role']).orderBy('project_id').orderBy('user_id').execute();
			expect(members).toEqual([
				{ project_id: 'p1', user_id: 'boss', role: 'manager' },
				{ project_id: 'p1', user_id: 'exp', role: 'exporter' },
				{ project_id: 'p1', user_id: 'rev', role: 'reviewer' },
				{ project_id: 'p1', user_id: 'tx', role: 'transcriber' },
				{ project_id: 'p2', user_id: 'exp', role: 'exporter' },
				{ project_id: 'p2', user_id: 'rev', role: 'reviewer' },
				{ project_id: 'p2', user_id: 'tx', role: 'transcriber' }
			]);
			// The new CHECK holds: an old role can no longer be written.
			await expect(old.updateTable('user').set({ role: 'transcriber' }).where('id', '=', 'tx').execute()).rejects.toThrow();
		} finally {
			await handle.close();
		}
	});

	it('leaves a fresh install to be set up', async () => {
		const handle = await createTestDb(kind);
		try {
			expect(await handle.db.selectFrom('instance_setup').selectAll().execute()).toEqual([]);
			expect(await isSetUp(handle.db)).toBe(false);
		} finally {
			await handle.close();
		}
	});
});
