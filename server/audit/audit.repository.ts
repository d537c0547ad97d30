import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connection.ts';
import { SEGMENT_AUDIT_ACTIONS } from './audit.ts';

/** Which entries a view shows; every field narrows it (all absent: everything). */
export interface AuditFilter {
	/** Entries of one project (audit_log.project_id; a segment edit's recording's project). */
	projectId?: string;
	actorId?: string;
	/** An exact action (`task.transition`) or a whole group (`task`). */
	action?: string;
	targetType?: string;
	/** The target's id; for segment edits, the segment's or its recording's id. */
	targetId?: string;
	/** ISO instants: from inclusive, to exclusive. */
	from?: string;
	to?: string;
}

/** Where a page starts: after the entry with this time and id (newest first). */
export interface AuditCursor {
	createdAt: string;
	id: string;
}

export type AuditEntryRow = {
	id: string;
	project_id: string | null;
	actor_id: string | null;
	action: string;
	target_type: string;
	target_id: string | null;
	details: string | null;
	recording_id: string | null;
	version: number | null;
	created_at: string;
	actor_email: string | null;
	actor_name: string | null;
};

type Source = 'log' | 'revision';

/** Whether a branch of the union can hold entries the filter asks for. */
function wants(source: Source, filter: AuditFilter) {
	const segmentGroup = (a: string) => a === 'segment' || (SEGMENT_AUDIT_ACTIONS as readonly string[]).includes(a);
	if (source === 'revision') {
		if (filter.action && !segmentGroup(filter.action)) return false;
		if (filter.targetType && filter.targetType !== 'segment') return false;
		return true;
	}
	return !(filter.action && segmentGroup(filter.action));
}

function actionClause(action: string) {
	return action.includes('.') ? { op: '=' as const, value: action } : { op: 'like' as const, value: `${action}.%` };
}

/** Keeps the rows strictly after the cursor in (created_at desc, id desc) order. */
function afterCursor<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, time: string, id: string, cursor?: AuditCursor): QB {
	if (!cursor) return qb;
	return qb.where((eb: any) =>
		eb.or([eb(time, '<', cursor.createdAt), eb.and([eb(time, '=', cursor.createdAt), eb(id, '<', cursor.id)])])
	) as QB;
}

function logBranch(db: Db, filter: AuditFilter, cursor: AuditCursor | undefined, limit: number) {
	let qb = db
		.selectFrom('audit_log as a')
		.select([
			'a.id',
			'a.project_id',
			'a.actor_id',
			'a.action',
			'a.target_type',
			'a.target_id',
			'a.details',
			sql<string | null>`cast(null as text)`.as('recording_id'),
			sql<number | null>`cast(null as integer)`.as('version'),
			'a.created_at'
		]);
	if (filter.projectId) qb = qb.where('a.project_id', '=', filter.projectId);
	if (filter.actorId) qb = qb.where('a.actor_id', '=', filter.actorId);
	if (filter.action) {
		const { op, value } = actionClause(filter.action);
		qb = qb.where('a.action', op, value);
	}
	if (filter.targetType) qb = qb.where('a.target_type', '=', filter.targetType);
	if (filter.targetId) qb = qb.where('a.target_id', '=', filter.targetId);
	if (filter.from) qb = qb.where('a.created_at', '>=', filter.from);
	if (filter.to) qb = qb.where('a.created_at', '<', filter.to);
	qb = afterCursor(qb, 'a.created_at', 'a.id', cursor);
	return qb.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit);
}

/** Segment edits as audit entries, straight from segment_revision (no second copy is written). */
function revisionBranch(db: Db, filter: AuditFilter, cursor: AuditCursor | undefined, limit: number) {
	// CROSS JOIN keeps segment_revision the outer loop on SQLite (its planner would otherwise start
	// from the project's recordings and sort all their revisions): the time index is then walked
	// newest first and the scan stops after `limit` rows. PostgreSQL plans it as the inner join it is.
	let qb = db
		.selectFrom('segment_revision as r')
		.crossJoin('recording as rec')
		.whereRef('rec.id', '=', 'r.recording_id')
		.select([
			'r.id',
			'rec.project_id',
			'r.user_id as actor_id',
			sql<string>`'segment.' || r.action`.as('action'),
			sql<string>`'segment'`.as('target_type'),
			'r.segment_id as target_id',
			sql<string | null>`cast(null as text)`.as('details'),
			'r.recording_id',
			'r.version',
			'r.created_at'
		]);
	if (filter.projectId) qb = qb.where('rec.project_id', '=', filter.projectId);
	if (filter.actorId) qb = qb.where('r.user_id', '=', filter.actorId);
	if (filter.action && filter.action !== 'segment') qb = qb.where('r.action', '=', filter.action.slice('segment.'.length) as never);
	const targetId = filter.targetId;
	if (targetId) qb = qb.where((eb) => eb.or([eb('r.segment_id', '=', targetId), eb('r.recording_id', '=', targetId)]));
	if (filter.from) qb = qb.where('r.created_at', '>=', filter.from);
	if (filter.to) qb = qb.where('r.created_at', '<', filter.to);
	qb = afterCursor(qb, 'r.created_at', 'r.id', cursor);
	return qb.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(limit);
}

/**
 * One page of the audit view, newest first: audit_log and segment_revision merged. Each branch is
 * ordered and limited on its own indexes before the merge, so a page costs two index range scans
 * of `limit` rows whatever the size of the log.
 */
export async function listAuditEntries(
	db: Db,
	filter: AuditFilter,
	page: { limit: number; after?: AuditCursor }
): Promise<AuditEntryRow[]> {
	const branches = (['log', 'revision'] as const)
		.filter((s) => wants(s, filter))
		.map((s) => (s === 'log' ? logBranch(db, filter, page.after, page.limit) : revisionBranch(db, filter, page.after, page.limit)));
	if (branches.length === 0) return [];
	// Each branch keeps its own ORDER BY/LIMIT by being a derived table of the union.
	// The two branches have the same columns but not the same inferred types (nullability), so the
	// union is built untyped; the row type is declared once, as AuditEntryRow.
	const wrapped = branches.map((b, i) => db.selectFrom(b.as(`b${i}`) as any).selectAll()) as SelectQueryBuilder<any, any, any>[];
	const union = wrapped.length === 1 ? wrapped[0]! : wrapped[0]!.unionAll(wrapped[1]!);
	return db
		.selectFrom(union.as('e') as any)
		.leftJoin('user as u', 'u.id', 'e.actor_id')
		.select(['e.id', 'e.project_id', 'e.actor_id', 'e.action', 'e.target_type', 'e.target_id', 'e.details', 'e.recording_id', 'e.version', 'e.created_at'] as any)
		.select(['u.email as actor_email', 'u.name as actor_name'])
		.orderBy('e.created_at', 'desc')
		.orderBy('e.id', 'desc')
		.limit(page.limit)
		.execute() as Promise<AuditEntryRow[]>;
}

/**
 * The people who appear in a project's trail (or the instance's), for the actor filter: one index
 * probe per account (audit_log by actor, segment_revision by user), never a scan of the log.
 */
export function listAuditActors(db: Db, projectId?: string) {
	return db
		.selectFrom('user as u')
		.select(['u.id', 'u.email', 'u.name'])
		.where((eb) =>
			eb.or([
				eb.exists(
					eb
						.selectFrom('audit_log as a')
						.select('a.id')
						.whereRef('a.actor_id', '=', 'u.id')
						.$if(projectId !== undefined, (qb) => qb.where('a.project_id', '=', projectId!))
				),
				eb.exists(
					eb
						.selectFrom('segment_revision as r')
						.innerJoin('recording as rec', 'rec.id', 'r.recording_id')
						.select('r.id')
						.whereRef('r.user_id', '=', 'u.id')
						.$if(projectId !== undefined, (qb) => qb.where('rec.project_id', '=', projectId!))
				)
			])
		)
		.orderBy('u.name')
		.orderBy('u.email')
		.execute();
}
