import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import type { CorpusSegment } from '../interop/corpus.ts';
import type { ExportFilter } from './export.schemas.ts';

/**
 * Which segments an export takes and what it says about each: the filter and the per-segment
 * export fields (review state, reviewer, CER of the transcriber's version against the accepted
 * one) live here and nowhere else, so review (issue 8) changes only this module.
 *
 * Today the review state is `segment.status`, and reviewer and CER are empty. When reviews land,
 * `reviewFields` joins the accepted version (the last stage's correction, else the original) and
 * fills them; the `reviewStates` filter then compares with the same expression.
 */

/** One exported segment: a corpus row plus what the transcript writers and the clip cutter need. */
export interface ExportRow extends CorpusSegment {
	speakerId: string | null;
	dialectTagId: string | null;
}

type SegmentQuery = SelectQueryBuilder<Database, 'segment' | 'recording', object>;

/** Rows per query: large enough that paging costs little, small enough to keep memory flat. */
const PAGE_SIZE = 2000;

/**
 * Only the primary transcription of each window. Double transcription (issue 8, tasks) adds
 * `segment.variant`; variant 0 is the one the editor, imports and exports work on, the others are
 * the extra transcribers' versions for agreement metrics. Until the column exists every segment
 * is primary.
 */
function primaryVariantOnly(query: SegmentQuery): SegmentQuery {
	return query;
}

/** The review state a segment is exported with (and filtered by). */
function reviewStateExpression(eb: ExpressionBuilder<Database, 'segment'>) {
	return eb.ref('segment.status');
}

/** Who wrote the text: the last editor, else the creator (reviewers' corrections will live beside it). */
function transcriberExpression() {
	return sql<string | null>`coalesce(segment.updated_by, segment.created_by)`;
}

/** The filter as conditions on segment ⋈ recording (project given). */
export function applyExportFilter(query: SegmentQuery, projectId: string, filter: ExportFilter): SegmentQuery {
	let q = primaryVariantOnly(query.where('recording.project_id', '=', projectId));
	if (filter.recordingIds?.length) q = q.where('segment.recording_id', 'in', filter.recordingIds);
	if (filter.reviewStates?.length) q = q.where((eb) => eb(reviewStateExpression(eb), 'in', filter.reviewStates!));
	if (filter.dialectTagIds?.length || filter.withoutDialect) {
		const tags = filter.dialectTagIds ?? [];
		q = q.where((eb) =>
			eb.or([
				...(tags.length ? [eb('segment.dialect_tag_id', 'in', tags)] : []),
				...(filter.withoutDialect ? [eb('segment.dialect_tag_id', 'is', null)] : [])
			])
		);
	}
	if (filter.speakerIds?.length) q = q.where('segment.speaker_id', 'in', filter.speakerIds);
	if (filter.transcriberIds?.length) q = q.where(transcriberExpression(), 'in', filter.transcriberIds);
	if (filter.from) q = q.where('segment.updated_at', '>=', filter.from);
	if (filter.to) q = q.where('segment.updated_at', '<=', filter.to);
	return q;
}

function baseQuery(db: Db, projectId: string, filter: ExportFilter): SegmentQuery {
	return applyExportFilter(db.selectFrom('segment').innerJoin('recording', 'recording.id', 'segment.recording_id'), projectId, filter);
}

function selectRows(query: SegmentQuery) {
	return query
		.leftJoin('speaker', 'speaker.id', 'segment.speaker_id')
		.leftJoin('dialect_tag', 'dialect_tag.id', 'segment.dialect_tag_id')
		.leftJoin('user as transcriber', (join) => join.on('transcriber.id', '=', transcriberExpression()))
		.select((eb) => [
			'segment.id',
			'segment.recording_id',
			'recording.name as recording_name',
			'segment.start_ms',
			'segment.end_ms',
			'segment.speaker_id',
			'speaker.code as speaker_code',
			'speaker.name as speaker_name',
			'speaker.gender',
			'speaker.age_band',
			'segment.dialect_tag_id',
			'dialect_tag.code as dialect_code',
			'dialect_tag.name_en as dialect_name',
			'segment.texts',
			reviewStateExpression(eb).as('review_state'),
			'transcriber.email as transcriber',
			'segment.origin',
			'segment.updated_at'
		]);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>[number];

/**
 * The review fields of a row: state from the segment today; reviewer and CER once reviews exist
 * (the CER of the transcriber's text against the accepted version, server/metrics scoreTexts).
 */
function reviewFields(row: SelectedRow): Pick<CorpusSegment, 'status' | 'reviewer' | 'cer'> {
	return { status: row.review_state, reviewer: null, cer: null };
}

function toExportRow(row: SelectedRow): ExportRow {
	return {
		id: row.id,
		recordingId: row.recording_id,
		recordingName: row.recording_name,
		startMs: row.start_ms,
		endMs: row.end_ms,
		speakerId: row.speaker_id,
		speaker: row.speaker_code,
		speakerName: row.speaker_name,
		gender: row.gender,
		ageBand: row.age_band,
		dialectTagId: row.dialect_tag_id,
		dialect: row.dialect_code,
		dialectName: row.dialect_name,
		texts: JSON.parse(row.texts) as Record<string, string>,
		...reviewFields(row),
		transcriber: row.transcriber,
		origin: row.origin === 'machine' ? 'machine' : 'human',
		updatedAt: row.updated_at
	};
}

export interface ExportSegmentsOptions {
	projectId: string;
	filter: ExportFilter;
	/** Narrow to one speaker (null: segments without one) — Kaldi streams speaker by speaker. */
	speaker?: { id: string | null };
}

/**
 * THE export selection: the project's segments that pass `filter`, with their export fields,
 * ordered by recording, start, end, id and streamed in pages (keyset, never OFFSET), so a project
 * of 500,000 segments is never in memory at once.
 */
export async function* exportSegments(db: Db, options: ExportSegmentsOptions): AsyncGenerator<ExportRow> {
	let after: { recordingId: string; startMs: number; endMs: number; id: string } | null = null;
	for (;;) {
		let query = baseQuery(db, options.projectId, options.filter);
		if (options.speaker) {
			const speakerId = options.speaker.id;
			query = speakerId === null ? query.where('segment.speaker_id', 'is', null) : query.where('segment.speaker_id', '=', speakerId);
		}
		if (after) {
			const a = after;
			query = query.where(
				sql<boolean>`(segment.recording_id, segment.start_ms, segment.end_ms, segment.id) > (${a.recordingId}, ${a.startMs}, ${a.endMs}, ${a.id})`
			);
		}
		const page = await selectRows(query)
			.orderBy('segment.recording_id')
			.orderBy('segment.start_ms')
			.orderBy('segment.end_ms')
			.orderBy('segment.id')
			.limit(PAGE_SIZE)
			.execute();
		for (const row of page) yield toExportRow(row);
		if (page.length < PAGE_SIZE) return;
		const last = page[page.length - 1];
		after = { recordingId: last.recording_id, startMs: last.start_ms, endMs: last.end_ms, id: last.id };
	}
}

/** How much the filter selects: segments, recordings and audio (ms of segments). */
export async function countExportSegments(db: Db, projectId: string, filter: ExportFilter) {
	const row = await baseQuery(db, projectId, filter)
		.select((eb) => [
			eb.fn.countAll<number>().as('segments'),
			sql<number>`count(distinct segment.recording_id)`.as('recordings'),
			sql<number>`coalesce(sum(segment.end_ms - segment.start_ms), 0)`.as('duration_ms')
		])
		.executeTakeFirstOrThrow();
	return { segments: Number(row.segments), recordings: Number(row.recordings), durationMs: Number(row.duration_ms) };
}

/**
 * Duration per speaker and dialect tag of the selection: what the speaker-disjoint split needs,
 * aggregated in the database (a few rows per speaker, whatever the segment count). `layer` set:
 * only segments with text in it (the ones a corpus writer keeps).
 */
export async function exportSpeakerDurations(db: Db, projectId: string, filter: ExportFilter) {
	const rows = await baseQuery(db, projectId, filter)
		.leftJoin('dialect_tag', 'dialect_tag.id', 'segment.dialect_tag_id')
		.select([
			'segment.speaker_id',
			sql<string | null>`case when segment.speaker_id is null then segment.recording_id else null end`.as('unknown_recording'),
			'dialect_tag.code as dialect',
			sql<number>`sum(segment.end_ms - segment.start_ms)`.as('duration_ms')
		])
		.groupBy(['segment.speaker_id', sql`case when segment.speaker_id is null then segment.recording_id else null end`, 'dialect_tag.code'])
		.execute();
	return rows.map((r) => ({ speakerId: r.speaker_id, unknownRecording: r.unknown_recording, dialect: r.dialect, durationMs: Number(r.duration_ms) }));
}

/** The recordings the selection touches, in id order, with what cutting audio from them needs. */
export function exportRecordings(db: Db, projectId: string, filter: ExportFilter) {
	return db
		.selectFrom('recording')
		.select(['recording.id', 'recording.name', 'recording.sha256', 'recording.original_ext', 'recording.duration_ms', 'recording.state'])
		.where('recording.id', 'in', baseQuery(db, projectId, filter).select('segment.recording_id').distinct())
		.orderBy('recording.id')
		.execute();
}

/** The speakers of the selection (id → code), for Kaldi's speaker ids and the README. */
export function exportSpeakers(db: Db, projectId: string, filter: ExportFilter) {
	return db
		.selectFrom('speaker')
		.select(['speaker.id', 'speaker.code'])
		.where('speaker.id', 'in', baseQuery(db, projectId, filter).select('segment.speaker_id').where('segment.speaker_id', 'is not', null).distinct())
		.orderBy('speaker.code')
		.execute();
}

/** A recording's point events with their speaker codes (TextGrid point tiers). */
export function exportRecordingEvents(db: Db, recordingId: string) {
	return db
		.selectFrom('recording_event')
		.leftJoin('speaker', 'speaker.id', 'recording_event.speaker_id')
		.select(['recording_event.time_ms', 'recording_event.end_ms', 'recording_event.tier', 'recording_event.label', 'speaker.code as speaker_code'])
		.where('recording_event.recording_id', '=', recordingId)
		.orderBy('recording_event.time_ms')
		.orderBy('recording_event.id')
		.execute();
}

/** The filter's ids that are not the project's (a bad filter is a 422, not an empty export). */
export async function findForeignFilterIds(db: Db, projectId: string, filter: ExportFilter): Promise<string[]> {
	const problems: string[] = [];
	const check = async (ids: string[] | undefined, what: string, table: 'recording' | 'speaker' | 'dialect_tag') => {
		if (!ids?.length) return;
		const found = await db.selectFrom(table).select('id').where('project_id', '=', projectId).where('id', 'in', ids).execute();
		const known = new Set(found.map((r) => r.id));
		for (const id of ids) if (!known.has(id)) problems.push(`${what} ${id} is not in this project`);
	};
	await check(filter.recordingIds, 'recording', 'recording');
	await check(filter.speakerIds, 'speaker', 'speaker');
	await check(filter.dialectTagIds, 'dialect tag', 'dialect_tag');
	if (filter.transcriberIds?.length) {
		const found = await db.selectFrom('user').select('id').where('id', 'in', filter.transcriberIds).execute();
		const known = new Set(found.map((r) => r.id));
		for (const id of filter.transcriberIds) if (!known.has(id)) problems.push(`user ${id} does not exist`);
	}
	return problems;
}

/** What the export dialog offers to filter by: the review states and the transcribers the project's segments have. */
export async function exportFilterChoices(db: Db, projectId: string) {
	const base = () => primaryVariantOnly(db.selectFrom('segment').innerJoin('recording', 'recording.id', 'segment.recording_id').where('recording.project_id', '=', projectId));
	const states = await base()
		.select((eb) => reviewStateExpression(eb).as('state'))
		.distinct()
		.execute();
	const transcribers = await db
		.selectFrom('user')
		.select(['user.id', 'user.name', 'user.email'])
		.where('user.id', 'in', base().select(transcriberExpression().as('id')).distinct())
		.orderBy('user.name')
		.execute();
	return { reviewStates: states.map((s) => s.state).sort(), transcribers };
}
