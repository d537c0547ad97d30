/** `npm run db:migrate` (latest), `npm run db:rollback` (one step down), `tsx scripts/migrate.ts status`. */
import { createDb } from '../server/db/connection.ts';
import { createMigrator } from '../server/db/migrator.ts';
import { loadConfig } from '../server/env.ts';

const command = process.argv[2] ?? 'latest';
const config = loadConfig();
const { db, close } = createDb({ url: config.databaseUrl });
const migrator = createMigrator(db);

try {
	if (command === 'status') {
		for (const m of await migrator.getMigrations()) {
			console.log(`${m.executedAt ? 'applied ' : 'pending '} ${m.name}`);
		}
	} else {
		const { error, results } =
			command === 'down' ? await migrator.migrateDown() : await migrator.migrateToLatest();
		for (const r of results ?? []) console.log(`${r.status.padEnd(8)} ${r.direction} ${r.migrationName}`);
		if (error) throw error;
		if (!results?.length) console.log('Nothing to do.');
	}
} catch (err) {
	console.error(`Migration failed: ${err instanceof Error ? err.message : String(err)}`);
	process.exitCode = 1;
} finally {
	await close();
}
