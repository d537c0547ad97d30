import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { runTool } from '../media/ffmpeg.ts';
import type { Storage } from '../storage/paths.ts';

/** A tone standing in for speech: [startMs, endMs) at a peak amplitude (1 = full scale). */
export interface Burst {
	startMs: number;
	endMs: number;
	amplitude: number;
}

/**
 * Writes `durationMs` of mono audio that is digital silence except for the bursts: a 440 Hz tone
 * with a 4 Hz "syllable" swell (60–100 % of the amplitude), so levels move like speech but never
 * dip below the burst's own floor; `humAmplitude` adds 50 Hz mains hum throughout. `.wav` gives PCM,
 * `.ogg` Opus (like the playback rendition).
 */
export async function writeBurstAudio(
	ffmpeg: string,
	file: string,
	options: { durationMs: number; bursts: Burst[]; humAmplitude?: number; sampleRate?: number }
): Promise<void> {
	const terms = options.bursts.map(
		(b) => `${b.amplitude}*(0.8+0.2*sin(2*PI*4*t))*gte(t,${b.startMs / 1000})*lt(t,${b.endMs / 1000})`
	);
	const hum = options.humAmplitude ? `+${options.humAmplitude}*sin(2*PI*50*t)` : '';
	const expr = `(${terms.join('+') || '0'})*sin(2*PI*440*t)${hum}`;
	const rate = options.sampleRate ?? 16_000;
	const codec = file.endsWith('.ogg') ? ['-c:a', 'libopus', '-b:a', '48k'] : ['-c:a', 'pcm_s16le'];
	mkdirSync(path.dirname(file), { recursive: true });
	await runTool(ffmpeg, [
		'-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
		'-f', 'lavfi', '-i', `aevalsrc=exprs='${expr}':s=${rate}:d=${options.durationMs / 1000}`,
		...codec, file
	]);
}

/**
 * What import would leave behind for a WAV of bursts: the original at its content address and a
 * 'ready' recording row (plus the project it needs). Returns the recording id.
 */
export async function insertBurstRecording(
	db: Db,
	storage: Storage,
	ffmpeg: string,
	options: {
		durationMs: number;
		bursts: Burst[];
		humAmplitude?: number;
		state?: 'queued' | 'processing' | 'ready' | 'failed';
		projectId?: string;
	}
): Promise<{ recordingId: string; projectId: string; originalPath: string }> {
	const tmp = path.join(storage.tmpDir, `${newId()}.wav`);
	await writeBurstAudio(ffmpeg, tmp, options);
	const bytes = readFileSync(tmp);
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const originalPath = storage.originalPath(sha256, 'wav');
	mkdirSync(path.dirname(originalPath), { recursive: true });
	renameSync(tmp, originalPath);

	const now = nowIso();
	const projectId = options.projectId ?? newId();
	if (!options.projectId) {
		await db
			.insertInto('project')
			.values({ id: projectId, slug: `p-${projectId}`, name: 'Presegment test', description: '', guidelines: '', created_by: null, created_at: now, updated_at: now })
			.execute();
	}
	const recordingId = newId();
	await db
		.insertInto('recording')
		.values({
			id: recordingId,
			project_id: projectId,
			name: 'bursts.wav',
			sha256,
			original_ext: 'wav',
			original_size: bytes.length,
			format_name: 'wav',
			codec: 'pcm_s16le',
			duration_ms: options.durationMs,
			sample_rate: 16_000,
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
	return { recordingId, projectId, originalPath };
}
