import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { DayRange } from './dashboard.repository.ts';

const hasTaskTables = new WeakMap<Db, Promise<boolean>>();

/**
 * Whether this database has the task queue's tables (server/tasks). The dashboard works without
 * them (the queue section says it is not available) and reads them as soon as they exist.
 */
function tasksAvailable(db: Db): Promise<boolean> {
	let known = hasTaskTables.get(db);
	if (!known) {
		known = db.introspection.getTables().then((tables) => {
			const names = new Set(tables.map((t) => t.name));
			return names.has('task') && names.has('task_event');
		});
		hasTaskTables.set(db, known);
	}
	return known;
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
