import type { Db } from '../db/connection.ts';
import type { ExportJob, JobState } from '../db/schema.ts';
import { nowIso } from '../lib/ids.ts';

export const EXPORT_JOB_COLUMNS = [
	'id',
	'project_id',
	'format',
	'filter',
	'options',
	'state',
	'progress',
	'file_path',
	'file_name',
	'size',
	'summary',
	'error',
	'created_by',
	'created_at',
	'updated_at',
	'finished_at'
] as const;

/** Inserts a queued export; call in the transaction that queues its job. */
export async function insertExportJob(db: Db, row: Pick<ExportJob, 'id' | 'project_id' | 'format' | 'filter' | 'options' | 'created_by'>) {
	const now = nowIso();
	await db
		.insertInto('export_job')
		.values({ ...row, state: 'queued', progress: 0, file_path: null, file_name: null, size: null, summary: null, error: null, created_at: now, updated_at: now, finished_at: null })
		.execute();
}

export function findExportJob(db: Db, id: string) {
	return db.selectFrom('export_job').select(EXPORT_JOB_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** A project's exports, newest first. */
export function listExportJobs(db: Db, projectId: string, limit = 20) {
	return db.selectFrom('export_job').select(EXPORT_JOB_COLUMNS).where('project_id', '=', projectId).orderBy('id', 'desc').limit(limit).execute();
}

export async function setExportState(db: Db, id: string, state: JobState, fields: { progress?: number; error?: string | null } = {}) {
	const now = nowIso();
	await db
		.updateTable('export_job')
		.set({ state, ...fields, updated_at: now, finished_at: state === 'done' || state === 'failed' ? now : null })
		.where('id', '=', id)
		.execute();
}

export async function setExportProgress(db: Db, id: string, progress: number) {
	await db.updateTable('export_job').set({ progress, updated_at: nowIso() }).where('id', '=', id).where('state', '=', 'running').execute();
}

export async function completeExportJob(db: Db, id: string, fields: { filePath: string; fileName: string; size: number; summary: string }) {
	const now = nowIso();
	const result = await db
		.updateTable('export_job')
		.set({ state: 'done', progress: 1, file_path: fields.filePath, file_name: fields.fileName, size: fields.size, summary: fields.summary, error: null, updated_at: now, finished_at: now })
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}
