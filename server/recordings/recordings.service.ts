import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { audit } from '../audit/audit.ts';
import { recordRecordingDeletion } from '../dashboard/dashboard-facts.ts';
import type { Db } from '../db/connection.ts';
import type { Deps } from '../deps.ts';
import { deleteJobsForRecording, enqueueJob } from '../jobs/jobs.repository.ts';
import { AppError } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { findTruncation } from '../media/integrity.ts';
import { ProbeError, probeAudio, type AudioInfo } from '../media/probe.ts';
import { findProjectId, isUniqueViolation } from '../projects/projects.repository.ts';
import { toRecordingDto, type RecordingDeletionDto, type RecordingDto } from './recordings.mapper.ts';
import {
	countRecordingRevisions,
	countRecordingsUsingOriginal,
	deleteRecordingRevisions,
	deleteRecordingRow,
	findRecordingById,
	findRecordingIdBySha,
	insertRecording,
	renameRecording,
	speakerBelongsToProject,
	type RecordingRow
} from './recordings.repository.ts';

/** The job kind the worker pool runs for a new recording (payload `{ recordingId }`). */
export const INGEST_JOB_KIND = 'ingest';

export interface ImportRecordingInput {
	/** Project id or slug. */
	projectId: string;
	/** The file to import; read, never modified (unless `move`). */
	filePath: string;
	/** Display name, usually the file's base name. Must not look like a path. */
	name: string;
	/** Who imports it (null for scripts). */
	userId: string | null;
	speakerId?: string | null;
	place?: string | null;
	metadata?: Record<string, unknown>;
	/** Rename the file into storage instead of copying it (uploads already in the data dir's tmp/). */
	move?: boolean;
	/** The file's sha256 when the caller already hashed it while receiving it. */
	sha256?: string;
}

/**
 * Imports one audio file: checks it synchronously (before anything is written), stores the original
 * untouched and content-addressed, and inserts the recording (state `queued`) and its ingest job in
 * one transaction; the worker pool then makes the rendition and the peaks. Expected failures throw
 * AppError (400 invalid_file_name, 404 not_found, 409 duplicate, 415 not_audio / no_audio_stream,
 * 422 empty_file / truncated / unknown_speaker) and leave no row and no file behind.
 *
 * @example
 * const recording = await importRecordingFromFile(deps, {
 *   projectId: 'hakka-oral-history', filePath: '/mnt/field/tape3.wav', name: 'tape3.wav', userId: null
 * });
 */
export async function importRecordingFromFile(deps: Deps, input: ImportRecordingInput): Promise<RecordingDto> {
	const { db, storage } = deps;
	const name = checkFileName(input.name);
	const projectId = await findProjectId(db, input.projectId);
	if (!projectId) throw new AppError(404, 'not_found', 'Project not found');
	const speakerId = input.speakerId || null;
	if (speakerId && !(await speakerBelongsToProject(db, projectId, speakerId))) {
		throw new AppError(422, 'unknown_speaker', 'No such speaker in this project');
	}
	const place = input.place?.normalize('NFC').trim() || null;

	const fileStat = await stat(input.filePath).catch(() => null);
	if (!fileStat?.isFile()) throw new AppError(404, 'not_found', `No file at ${input.filePath}`);
	if (fileStat.size === 0) throw new AppError(422, 'empty_file', 'The file is empty (0 bytes)');
	const info = await probeOrReject(deps, input.filePath);
	const truncated = await findTruncation(deps.media.ffmpeg, input.filePath, info, { sizeBytes: fileStat.size });
	if (truncated) throw new AppError(422, 'truncated', `The file is truncated: ${truncated}`);

	const sha256 = input.sha256 ?? (await sha256File(input.filePath));
	const existing = await findRecordingIdBySha(db, projectId, sha256);
	if (existing) throw duplicate(existing);

	const ext = extensionOf(name);
	const originalPath = storage.originalPath(sha256, ext);
	const stored = await storeOriginal(storage.tmpDir, input.filePath, originalPath, input.move === true);
	const id = newId();
	try {
		const now = nowIso();
		await db.transaction().execute(async (trx) => {
			await insertRecording(trx, {
				id,
				project_id: projectId,
				name,
				sha256,
				original_ext: ext,
				original_size: fileStat.size,
				format_name: info.formatName,
				codec: info.codec,
				duration_ms: info.durationMs ?? 0,
				sample_rate: info.sampleRate,
				channels: info.channels,
				speaker_id: speakerId,
				place,
				metadata: JSON.stringify(input.metadata ?? {}),
				state: 'queued',
				error: null,
				created_by: input.userId,
				created_at: now,
				updated_at: now
			});
			await enqueueJob(trx, { kind: INGEST_JOB_KIND, payload: { recordingId: id } });
			const details = { name, sha256, size: fileStat.size, durationMs: info.durationMs ?? 0 };
			await audit(trx, { projectId, actorId: input.userId, action: 'recording.upload', target: { type: 'recording', id }, details });
		});
	} catch (err) {
		await stored.undo(deps, sha256, ext);
		if (isUniqueViolation(err)) {
			const winner = await findRecordingIdBySha(db, projectId, sha256);
			if (winner) throw duplicate(winner);
		}
		throw err;
	}
	await stored.commit();
	deps.notifyJobs();
	const row = await findRecordingById(db, id);
	if (!row) throw new Error(`recording ${id} vanished right after its import`);
	return toRecordingDto(row);
}

/** What deleting a recording takes with it, for the confirmation the UI asks first. */
export async function describeRecordingDeletion(deps: Deps, row: RecordingRow): Promise<RecordingDeletionDto> {
	const [revisions, holders] = await Promise.all([
		countRecordingRevisions(deps.db, row.id),
		countRecordingsUsingOriginal(deps.db, row.sha256, row.original_ext)
	]);
	return { segments: Number(row.segment_count), revisions, originalShared: holders > 1 };
}

/**
 * Deletes a recording: in one transaction its row (segments cascade), its segments' revisions
 * and every job that names it; then its rendition, peaks, cached clips and spectrograms, and the
 * original when no other recording keeps the same bytes. False when unknown.
 */
export async function deleteRecording(deps: Deps, id: string, actorId: string | null): Promise<boolean> {
	const { db, storage } = deps;
	const row = await findRecordingById(db, id);
	if (!row) return false;
	const deleted = await db.transaction().execute(async (trx) => {
		await deleteJobsForRecording(trx, id);
		await deleteRecordingRevisions(trx, id);
		await recordRecordingDeletion(trx, { recordingId: id, projectId: row.project_id, userId: actorId });
		if (!(await deleteRecordingRow(trx, id))) return false;
		// The segments' history goes with the recording, so the entry says how much went.
		const details = { name: row.name, sha256: row.sha256, segments: Number(row.segment_count) };
		await audit(trx, { projectId: row.project_id, actorId, action: 'recording.delete', target: { type: 'recording', id }, details });
		return true;
	});
	if (!deleted) return false;
	await rm(storage.mediaDir(id), { recursive: true, force: true });
	await rm(storage.clipCacheDir(id), { recursive: true, force: true });
	if ((await countRecordingsUsingOriginal(db, row.sha256, row.original_ext)) === 0) {
		await rm(storage.originalPath(row.sha256, row.original_ext), { force: true });
	}
	return true;
}

/** Renames a recording (its display name only) and records the old and new name. False when gone. */
export async function renameRecordingAs(db: Db, args: { recording: RecordingRow; name: string; actorId: string | null }): Promise<boolean> {
	const { recording, name, actorId } = args;
	return db.transaction().execute(async (trx) => {
		if (!(await renameRecording(trx, recording.id, name))) return false;
		if (name !== recording.name) {
			const details = { changes: { name: { from: recording.name, to: name } } };
			await audit(trx, { projectId: recording.project_id, actorId, action: 'recording.rename', target: { type: 'recording', id: recording.id }, details });
		}
		return true;
	});
}

/**
 * A display name that cannot be mistaken for a path: NFC, no path separators, no `..`, no control
 * characters, at most 255 characters. Throws AppError 400 invalid_file_name.
 */
export function checkFileName(raw: string | undefined | null): string {
	const name = (raw ?? '').normalize('NFC').trim();
	const reject = (why: string) => new AppError(400, 'invalid_file_name', `Invalid file name ${JSON.stringify(raw ?? '')}: ${why}`);
	if (!name) throw reject('it is empty');
	if (/[/\\]/.test(name)) throw reject('it contains a path separator');
	if (name.includes('..')) throw reject('it contains ".."');
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(name)) throw reject('it contains control characters');
	if ([...name].length > 255) throw reject('it is longer than 255 characters');
	return name;
}

/** The lower-case extension of a file name when it is a plain one (`Tape 3.WAV` → `wav`), else ''. */
export function extensionOf(name: string): string {
	const ext = path.extname(name).slice(1).toLowerCase();
	return /^[a-z0-9]{1,8}$/.test(ext) ? ext : '';
}

export async function sha256File(filePath: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

async function probeOrReject(deps: Deps, filePath: string): Promise<AudioInfo> {
	let info: AudioInfo;
	try {
		info = await probeAudio(deps.media.ffprobe, filePath);
	} catch (err) {
		if (err instanceof ProbeError) throw new AppError(415, 'not_audio', `Not an audio file: ${err.message}`);
		throw err;
	}
	if (!info.hasAudio) {
		throw new AppError(415, 'no_audio_stream', `The file has no audio stream (format: ${info.formatName || 'unknown'})`);
	}
	return info;
}

function duplicate(recordingId: string) {
	return new AppError(409, 'duplicate', 'This file is already in the project', { recordingId });
}

/**
 * Puts the original at its content address: rename (move) or copy to tmp/ then rename, so the
 * address never holds a partial file. Identical bytes already stored are kept as they are.
 * `undo` takes it back when the database write fails; `commit` finishes a move.
 */
async function storeOriginal(tmpDir: string, source: string, target: string, move: boolean) {
	await mkdir(path.dirname(target), { recursive: true });
	const existed = existsSync(target);
	let movedFromSource = false;
	if (!existed) {
		if (move) {
			try {
				await rename(source, target);
				movedFromSource = true;
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
			}
		}
		if (!movedFromSource) {
			const tmp = path.join(tmpDir, `original-${randomBytes(8).toString('hex')}`);
			try {
				await copyFile(source, tmp);
				await rename(tmp, target);
			} catch (err) {
				await rm(tmp, { force: true });
				throw err;
			}
		}
	}
	return {
		async undo(deps: Deps, sha256: string, ext: string) {
			if (existed) return;
			if ((await countRecordingsUsingOriginal(deps.db, sha256, ext).catch(() => 1)) > 0) return;
			if (movedFromSource) await rename(target, source).catch(() => rm(target, { force: true }));
			else await rm(target, { force: true });
		},
		async commit() {
			if (move && !movedFromSource) await unlink(source).catch(() => undefined);
		}
	};
}
