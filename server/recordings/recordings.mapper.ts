import type { RecordingRow } from './recordings.repository.ts';
import type { RecordingDeletionDto, RecordingDto } from './recordings.schemas.ts';

export type { RecordingDeletionDto, RecordingDto };

export function toRecordingDto(row: RecordingRow): RecordingDto {
	return {
		id: row.id,
		projectId: row.project_id,
		name: row.name,
		sha256: row.sha256,
		sizeBytes: Number(row.original_size),
		formatName: row.format_name,
		codec: row.codec,
		durationMs: row.duration_ms,
		sampleRate: row.sample_rate,
		channels: row.channels,
		speakerId: row.speaker_id,
		place: row.place,
		metadata: parseMetadata(row.metadata),
		state: row.state,
		error: row.error,
		segmentCount: Number(row.segment_count),
		segmentedMs: Number(row.segmented_ms),
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}

function parseMetadata(text: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(text);
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}
