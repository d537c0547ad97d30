import { sql } from 'kysely';
import { dbKindOf, type Db } from '../db/connection.ts';
import type { DayRange } from './dashboard.repository.ts';

const hasTaskTables = new WeakMap<Db, Promise<boolean>>();

/**
 * Whether this database has the task queue's tables (server/tasks). The dashboard works without
 * them (the queue section says it is not available) and reads them as soon as they exist.
 */
function tasksAvailable(db: Db): Promise<boolean> {
	let known = hasTaskTables.get(db);
	if (!known) {
		known = hasTables(db, ['task', 'task_event']);
		hasTaskTables.set(db, known);
	}
	return known;
}

/** Whether the tables exist where this connection looks (PostgreSQL: its search_path, not any schema). */
export async function hasTables(db: Db, names: string[]): Promise<boolean> {
	for (const name of names) {
		const found =
			dbKindOf(db) === 'postgres'
				? (await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(db)).rows[0]?.t
				: (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = ${name}`.execute(db)).rows[0]?.name;
		if (!found) return false;
	}
	return true;
}

/** Tasks per state, lapsed leases per day, and each person's errors on gold tasks. */
export async function queueFigures(db: Db, projectId: string, range: DayRange) {
	if (!(await tasksAvailable(db))) return { available: false, states: [], lapses: [], gold: [] };
	const from = range.from ?? '0000-00-00';
	// `to` is a day: every instant of it sorts before the next day's first.
	const to = range.to ? `${range.to}\uffff` : '9999';
	const [states, lapses, gold] = await Promise.all([
		sql<{ state: string; count: number }>`select state, count(*) as count from task where project_id = ${projectId} group by state`.execute(db),
		sql<{ day: string; count: number }>`select substr(at, 1, 10) as day, count(*) as count from task_event
			where project_id = ${projectId} and action = 'lapse' and at >= ${from} and at < ${to}
			group by substr(at, 1, 10) order by day`.execute(db),
		sql<{ user_id: string; errors: number; ref_length: number }>`select assignee_id as user_id, sum(gold_errors) as errors, sum(gold_ref_length) as ref_length
			from task where project_id = ${projectId} and gold_errors is not null and assignee_id is not null group by assignee_id`.execute(db)
	]);
	return {
		available: true,
		states: states.rows.map((r) => ({ state: r.state, count: Number(r.count) })),
		lapses: lapses.rows.map((r) => ({ day: r.day, count: Number(r.count) })),
		gold: gold.rows.map((r) => ({ userId: r.user_id, errors: Number(r.errors), refLength: Number(r.ref_length) }))
	};
}
