import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { listAuditEntries } from '../../../server/audit/audit.repository.ts';
import { createDb, type DbHandle, type DbKind } from '../../../server/db/connection.ts';
import { migrateToLatest } from '../../../server/db/migrator.ts';
import { categoriesByDay, dialectTotals, progressByDay, qualityByDay, transcriberTotals } from '../../../server/dashboard/dashboard.repository.ts';
import { loadDashboard } from '../../../server/dashboard/dashboard.service.ts';
import { recordSegmentWrite } from '../../../server/dashboard/dashboard-facts.ts';
import { queueFigures } from '../../../server/dashboard/queue.repository.ts';
import { findPostgres } from '../../../server/test/postgres.ts';
import { generateDashboardProject, SCALE_500K } from '../lib/dashboard-data.ts';
import type { BenchGroup, GroupContext } from '../lib/group.ts';
import { round } from '../lib/stats.ts';

const RUNS = 7;

async function pgAdmin(url: string, text: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

/**
 * A database holding the generated project: fresh each run, or kept in FANGYAN_BENCH_WORKSPACE
 * (a SQLite file there, a PostgreSQL schema named after it) with the generated project's ids.
 */
async function openDatabase(kind: DbKind, ctx: GroupContext) {
	const keep = process.env.FANGYAN_BENCH_WORKSPACE;
	const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-dashboard-'));
	const schema = keep ? 'bench_dashboard_kept' : `bench_dashboard_${Date.now().toString(36)}`;
	let handle: DbHandle;
	let drop = async () => {};
	if (kind === 'sqlite') {
		handle = createDb({ url: path.join(dir, 'dashboard.sqlite') });
	} else {
		const url = await findPostgres();
		await pgAdmin(url, `create schema if not exists ${schema}`);
		handle = createDb({ url, schema, poolSize: 6 });
		drop = () => pgAdmin(url, `drop schema ${schema} cascade`);
	}
	await migrateToLatest(handle.db, { schema: kind === 'postgres' ? schema : undefined });
	const marker = path.join(dir, `dashboard-${kind}.json`);
	let generated: Awaited<ReturnType<typeof generateDashboardProject>>;
	if (keep && existsSync(marker)) {
		generated = JSON.parse(readFileSync(marker, 'utf8'));
	} else {
		const started = performance.now();
		generated = await generateDashboardProject(handle.db, SCALE_500K, ctx.log);
		ctx.log(`  ${kind}: generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
		if (kind === 'postgres') await sql`analyze`.execute(handle.db);
		if (keep) writeFileSync(marker, JSON.stringify(generated));
	}
	return {
		handle,
		generated,
		async close() {
			await handle.close();
			if (!keep) {
				await drop();
				rmSync(dir, { recursive: true, force: true });
			}
		}
	};
}

/** The slowest of RUNS timed calls, after one untimed call (the worst case the user may meet). */
async function worstMs(fn: () => Promise<unknown>): Promise<number> {
	await fn();
	let worst = 0;
	for (let i = 0; i < RUNS; i++) {
		const started = performance.now();
		await fn();
		worst = Math.max(worst, performance.now() - started);
	}
	return worst;
}

/**
 * Every dashboard query (server/dashboard) on a generated project of 1,000 recordings, 500,000
 * segments (with 750,000 revisions and 200,000 review decisions) and 20,000 tasks, on SQLite and
 * on PostgreSQL; beside them the audit trail's first page over the same history, and what the
 * pre-aggregation adds to one segment write.
 */
export const dashboardGroup: BenchGroup = {
	name: 'dashboard',
	title: 'dashboard and audit queries on a 500,000-segment project (SQLite and PostgreSQL)',
	async run(ctx) {
		const figures: Record<string, number> = {};
		const notes: string[] = [];
		for (const kind of ['sqlite', 'postgres'] as const) {
			ctx.log(`${kind}: generating or opening the 500,000-segment project`);
			const database = await openDatabase(kind, ctx);
			try {
				const { db } = database.handle;
				const { projectId, transcriberId, counts } = database.generated;
				const range = {};
				const queries: Record<string, () => Promise<unknown>> = {
					progress: () => progressByDay(db, projectId, range),
					transcribers: () => transcriberTotals(db, projectId, range),
					quality: () => qualityByDay(db, projectId, range),
					quality_one_transcriber: () => qualityByDay(db, projectId, range, transcriberId),
					categories: () => categoriesByDay(db, projectId, range),
					dialects: () => dialectTotals(db, projectId, range),
					queue: () => queueFigures(db, projectId, range),
					whole_dashboard: () => loadDashboard(db, projectId, range)
				};
				let max = 0;
				for (const [name, fn] of Object.entries(queries)) {
					const ms = await worstMs(fn);
					figures[`dashboard_${name}_ms_${kind}`] = round(ms, 2);
					max = Math.max(max, ms);
				}
				figures[`dashboard_max_ms_${kind}_500k`] = round(max, 2);
				figures[`audit_page_ms_${kind}_500k`] = round(await worstMs(() => listAuditEntries(db, { projectId }, { limit: 51 })), 2);
				figures[`audit_actor_page_ms_${kind}_500k`] = round(
					await worstMs(() => listAuditEntries(db, { projectId, actorId: transcriberId }, { limit: 51 })),
					2
				);
				const recording = await db.selectFrom('recording').select('id').where('project_id', '=', projectId).executeTakeFirstOrThrow();
				const row = { start_ms: 0, end_ms: 3000, texts: JSON.stringify({ transcript: '新的一段' }), dialect_tag_id: null };
				figures[`dashboard_write_ms_${kind}`] = round(
					await worstMs(() => db.transaction().execute((trx) => recordSegmentWrite(trx, { recordingId: recording.id, before: null, after: row, userId: transcriberId }))),
					2
				);
				notes.push(`${kind}: ${counts.segments} segments, ${counts.tasks} tasks, ${counts.dashboardRows} dashboard_daily rows, ${counts.buckets} activity spans`);
			} finally {
				await database.close();
			}
		}
		notes.push(
			`each figure is the slowest of ${RUNS} calls after one warm-up; dashboard_max_ms_* is the slowest query (whole_dashboard runs them all at once)`,
			'dashboard_write_ms_* is what the pre-aggregation adds to one segment write (its own transaction here; in the app it shares the write’s)',
			'PostgreSQL is ANALYZEd after the bulk load, as autovacuum would'
		);
		return { figures, notes };
	}
};
