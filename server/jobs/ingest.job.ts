import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import { transcodeAndAnalyse } from '../media/ingest-pipeline.ts';
import { findRecordingById, markRecordingReady, setRecordingState } from '../recordings/recordings.repository.ts';
import type { JobContext } from './worker-pool.ts';

/** A job interrupted this many times (its worker died each time) is not tried again. */
export const MAX_INGEST_ATTEMPTS = 3;

/**
 * The ingest job: one ffmpeg decode of the stored original makes the playback rendition and the
 * peaks (written under tmp/, then renamed into the recording's media dir), and the recording
 * becomes `ready` with the duration that was actually decoded — or `failed` with the reason.
 */
export async function runIngestJob(deps: Deps, payload: unknown, ctx: JobContext): Promise<void> {
	const recordingId = (payload as { recordingId?: unknown } | null)?.recordingId;
	if (typeof recordingId !== 'string') throw new Error(`ingest job without a recordingId: ${JSON.stringify(payload)}`);
	const { db, storage } = deps;
	const recording = await findRecordingById(db, recordingId);
	if (!recording) return; // deleted while queued: nothing to do
	if (ctx.attempts > MAX_INGEST_ATTEMPTS) {
		const message = `Processing was interrupted ${MAX_INGEST_ATTEMPTS} times; giving up`;
		await setRecordingState(db, recordingId, 'failed', message);
		throw new Error(message);
	}
	await setRecordingState(db, recordingId, 'processing');

	const nonce = randomBytes(6).toString('hex');
	const playbackTmp = path.join(storage.tmpDir, `${recordingId}-${nonce}.ogg`);
	const peaksTmp = path.join(storage.tmpDir, `${recordingId}-${nonce}.peaks`);
	try {
		const peaks = await transcodeAndAnalyse(deps.media.ffmpeg, {
			input: storage.originalPath(recording.sha256, recording.original_ext),
			sampleRate: recording.sample_rate,
			channels: recording.channels,
			playbackOut: playbackTmp,
			peaksOut: peaksTmp,
			tmpDir: storage.tmpDir,
			signal: ctx.signal,
			onProgress: (ms) => recording.duration_ms > 0 && ctx.reportProgress(Math.min(1, ms / recording.duration_ms))
		});
		await mkdir(storage.mediaDir(recordingId), { recursive: true });
		await rename(playbackTmp, storage.playbackPath(recordingId));
		await rename(peaksTmp, storage.peaksPath(recordingId));
		if (!(await markRecordingReady(db, recordingId, peaks.durationMs))) {
			// Deleted while it was being processed: leave nothing behind.
			await rm(storage.mediaDir(recordingId), { recursive: true, force: true });
		}
	} catch (err) {
		await Promise.all([rm(playbackTmp, { force: true }), rm(peaksTmp, { force: true })]);
		if (ctx.signal.aborted) {
			// The pool is stopping; the job goes back to the queue and so does the recording.
			await setRecordingState(db, recordingId, 'queued').catch(() => undefined);
		} else {
			await setRecordingState(db, recordingId, 'failed', describeFailure(err));
		}
		throw err;
	}
}

function describeFailure(err: unknown): string {
	if (err instanceof FfmpegError) {
		const reason = err.stderrTail.trim().split('\n').slice(-2).join(' | ');
		return `ffmpeg could not process this file: ${reason || `exit code ${err.exitCode}`}`;
	}
	return err instanceof Error ? err.message : String(err);
}
