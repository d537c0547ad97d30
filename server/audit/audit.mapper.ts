import type { AuditEntryRow, AuditCursor, AuditFilter } from './audit.repository.ts';
import type { AuditEntryDto, AuditQuery } from './audit.schemas.ts';

export function toAuditEntryDto(row: AuditEntryRow): AuditEntryDto {
	const details: Record<string, unknown> =
		row.details !== null ? JSON.parse(row.details) : { recordingId: row.recording_id, version: Number(row.version) };
	return {
		id: row.id,
		projectId: row.project_id,
		actor: row.actor_id === null ? null : { id: row.actor_id, email: row.actor_email, name: row.actor_name },
		action: row.action,
		targetType: row.target_type,
		targetId: row.target_id,
		details,
		createdAt: row.created_at
	};
}

/** The query's filter in repository terms: a day `to` includes that whole day. */
export function toAuditFilter(query: AuditQuery, projectId?: string): AuditFilter {
	return {
		projectId,
		actorId: query.actor,
		action: query.action,
		targetType: query.targetType,
		targetId: query.target,
		from: query.from && toInstant(query.from, 0),
		to: query.to && toInstant(query.to, 1)
	};
}

function toInstant(value: string, dayOffset: number): string {
	if (value.length > 10) return new Date(value).toISOString();
	const day = new Date(`${value}T00:00:00.000Z`);
	day.setUTCDate(day.getUTCDate() + dayOffset);
	return day.toISOString();
}

/** Cursors are opaque to clients: base64url of `created_at|id`. */
export function encodeCursor(row: { created_at: string; id: string }): string {
	return Buffer.from(`${row.created_at}|${row.id}`).toString('base64url');
}

/** undefined for a cursor this server did not make. */
export function decodeCursor(cursor: string): AuditCursor | undefined {
	const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
	if (!createdAt || !id || extra !== undefined || Number.isNaN(Date.parse(createdAt))) return undefined;
	return { createdAt, id };
}
