import type { Db } from '../db/connection.ts';
import { csvField } from '../interop/segments-table.ts';
import { categoriesByDay, dialectTotals, progressByDay, qualityByDay, transcriberTotals, type DayRange } from './dashboard.repository.ts';
import type { DashboardDto, DashboardTable } from './dashboard.schemas.ts';
import { queueFigures } from './queue.repository.ts';

const HOUR_MS = 3_600_000;
const hours = (ms: number) => Math.round((Number(ms) / HOUR_MS) * 1000) / 1000;
const ratio = (part: number, whole: number) => (Number(whole) > 0 ? Math.round((Number(part) / Number(whole)) * 10_000) / 10_000 : null);

/**
 * Everything the project dashboard shows, from the pre-aggregated figures (dashboard-facts.ts)
 * and the task queue; `userId` narrows the quality and category series to one transcriber.
 */
export async function loadDashboard(db: Db, projectId: string, range: DayRange, userId?: string): Promise<DashboardDto> {
	const [progress, transcribers, quality, categories, dialects, queue] = await Promise.all([
		progressByDay(db, projectId, range),
		transcriberTotals(db, projectId, range),
		qualityByDay(db, projectId, range, userId),
		categoriesByDay(db, projectId, range, userId),
		dialectTotals(db, projectId, range),
		queueFigures(db, projectId, range)
	]);
	const gold = new Map(queue.gold.map((g) => [g.userId, g]));
	return {
		progress: progress.map((r) => ({
			day: r.day,
			segments: Number(r.segments),
			segmentedHours: hours(r.segmented_ms),
			transcribedHours: hours(r.transcribed_ms),
			reviewedHours: hours(r.reviewed_ms),
			acceptedHours: hours(r.accepted_ms)
		})),
		queue: { available: queue.available, states: queue.states, lapses: queue.lapses },
		transcribers: transcribers.map((r) => {
			const audioMinutes = Math.round((Number(r.transcribed_ms) / 60_000) * 100) / 100;
			const workingHours = Math.round((Number(r.active_minutes) / 60) * 100) / 100;
			const g = gold.get(r.user_id);
			return {
				userId: r.user_id,
				name: r.name,
				email: r.email,
				segments: Number(r.segments),
				audioMinutes,
				workingHours,
				throughput: workingHours > 0 ? Math.round((audioMinutes / workingHours) * 100) / 100 : null,
				reviewed: Number(r.reviewed),
				corrected: Number(r.corrected),
				rejected: Number(r.rejected),
				rejectionRate: ratio(r.rejected, r.reviewed),
				cer: ratio(r.char_errors, r.ref_chars),
				goldCer: g ? ratio(g.errors, g.refLength) : null
			};
		}),
		quality: quality.map((r) => ({ day: r.day, reviewed: Number(r.reviewed), rejectionRate: ratio(r.rejected, r.reviewed), cer: ratio(r.char_errors, r.ref_chars) })),
		categories: categories.map((r) => ({ day: r.day, category: r.category, count: Number(r.count) })),
		dialects: dialects.map((r) => ({
			tagId: r.dialect_tag_id || null,
			code: r.code,
			nameEn: r.name_en,
			nameZh: r.name_zh,
			segments: Number(r.segments),
			hours: hours(r.segmented_ms),
			reviewed: Number(r.reviewed),
			agreement: ratio(Number(r.reviewed) - Number(r.corrected) - Number(r.rejected), r.reviewed)
		}))
	};
}

/** One dashboard table as rows of named columns, in the order the CSV writes them. */
export function dashboardRows(dto: DashboardDto, table: DashboardTable): Record<string, string | number | null>[] {
	switch (table) {
		case 'progress':
			return dto.progress;
		case 'transcribers':
			return dto.transcribers;
		case 'quality':
			return dto.quality;
		case 'categories':
			return dto.categories;
		case 'dialects':
			return dto.dialects;
		case 'queue':
			return [...dto.queue.states.map((s) => ({ kind: 'state', key: s.state, count: s.count })), ...dto.queue.lapses.map((l) => ({ kind: 'lapses', key: l.day, count: l.count }))];
	}
}

/** A dashboard table as CSV (RFC 4180, UTF-8): a header of camelCase column names, then the rows. */
export async function* writeDashboardCsv(dto: DashboardDto, table: DashboardTable): AsyncGenerator<string> {
	const rows = dashboardRows(dto, table);
	const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
	let out = `${columns.join(',')}\r\n`;
	for (const row of rows) out += `${columns.map((c) => csvField(row[c] ?? null)).join(',')}\r\n`;
	yield out;
}
