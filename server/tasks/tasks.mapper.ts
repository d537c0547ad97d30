import type { listTaskEvents, TaskRow, TaskSettingsRow } from './tasks.repository.ts';
import type { TaskDto, TaskEventDto, TaskSettingsDto } from './tasks.schemas.ts';

export type { TaskDto, TaskEventDto, TaskSettingsDto };

/**
 * A task as its reader may see it: gold marks and scores only for managers, so a transcriber never
 * learns that a task is a gold copy.
 */
export function toTaskDto(row: TaskRow, options: { now: string; revealGold: boolean }): TaskDto {
	const lease = row.lease_expires_at;
	const reveal = options.revealGold;
	const scored = reveal && row.gold_errors != null && row.gold_ref_length != null;
	const refLength = Number(row.gold_ref_length ?? 0);
	return {
		id: row.id,
		projectId: row.project_id,
		recordingId: row.recording_id,
		recordingName: row.recording_name,
		startMs: Number(row.start_ms),
		endMs: Number(row.end_ms),
		kind: row.kind,
		state: row.state,
		priority: Number(row.priority),
		variant: Number(row.variant),
		assigneeId: row.assignee_id,
		assigneeName: row.assignee_name,
		reviewerId: row.reviewer_id,
		reviewerName: row.reviewer_name,
		leaseExpiresAt: lease,
		leaseMsLeft: lease ? Math.max(0, Date.parse(lease) - Date.parse(options.now)) : null,
		reviewRound: Number(row.review_round),
		reviewStage: Number(row.review_stage),
		isGold: reveal && Number(row.is_gold) === 1,
		goldSourceId: reveal ? row.gold_source_id : null,
		goldScore: scored
			? { errors: Number(row.gold_errors), refLength, cer: refLength > 0 ? Number(row.gold_errors) / refLength : null }
			: null,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		claimedAt: row.claimed_at,
		submittedAt: row.submitted_at,
		acceptedAt: row.accepted_at
	};
}

export function toTaskEventDto(row: Awaited<ReturnType<typeof listTaskEvents>>[number]): TaskEventDto {
	return {
		id: row.id,
		action: row.action,
		fromState: row.from_state,
		toState: row.to_state,
		userId: row.user_id,
		userName: row.user_name,
		at: row.at,
		note: row.note
	};
}

export function toTaskSettingsDto(row: TaskSettingsRow): TaskSettingsDto {
	return {
		chunkMinutes: Number(row.task_chunk_ms) / 60_000,
		overlapSeconds: Math.round(Number(row.task_overlap_ms) / 1000),
		leaseMinutes: Math.round(Number(row.task_lease_ms) / 60_000),
		transcriptionsPerTask: Number(row.transcriptions_per_task),
		goldPercent: Number(row.gold_percent)
	};
}

export function fromTaskSettingsDto(dto: TaskSettingsDto): TaskSettingsRow {
	return {
		task_chunk_ms: Math.round(dto.chunkMinutes * 60_000),
		task_overlap_ms: dto.overlapSeconds * 1000,
		task_lease_ms: dto.leaseMinutes * 60_000,
		transcriptions_per_task: dto.transcriptionsPerTask,
		gold_percent: dto.goldPercent
	};
}
