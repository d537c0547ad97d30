import type { Db } from '../db/connection.ts';
import type { QaBatch, QaBatchState } from '../db/schema.ts';
import { SEGMENT_COLUMNS } from '../segments/segments.repository.ts';
import type { SampledItem } from './qa-sampling.ts';

const BATCH_COLUMNS = [
	'id',
	'project_id',
	'stage',
	'percent',
	'seed',
	'threshold',
	'scope',
	'population',
	'state',
	'error_rate',
	'created_by',
	'created_at',
	'decided_by',
	'decided_at'
] as const;

/** The segments of the given recordings of a project (recordings of other projects are left out). */
export async function listScopeSegments(db: Db, projectId: string, recordingIds: string[]) {
	if (recordingIds.length === 0) return [];
	return db
		.selectFrom('segment')
		.innerJoin('recording', 'recording.id', 'segment.recording_id')
		.select(SEGMENT_COLUMNS)
		.where('recording.project_id', '=', projectId)
		.where('segment.recording_id', 'in', recordingIds)
		.orderBy('segment.id')
		.execute();
}

/** The tasks of the recordings that are submitted and waiting for review `stage` (a QA batch's tasks). */
export async function listWaitingTasks(db: Db, projectId: string, recordingIds: string[], stage: number): Promise<string[]> {
	if (recordingIds.length === 0) return [];
	const rows = await db
		.selectFrom('task')
		.select('id')
		.where('project_id', '=', projectId)
		.where('recording_id', 'in', recordingIds)
		.where('state', '=', 'submitted')
		.where('review_stage', '=', stage)
		.orderBy('id')
		.execute();
	return rows.map((r) => r.id);
}

/** Which of the ids are recordings of the project. */
export async function recordingsOfProject(db: Db, projectId: string, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await db.selectFrom('recording').select('id').where('project_id', '=', projectId).where('id', 'in', ids).execute();
	return new Set(rows.map((r) => r.id));
}

export async function insertBatch(db: Db, batch: QaBatch, items: SampledItem[]) {
	await db.insertInto('qa_batch').values(batch).execute();
	for (let i = 0; i < items.length; i += 200) {
		await db
			.insertInto('qa_batch_item')
			.values(
				items.slice(i, i + 200).map((item) => ({
					batch_id: batch.id,
					segment_id: item.segmentId,
					recording_id: item.recordingId,
					stratum: item.stratum,
					position: item.position
				}))
			)
			.execute();
	}
}

export function findBatch(db: Db, id: string) {
	return db.selectFrom('qa_batch').select(BATCH_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function listBatches(db: Db, projectId: string) {
	return db
		.selectFrom('qa_batch')
		.select(BATCH_COLUMNS)
		.where('project_id', '=', projectId)
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(200)
		.execute();
}

export function listBatchItems(db: Db, batchId: string) {
	return db
		.selectFrom('qa_batch_item')
		.select(['segment_id', 'recording_id', 'stratum', 'position'])
		.where('batch_id', '=', batchId)
		.orderBy('position')
		.execute();
}

/** Records the decision unless the batch was decided meanwhile; true when this call decided it. */
export async function decideBatch(
	db: Db,
	id: string,
	decision: { state: Exclude<QaBatchState, 'open'>; errorRate: number | null; userId: string; at: string }
): Promise<boolean> {
	const result = await db
		.updateTable('qa_batch')
		.set({ state: decision.state, error_rate: decision.errorRate, decided_by: decision.userId, decided_at: decision.at })
		.where('id', '=', id)
		.where('state', '=', 'open')
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/** Segments by id (those that still exist), chunked to stay under bind limits. */
export async function findSegments(db: Db, ids: string[]) {
	const rows = [];
	for (let i = 0; i < ids.length; i += 500) {
		rows.push(...(await db.selectFrom('segment').select(SEGMENT_COLUMNS).where('segment.id', 'in', ids.slice(i, i + 500)).execute()));
	}
	return rows;
}

/** Sampled segments per batch id. */
export async function countBatchItems(db: Db, batchIds: string[]): Promise<Map<string, number>> {
	if (batchIds.length === 0) return new Map();
	const rows = await db
		.selectFrom('qa_batch_item')
		.select(['batch_id', db.fn.countAll<number>().as('n')])
		.where('batch_id', 'in', batchIds)
		.groupBy('batch_id')
		.execute();
	return new Map(rows.map((r) => [r.batch_id, Number(r.n)]));
}
