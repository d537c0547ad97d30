import type { Db } from '../db/connection.ts';
import { newId, nowIso } from '../lib/ids.ts';

/**
 * Every action the audit trail knows, by the resource it changes. Segment edits are not written
 * here: segment_revision already holds them, and the audit view reads them from there as
 * `segment.create|update|delete|restore` (SEGMENT_AUDIT_ACTIONS). A new kind of change adds its
 * name here, so the filter list, the UI and the CSV know it too.
 */
export const AUDIT_ACTIONS = [
	'project.create',
	'project.update',
	'project.taxonomy',
	'project.layers',
	'speaker.create',
	'speaker.update',
	'recording.upload',
	'recording.rename',
	'recording.delete',
	'transcript.import',
	'auth.sign_in',
	'auth.sign_out',
	'user.create',
	'user.update',
	'user.role',
	'user.password_reset',
	'user.deactivate',
	'user.reactivate',
	'member.add',
	'member.role',
	'member.remove',
	'invite.create',
	'invite.accept',
	'invite.revoke',
	'task.create',
	'task.assign',
	'task.transition',
	'task.gold',
	'review.decision',
	'review.batch',
	'export.create'
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actions the view derives from segment_revision (never written through audit()). */
export const SEGMENT_AUDIT_ACTIONS = ['segment.create', 'segment.update', 'segment.delete', 'segment.restore'] as const;
export type SegmentAuditAction = (typeof SEGMENT_AUDIT_ACTIONS)[number];

/** What the audit view lists: written actions and segment edits. */
export const ALL_AUDIT_ACTIONS = [...AUDIT_ACTIONS, ...SEGMENT_AUDIT_ACTIONS] as const;
export type AnyAuditAction = AuditAction | SegmentAuditAction;

export const AUDIT_TARGET_TYPES = [
	'project',
	'speaker',
	'recording',
	'segment',
	'user',
	'session',
	'invite',
	'task',
	'review',
	'export'
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export interface AuditEntry {
	/** The project the change belongs to; null for instance-wide ones (accounts, sign-ins). */
	projectId: string | null;
	/** Who did it; null for the command line and other unattended work. */
	actorId: string | null;
	action: AuditAction;
	target: { type: AuditTargetType; id: string | null };
	/** What changed, small and JSON-safe: ids, counts, the fields before and after (see changedFields). */
	details?: Record<string, unknown>;
}

/**
 * Appends one entry to the audit trail. Call it with the transaction that makes the change, so
 * the entry and the change commit or roll back together: a change that fails leaves no entry,
 * and no change lands unrecorded. Throws when `trx` is not a transaction.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await renameRecording(trx, id, name);
 *   await audit(trx, { projectId, actorId: user.id, action: 'recording.rename', target: { type: 'recording', id }, details: changedFields({ name: before }, { name }) });
 * });
 */
export async function audit(trx: Db, entry: AuditEntry): Promise<void> {
	if (!trx.isTransaction) throw new Error(`audit(${entry.action}) needs the change's transaction`);
	await trx.insertInto('audit_log').values(auditRow(entry)).execute();
}

/** The audit_log row of an entry, for a statement that writes it beside its change (tasks' moveTask). */
export function auditRow(entry: AuditEntry) {
	return {
		id: newId(),
		project_id: entry.projectId,
		actor_id: entry.actorId,
		action: entry.action,
		target_type: entry.target.type,
		target_id: entry.target.id,
		details: JSON.stringify(entry.details ?? {}),
		created_at: nowIso()
	};
}

/** Longest text kept per field in an entry (a guidelines edit records its start, not all of it). */
const MAX_TEXT = 200;

/**
 * The fields whose value differs between `before` and `after`, as `{ changes: { field: { from, to } } }`,
 * with long texts cut to MAX_TEXT characters. Fields absent from `after` did not change.
 *
 * @example
 * changedFields({ name: 'Old', code: 'S1' }, { name: 'New' }); // { changes: { name: { from: 'Old', to: 'New' } } }
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): { changes: Record<string, { from: unknown; to: unknown }> } {
	const changes: Record<string, { from: unknown; to: unknown }> = {};
	for (const [key, to] of Object.entries(after)) {
		if (to === undefined) continue;
		const from = before[key] ?? null;
		if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from: clip(from), to: clip(to) };
	}
	return { changes };
}

function clip(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const chars = [...value];
	return chars.length > MAX_TEXT ? `${chars.slice(0, MAX_TEXT).join('')}…` : value;
}
