import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import type { CorpusSegment } from '../interop/corpus.ts';
import { DEFAULT_LAYER } from '../interop/model.ts';
import { reviewExportFields, type ReviewExportFields, type ReviewLike, type ReviewableFields } from '../review/accepted-version.ts';
import { toReviewDto } from '../review/review.mapper.ts';
import { listReviewsOfSegments } from '../review/review.repository.ts';
import type { ExportFilter } from './export.schemas.ts';

/**
 * Which segments an export takes and what it says about each: the filter and the per-segment
 * export fields live here and nowhere else.
 *
 * An exported segment is its accepted version (server/review/accepted-version.ts: the last review
 * stage's correction applied, else the transcriber's original), with its review state and stage,
 * the last reviewer, and the CER of the transcriber's text against the accepted one. `statuses`
 * filters on the workflow state in SQL; `reviewStates` on the computed review state, row by row.
 */

/** One exported segment: a corpus row plus what the transcript writers and the clip cutter need. */
export interface ExportRow extends CorpusSegment {
	speakerId: string | null;
	dialectTagId: string | null;
	/** The accepted version has another speaker or other times than the original (a reviewer's correction). */
	moved: boolean;
}

type SegmentQuery = SelectQueryBuilder<Database, 'segment' | 'recording', object>;
type SegmentOnlyQuery = SelectQueryBuilder<Database, 'segment', object>;

/** Rows per query: large enough that paging costs little, small enough to keep memory flat. */
const PAGE_SIZE = 2000;

/**
 * Only the primary transcription of each window. With double transcription (issue 8, tasks) a
 * window has segments of variants 0..N-1; variant 0 is the one the editor, imports and exports work
 * on, the others are the extra transcribers' versions for agreement metrics.
 */
function primaryVariantOnly(query: SegmentOnlyQuery): SegmentOnlyQuery {
	return query.where('segment.variant', '=', 0);
}

/** The workflow state a segment is filtered by (and exported in `status`). */
function statusExpression(eb: ExpressionBuilder<Database, 'segment'>) {
	return eb.ref('segment.status');
}

/** Who wrote the text: the last editor, else the creator (reviewers' corrections will live beside it). */
function transcriberExpression() {
	return sql<string | null>`coalesce(segment.updated_by, segment.created_by)`;
}

/** The filter's conditions on the segment itself; the recording's (project, recordingIds) are the callers'. */
function segmentConditions<Q extends SegmentQuery | SegmentOnlyQuery>(query: Q, filter: ExportFilter): Q {
	let q = primaryVariantOnly(query as SegmentOnlyQuery);
	if (filter.statuses?.length) q = q.where((eb) => eb(statusExpression(eb), 'in', filter.statuses!));
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
	return q as Q;
}

/** The filter as conditions on segment ⋈ recording (project given): counts, aggregates, the recording list. */
export function applyExportFilter(query: SegmentQuery, projectId: string, filter: ExportFilter): SegmentQuery {
	let q = query.where('recording.project_id', '=', projectId);
	if (filter.recordingIds?.length) q = q.where('segment.recording_id', 'in', filter.recordingIds);
	return segmentConditions(q, filter);
}

function baseQuery(db: Db, projectId: string, filter: ExportFilter): SegmentQuery {
	return applyExportFilter(db.selectFrom('segment').innerJoin('recording', 'recording.id', 'segment.recording_id'), projectId, filter);
}

type After = { startMs: number; endMs: number; id: string };

/**
 * One page of one recording's selected segments after `after`, in (start, end, id) order: the
 * recording equality and the start bound use segment_recording_start_index, so every page costs
 * its own rows, never a scan of what came before. Speakers, tags and users are mapped in memory.
 */
function pageQuery(db: Db, recordingId: string, filter: ExportFilter, speaker: { id: string | null } | undefined, after: After | null, correctedOnly = false) {
	let q = segmentConditions(db.selectFrom('segment').where('segment.recording_id', '=', recordingId), filter);
	if (speaker) q = speaker.id === null ? q.where('segment.speaker_id', 'is', null) : q.where('segment.speaker_id', '=', speaker.id);
	if (correctedOnly) {
		q = q.where((eb) =>
			eb.exists(eb.selectFrom('segment_review').select('segment_review.id').whereRef('segment_review.segment_id', '=', 'segment.id').where('segment_review.decision', '=', 'correct'))
		);
	}
	if (after) {
		const a = after;
		q = q
			.where('segment.start_ms', '>=', a.startMs)
			.where((eb) =>
				eb.or([
					eb('segment.start_ms', '>', a.startMs),
					eb.and([eb('segment.start_ms', '=', a.startMs), eb.or([eb('segment.end_ms', '>', a.endMs), eb.and([eb('segment.end_ms', '=', a.endMs), eb('segment.id', '>', a.id)])])])
				])
			);
	}
	return q
		.select((eb) => [
			'segment.id',
			'segment.recording_id',
			'segment.start_ms',
			'segment.end_ms',
			'segment.speaker_id',
			'segment.dialect_tag_id',
			'segment.texts',
			'segment.version',
			statusExpression(eb).as('status'),
			transcriberExpression().as('transcriber_id'),
			'segment.origin',
			'segment.updated_at'
		])
		.orderBy('segment.start_ms')
		.orderBy('segment.end_ms')
		.orderBy('segment.id')
		.limit(PAGE_SIZE);
}

type SelectedRow = Awaited<ReturnType<ReturnType<typeof pageQuery>['execute']>>[number];

interface ProjectRefs {
	speakers: Map<string, { code: string; name: string; gender: string | null; age_band: string | null }>;
	tags: Map<string, { code: string; name_en: string }>;
	users: Map<string, string>;
}

/** The project's speakers and tags by id: a reviewer's correction may name others than the row's joins. */
async function loadProjectRefs(db: Db, projectId: string): Promise<ProjectRefs> {
	const [speakers, tags, users] = await Promise.all([
		db.selectFrom('speaker').select(['id', 'code', 'name', 'gender', 'age_band']).where('project_id', '=', projectId).execute(),
		db.selectFrom('dialect_tag').select(['id', 'code', 'name_en']).where('project_id', '=', projectId).execute(),
		db.selectFrom('user').select(['id', 'name']).execute()
	]);
	return { speakers: new Map(speakers.map((s) => [s.id, s])), tags: new Map(tags.map((t) => [t.id, t])), users: new Map(users.map((u) => [u.id, u.name])) };
}

/** The row as exported: the accepted version's fields and the review columns (reviewExportFields). */
/**
 * reviewExportFields without any review: the accepted version is the original, so the CER is 0
 * (null without text), computed without scoring the text against itself (most rows of most
 * exports; scoring costs tens of µs a row).
 */
function unreviewedFields(original: ReviewableFields, layerKey: string): ReviewExportFields {
	return { reviewState: 'unreviewed', reviewStage: 0, reviewerId: null, cer: (original.texts[layerKey] ?? '').trim() === '' ? null : 0, accepted: original };
}

function toExportRow(row: SelectedRow, recordingName: string, reviews: ReviewLike[], refs: ProjectRefs, layerKey: string, reviewerName: (id: string | null) => string | null): ExportRow {
	const texts = JSON.parse(row.texts) as Record<string, string>;
	const original = { startMs: row.start_ms, endMs: row.end_ms, speakerId: row.speaker_id, dialectTagId: row.dialect_tag_id, texts };
	const review = reviews.length ? reviewExportFields({ ...original, version: Number(row.version) }, reviews, { layerKey }) : unreviewedFields(original, layerKey);
	const a = review.accepted;
	const speaker = a.speakerId ? refs.speakers.get(a.speakerId) : undefined;
	const tag = a.dialectTagId ? refs.tags.get(a.dialectTagId) : undefined;
	return {
		id: row.id,
		recordingId: row.recording_id,
		recordingName,
		startMs: a.startMs,
		endMs: a.endMs,
		speakerId: a.speakerId,
		speaker: speaker?.code ?? null,
		speakerName: speaker?.name ?? null,
		gender: speaker?.gender ?? null,
		ageBand: speaker?.age_band ?? null,
		dialectTagId: a.dialectTagId,
		dialect: tag?.code ?? null,
		dialectName: tag?.name_en ?? null,
		texts: a.texts,
		status: row.status,
		reviewState: review.reviewState,
		reviewStage: review.reviewStage,
		reviewer: reviewerName(review.reviewerId),
		cer: review.cer === null ? null : Math.round(review.cer * 10_000) / 10_000,
		transcriber: row.transcriber_id ? (refs.users.get(row.transcriber_id) ?? null) : null,
		origin: row.origin === 'machine' ? 'machine' : 'human',
		updatedAt: row.updated_at,
		moved: a.speakerId !== row.speaker_id || a.startMs !== row.start_ms || a.endMs !== row.end_ms
	};
}

export interface ExportSegmentsOptions {
	projectId: string;
	filter: ExportFilter;
	/** The layer the CER is measured on (default `transcript`). */
	layerKey?: string;
	/** Narrow to one speaker (null: segments without one) — Kaldi streams speaker by speaker. */
	speaker?: { id: string | null };
	/** Only segments a reviewer corrected (those whose accepted version may differ from the original). */
	correctedOnly?: boolean;
}

/**
 * THE export selection: the project's segments that pass `filter`, with their export fields,
 * ordered by recording, start, end, id and streamed in pages (keyset, never OFFSET), so a project
 * of 500,000 segments is never in memory at once.
 */
export async function* exportSegments(db: Db, options: ExportSegmentsOptions): AsyncGenerator<ExportRow> {
	const refs = await loadProjectRefs(db, options.projectId);
	// Most exports have no reviews at all: then no page pays for looking them up.
	const reviewed = await projectHasReviews(db, options.projectId);
	if (options.correctedOnly && !reviewed) return;
	const layerKey = options.layerKey ?? DEFAULT_LAYER;
	const wanted = options.filter.reviewStates?.length ? new Set<string>(options.filter.reviewStates) : null;
	const filter = options.speaker?.id ? { ...options.filter, speakerIds: [options.speaker.id] } : options.filter;
	for (const recording of await exportRecordings(db, options.projectId, filter)) {
		let after: After | null = null;
		for (;;) {
			const page: SelectedRow[] = await pageQuery(db, recording.id, options.filter, options.speaker, after, options.correctedOnly).execute();
			const reviewsBySegment = new Map<string, ReviewLike[]>();
			const reviewers = new Map<string, string | null>();
			if (reviewed && page.length) {
				for (const r of await listReviewsOfSegments(db, page.map((p) => p.id))) {
					const dto = toReviewDto(r);
					if (dto.reviewerId) reviewers.set(dto.reviewerId, dto.reviewerName);
					let list = reviewsBySegment.get(dto.segmentId);
					if (!list) reviewsBySegment.set(dto.segmentId, (list = []));
					list.push(dto);
				}
			}
			const reviewerName = (id: string | null) => (id ? (reviewers.get(id) ?? null) : null);
			for (const row of page) {
				const exported = toExportRow(row, recording.name, reviewsBySegment.get(row.id) ?? [], refs, layerKey, reviewerName);
				if (!wanted || wanted.has(exported.reviewState ?? 'unreviewed')) yield exported;
			}
			if (page.length < PAGE_SIZE) break;
			const last: SelectedRow = page[page.length - 1];
			after = { startMs: last.start_ms, endMs: last.end_ms, id: last.id };
		}
	}
}

async function projectHasReviews(db: Db, projectId: string): Promise<boolean> {
	const row = await db
		.selectFrom('segment_review')
		.innerJoin('recording', 'recording.id', 'segment_review.recording_id')
		.select('segment_review.id')
		.where('recording.project_id', '=', projectId)
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * How much the filter selects: segments, recordings and audio (ms of segments). With review states
 * in the filter the rows are streamed and counted (the state is computed per segment).
 */
export async function countExportSegments(db: Db, projectId: string, filter: ExportFilter) {
	if (filter.reviewStates?.length) {
		const recordings = new Set<string>();
		let segments = 0;
		let durationMs = 0;
		for await (const row of exportSegments(db, { projectId, filter })) {
			segments++;
			durationMs += row.endMs - row.startMs;
			recordings.add(row.recordingId);
		}
		return { segments, recordings: recordings.size, durationMs };
	}
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
 * aggregated in the database (a few rows per speaker, whatever the segment count). It counts the
 * originals' speakers and times and ignores the review-state condition: a split only needs
 * each speaker's share, and a speaker a reviewer added still gets the split of its own key.
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
		.select((eb) => statusExpression(eb).as('state'))
		.distinct()
		.execute();
	const transcribers = await db
		.selectFrom('user')
		.select(['user.id', 'user.name', 'user.email'])
		.where('user.id', 'in', base().select(transcriberExpression().as('id')).distinct())
		.orderBy('user.name')
		.execute();
	return { statuses: states.map((s) => s.state).sort(), transcribers };
}
