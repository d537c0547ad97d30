import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { ProcessingState } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';

/**
 * Inserts a recording row straight into the database, as ingest would leave it, so segment tests
 * need neither ffmpeg nor the upload pipeline. No media files are written.
 */
export async function insertTestRecording(
	db: Db,
	options: { projectId: string; durationMs?: number; state?: ProcessingState; name?: string; sha256?: string; ext?: string }
): Promise<{ id: string; durationMs: number }> {
	const id = newId();
	const now = nowIso();
	const durationMs = options.durationMs ?? 60_000;
	await db
		.insertInto('recording')
		.values({
			id,
			project_id: options.projectId,
			name: options.name ?? `${id}.wav`,
			sha256: options.sha256 ?? randomBytes(32).toString('hex'),
			original_ext: options.ext ?? 'wav',
			original_size: 1000,
			format_name: 'wav',
			codec: 'pcm_s16le',
			duration_ms: durationMs,
			sample_rate: 16000,
			channels: 1,
			speaker_id: null,
			place: null,
			metadata: '{}',
			state: options.state ?? 'ready',
			error: null,
			created_by: null,
			created_at: now,
			updated_at: now
		})
		.execute();
	return { id, durationMs };
}
