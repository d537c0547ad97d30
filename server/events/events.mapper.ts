import type { RecordingEventRow } from './events.repository.ts';
import type { RecordingEventDto } from './events.schemas.ts';

export function toRecordingEventDto(row: RecordingEventRow): RecordingEventDto {
	return {
		id: row.id,
		recordingId: row.recording_id,
		timeMs: Number(row.time_ms),
		endMs: row.end_ms === null ? null : Number(row.end_ms),
		tier: row.tier,
		label: row.label,
		speakerId: row.speaker_id,
		source: row.source,
		createdBy: row.created_by,
		createdAt: row.created_at
	};
}
