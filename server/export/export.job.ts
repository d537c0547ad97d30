import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import type { JobContext } from '../jobs/worker-pool.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import { completeExportJob, findExportJob, setExportProgress, setExportState } from './export.repository.ts';
import { exportFilterSchema, exportOptionsSchema, type ExportFormat } from './export.schemas.ts';
import { writeExport } from './export.service.ts';
import { zipDirectory } from './export-zip.ts';

export const EXPORT_JOB_KIND = 'export';

/** An export interrupted this many times (its server died each time) is not tried again. */
export const MAX_EXPORT_ATTEMPTS = 3;

/** Progress is written to the database at most this often. */
const PROGRESS_EVERY_MS = 500;

/**
 * The export job: writes the export into a folder of this process's scratch space, zips it next
 * to it and renames the zip into exports/. Whatever happens, the folder goes; on failure the zip
 * too, and the export is `failed` with the reason. A job whose server died midway is requeued by
 * the worker pool and starts over from nothing (the dead process's scratch folder is swept).
 */
export async function runExportJob(deps: Deps, payload: unknown, ctx: JobContext): Promise<void> {
	const exportId = (payload as { exportId?: unknown } | null)?.exportId;
	if (typeof exportId !== 'string') throw new Error(`export job without an exportId: ${JSON.stringify(payload)}`);
	const { db, storage } = deps;
	const row = await findExportJob(db, exportId);
	if (!row) return; // deleted while queued
	const project = await db.selectFrom('project').select(['slug', 'name']).where('id', '=', row.project_id).executeTakeFirst();
	if (!project) return;
	if (ctx.attempts > MAX_EXPORT_ATTEMPTS) {
		const message = `The export was interrupted ${MAX_EXPORT_ATTEMPTS} times; giving up`;
		await setExportState(db, exportId, 'failed', { error: message });
		throw new Error(message);
	}
	await setExportState(db, exportId, 'running', { progress: 0, error: null });

	const staging = path.join(storage.tmpDir, `export-${exportId}`);
	const zipTmp = path.join(storage.tmpDir, `export-${exportId}.zip`);
	await Promise.all([rm(staging, { recursive: true, force: true }), rm(zipTmp, { force: true })]);
	await mkdir(staging, { recursive: true });
	let lastWrite = 0;
	let pendingWrite: Promise<void> = Promise.resolve();
	const onProgress = (fraction: number) => {
		ctx.reportProgress(fraction);
		const now = Date.now();
		if (now - lastWrite < PROGRESS_EVERY_MS) return;
		lastWrite = now;
		pendingWrite = pendingWrite.then(() => setExportProgress(db, exportId, Math.round(fraction * 1000) / 1000)).catch(() => undefined);
	};
	try {
		const result = await writeExport(
			deps,
			{
				projectId: row.project_id,
				project,
				format: row.format as ExportFormat,
				filter: exportFilterSchema.parse(JSON.parse(row.filter)),
				options: exportOptionsSchema.parse(JSON.parse(row.options))
			},
			{ outDir: staging, signal: ctx.signal, onProgress }
		);
		await zipDirectory(staging, zipTmp, { signal: ctx.signal });
		await pendingWrite;
		const { size } = await stat(zipTmp);
		const target = storage.exportPath(exportId);
		await rename(zipTmp, target);
		const fileName = `${project.slug}-${row.format}-${row.created_at.slice(0, 10)}-${exportId.slice(-4)}.zip`;
		const saved = await completeExportJob(db, exportId, { filePath: path.relative(storage.root, target), fileName, size, summary: JSON.stringify(result.summary) });
		if (!saved) await rm(target, { force: true }); // deleted while it ran
	} catch (err) {
		await rm(zipTmp, { force: true });
		await pendingWrite;
		if (ctx.signal.aborted) {
			// The pool is stopping: the job goes back to the queue, the export with it.
			await setExportState(db, exportId, 'queued', { progress: 0 }).catch(() => undefined);
		} else {
			await setExportState(db, exportId, 'failed', { error: describeFailure(err) });
		}
		throw err;
	} finally {
		await rm(staging, { recursive: true, force: true });
	}
}

function describeFailure(err: unknown): string {
	if (err instanceof FfmpegError) {
		const reason = err.stderrTail.trim().split('\n').slice(-2).join(' | ');
		return `ffmpeg could not cut the audio: ${reason || `exit code ${err.exitCode}`}`;
	}
	return (err instanceof Error ? err.message : String(err)).slice(0, 2000);
}
