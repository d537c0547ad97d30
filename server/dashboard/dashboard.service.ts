import type { Db } from '../db/connection.ts';
import { csvField } from '../interop/segments-table.ts';
import { agreementPerCategory, type CategoryAgreement } from '../metrics/agreement.ts';
import { buildAgreementUnits } from '../metrics/segment-matching.ts';
import { categoriesByDay, dialectTotals, doubleTranscriptionTags, progressByDay, qualityByDay, transcriberTotals, type DayRange } from './dashboard.repository.ts';
import type { DashboardDto, DashboardTable } from './dashboard.schemas.ts';
import { queueFigures } from './queue.repository.ts';

const HOUR_MS = 3_600_000;
const hours = (ms: number) => Math.round((Number(ms) / HOUR_MS) * 1000) / 1000;
const coefficient = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10_000) / 10_000);
const ratio = (part: number, whole: number) => (Number(whole) > 0 ? Math.round((Number(part) / Number(whole)) * 10_000) / 10_000 : null);

/**
 * Everything the project dashboard shows, from the pre-aggregated figures (dashboard-facts.ts)
 * and the task queue; `userId` narrows the quality and category series to one transcriber.
 */
export async function loadDashboard(db: Db, projectId: string, range: DayRange, userId?: string): Promise<DashboardDto> {
	const [progress, transcribers, quality, categories, dialects, queue, doubles] = await Promise.all([
		progressByDay(db, projectId, range),
		transcriberTotals(db, projectId, range),
		qualityByDay(db, projectId, range, userId),
		categoriesByDay(db, projectId, range, userId),
		dialectTotals(db, projectId, range),
		queueFigures(db, projectId, range),
		doubleTranscriptionTags(db, projectId)
	]);
	const agreement = tagAgreement(doubles);
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
			agreement: ratio(Number(r.reviewed) - Number(r.corrected) - Number(r.rejected), r.reviewed),
			...doubleAgreement(agreement.get(r.dialect_tag_id ?? ''))
		}))
	};
}

function doubleAgreement(a: CategoryAgreement | undefined) {
	return { kappa: coefficient(a?.kappa), alpha: coefficient(a?.alpha), doubleUnits: a?.units ?? 0 };
}

/**
 * Agreement per dialect tag between double transcriptions: each recording's variants are paired by
 * time overlap (buildAgreementUnits, as the recording's own metrics do), the units of all recordings
 * pooled, and each tag scored against the rest (agreementPerCategory: Cohen's κ of the first two
 * transcriptions, Krippendorff's α of all). A segment without a tag counts as the tag '' ("no tag").
 */
export function tagAgreement(rows: Awaited<ReturnType<typeof doubleTranscriptionTags>>): Map<string, CategoryAgreement> {
	const units: (string | null)[][] = [];
	let i = 0;
	while (i < rows.length) {
		const recordingId = rows[i]!.recording_id;
		const byVariant = new Map<number, { startMs: number; endMs: number; label: string }[]>();
		for (; i < rows.length && rows[i]!.recording_id === recordingId; i++) {
			const r = rows[i]!;
			const v = Number(r.variant);
			let list = byVariant.get(v);
			if (!list) byVariant.set(v, (list = []));
			list.push({ startMs: Number(r.start_ms), endMs: Number(r.end_ms), label: r.dialect_tag_id ?? '' });
		}
		// Variant 0 (the primary) first: κ compares the first two transcriptions.
		const annotators = [...byVariant.keys()].sort((a, b) => a - b).map((v) => byVariant.get(v)!);
		if (annotators.length < 2) continue;
		for (const unit of buildAgreementUnits(annotators)) units.push(unit.values);
	}
	return new Map(agreementPerCategory(units).map((a) => [a.category, a]));
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
