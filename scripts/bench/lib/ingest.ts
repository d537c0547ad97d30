import path from 'node:path';
import type { Deps } from '../../../server/deps.ts';
import { startWorkerPool } from '../../../server/jobs/worker-pool.ts';
import { AppError } from '../../../server/lib/errors.ts';
import { findRecordingById } from '../../../server/recordings/recordings.repository.ts';
import { importRecordingFromFile } from '../../../server/recordings/recordings.service.ts';

export interface IngestOutcome {
	recordingId: string;
	/** importRecordingFromFile: probe, truncation check, sha256, storing the original, rows + job. */
	importMs: number;
	/** From the start of the import until the recording is ready (rendition and peaks written). */
	totalMs: number;
	durationMs: number;
	/** The file was already in the project (nothing was timed). */
	existing: boolean;
}

/**
 * The ingest path a CLI import takes: importRecordingFromFile, then the real worker pool (one
 * worker) runs the ingest job until the recording is ready.
 */
export async function ingestFile(deps: Deps, options: { projectId: string; file: string }): Promise<IngestOutcome> {
	const pool = await startWorkerPool(deps, { size: 1 });
	try {
		const started = performance.now();
		let recordingId: string;
		try {
			recordingId = (
				await importRecordingFromFile(deps, {
					projectId: options.projectId,
					filePath: options.file,
					name: path.basename(options.file),
					userId: null,
					move: false
				})
			).id;
		} catch (err) {
			const existing = err instanceof AppError && err.code === 'duplicate' ? (err.details.recordingId as string) : undefined;
			if (!existing) throw err;
			const row = await findRecordingById(deps.db, existing);
			if (row?.state !== 'ready') throw new Error(`${options.file} is in the project but ${row?.state}: ${row?.error}`);
			return { recordingId: existing, importMs: 0, totalMs: 0, durationMs: row.duration_ms, existing: true };
		}
		const importMs = performance.now() - started;
		await pool.whenIdle();
		const totalMs = performance.now() - started;
		const row = await findRecordingById(deps.db, recordingId);
		if (row?.state !== 'ready') throw new Error(`ingest of ${options.file} ended ${row?.state}: ${row?.error}`);
		return { recordingId, importMs, totalMs, durationMs: row.duration_ms, existing: false };
	} finally {
		await pool.stop();
	}
}
