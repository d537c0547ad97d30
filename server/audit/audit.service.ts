import type { Db } from '../db/connection.ts';
import { csvField } from '../interop/segments-table.ts';
import { encodeCursor, toAuditEntryDto } from './audit.mapper.ts';
import { listAuditEntries, type AuditCursor, type AuditFilter } from './audit.repository.ts';

/** One page of the view and the cursor of the next (null when this is the last). */
export async function loadAuditPage(db: Db, filter: AuditFilter, page: { limit: number; after?: AuditCursor }) {
	// One row more than asked tells whether another page follows without a count.
	const rows = await listAuditEntries(db, filter, { limit: page.limit + 1, after: page.after });
	const entries = rows.slice(0, page.limit);
	const nextCursor = rows.length > page.limit ? encodeCursor(entries[entries.length - 1]!) : null;
	return { entries: entries.map(toAuditEntryDto), nextCursor };
}


export const AUDIT_CSV_COLUMNS = ['created_at', 'actor_id', 'actor_email', 'actor_name', 'action', 'target_type', 'target_id', 'project_id', 'details'];

/** Rows fetched per query while streaming the CSV: memory stays flat whatever the log's size. */
const CSV_BATCH = 500;

/**
 * The whole filtered view as CSV (RFC 4180, UTF-8), newest first, read page by page with the
 * same keyset as the UI so a large log streams without being held in memory.
 */
export async function* writeAuditCsv(db: Db, filter: AuditFilter): AsyncGenerator<string> {
	yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
	let after: AuditCursor | undefined;
	for (;;) {
		const rows = await listAuditEntries(db, filter, { limit: CSV_BATCH, after });
		let chunk = '';
		for (const row of rows) {
			const dto = toAuditEntryDto(row);
			const values = [dto.createdAt, dto.actor?.id ?? null, dto.actor?.email ?? null, dto.actor?.name ?? null, dto.action, dto.targetType, dto.targetId, dto.projectId, JSON.stringify(dto.details)];
			chunk += `${values.map((v) => csvField(v)).join(',')}\r\n`;
		}
		if (chunk) yield chunk;
		if (rows.length < CSV_BATCH) return;
		const last = rows[rows.length - 1]!;
		after = { createdAt: last.created_at, id: last.id };
	}
}
