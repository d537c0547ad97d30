import type { Kysely } from 'kysely';

/**
 * How a project turns recordings into tasks and serves them: window length and overlap for long
 * recordings, the lease's idle time, transcriptions per window (double transcription) and the
 * share of claims answered with a gold copy.
 */
export async function up(db: Kysely<any>): Promise<void> {
	const columns: [string, number][] = [
		['task_chunk_ms', 600_000],
		['task_overlap_ms', 5_000],
		['task_lease_ms', 1_800_000],
		['transcriptions_per_task', 1],
		['gold_percent', 0]
	];
	for (const [name, value] of columns) {
		await db.schema
			.alterTable('project')
			.addColumn(name, 'integer', (col) => col.notNull().defaultTo(value))
			.execute();
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const name of ['gold_percent', 'transcriptions_per_task', 'task_lease_ms', 'task_overlap_ms', 'task_chunk_ms']) {
		await db.schema.alterTable('project').dropColumn(name).execute();
	}
}
