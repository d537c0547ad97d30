import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import { ALL } from './dashboard-facts.ts';

/** Days (UTC, `YYYY-MM-DD`) a dashboard looks at; both ends inclusive, either open. */
export interface DayRange {
	from?: string;
	to?: string;
}

const sum = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)`;

function daily(db: Db, projectId: string, range: DayRange) {
	return db
		.selectFrom('dashboard_daily')
		.where('project_id', '=', projectId)
		.$if(range.from !== undefined, (qb) => qb.where('day', '>=', range.from!))
		.$if(range.to !== undefined, (qb) => qb.where('day', '<=', range.to!));
}

/** Per day: hours segmented, transcribed, reviewed and accepted (net changes of the day). */
export function progressByDay(db: Db, projectId: string, range: DayRange) {
	return daily(db, projectId, range)
		.where('user_id', '=', ALL)
		.where('dialect_tag_id', '=', ALL)
		.select([
			'day',
			sum('segments').as('segments'),
			sum('segmented_ms').as('segmented_ms'),
			sum('transcribed').as('transcribed'),
			sum('transcribed_ms').as('transcribed_ms'),
			sum('reviewed').as('reviewed'),
			sum('reviewed_ms').as('reviewed_ms'),
			sum('accepted').as('accepted'),
			sum('accepted_ms').as('accepted_ms')
		])
		.groupBy('day')
		.orderBy('day')
		.execute();
}

/** Per person: audio transcribed, working time, review outcomes of their work and its errors. */
export function transcriberTotals(db: Db, projectId: string, range: DayRange) {
	const totals = daily(db, projectId, range)
		.where('dialect_tag_id', '=', ALL)
		.where('user_id', 'not in', [ALL, ''])
		.select([
			'user_id',
			sum('segments').as('segments'),
			sum('transcribed').as('transcribed'),
			sum('transcribed_ms').as('transcribed_ms'),
			sum('active_minutes').as('active_minutes'),
			sum('reviewed').as('reviewed'),
			sum('reviewed_ms').as('reviewed_ms'),
			sum('accepted').as('accepted'),
			sum('corrected').as('corrected'),
			sum('rejected').as('rejected'),
			sum('ref_chars').as('ref_chars'),
			sum('char_errors').as('char_errors')
		])
		.groupBy('user_id');
	return db
		.selectFrom(totals.as('t'))
		.leftJoin('user as u', 'u.id', 't.user_id')
		.selectAll('t')
		.select(['u.name', 'u.email'])
		.orderBy('u.name')
		.orderBy('t.user_id')
		.execute();
}

/** Per day (and person, when `userId` is given): the review errors and rejections of the work reviewed that day. */
export function qualityByDay(db: Db, projectId: string, range: DayRange, userId?: string) {
	return daily(db, projectId, range)
		.where('user_id', '=', userId ?? ALL)
		.where('dialect_tag_id', '=', ALL)
		.select(['day', sum('reviewed').as('reviewed'), sum('rejected').as('rejected'), sum('corrected').as('corrected'), sum('ref_chars').as('ref_chars'), sum('char_errors').as('char_errors')])
		.groupBy('day')
		.having(sql<number>`sum(reviewed)`, '>', 0)
		.orderBy('day')
		.execute();
}

/** Error categories named by reviewers, per day (and person, when given). */
export function categoriesByDay(db: Db, projectId: string, range: DayRange, userId?: string) {
	return db
		.selectFrom('dashboard_category_daily')
		.where('project_id', '=', projectId)
		.$if(range.from !== undefined, (qb) => qb.where('day', '>=', range.from!))
		.$if(range.to !== undefined, (qb) => qb.where('day', '<=', range.to!))
		.$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId!))
		.select(['day', 'category', sum('count').as('count')])
		.groupBy(['day', 'category'])
		.orderBy('day')
		.orderBy('category')
		.execute();
}

/** Per dialect tag ('' for segments without one): counts, hours and review outcomes. */
export function dialectTotals(db: Db, projectId: string, range: DayRange) {
	const totals = daily(db, projectId, range)
		.where('user_id', '=', ALL)
		.where('dialect_tag_id', '<>', ALL)
		.select([
			'dialect_tag_id',
			sum('segments').as('segments'),
			sum('segmented_ms').as('segmented_ms'),
			sum('transcribed_ms').as('transcribed_ms'),
			sum('reviewed').as('reviewed'),
			sum('accepted').as('accepted'),
			sum('corrected').as('corrected'),
			sum('rejected').as('rejected')
		])
		.groupBy('dialect_tag_id');
	return db
		.selectFrom(totals.as('t'))
		.leftJoin('dialect_tag as d', 'd.id', 't.dialect_tag_id')
		.selectAll('t')
		.select(['d.code', 'd.name_en', 'd.name_zh', 'd.sort_order'])
		.where((eb) => eb.or([eb('t.segments', '<>', 0), eb('t.reviewed', '<>', 0)]))
		.orderBy('d.sort_order')
		.orderBy('d.code')
		.execute();
}

/**
 * The dialect tags of every double-transcribed recording's transcriptions (variants 0..N−1, gold
 * copies left out), by recording, variant and time: what the agreement per tag is computed from.
 * First the recordings that have a second transcription (from the task table), then their segments
 * through the (recording, variant, start) index, a thousand recordings a query: a project without
 * double transcription costs one small query, and the rest scales with the double-transcribed
 * segments, not with the project.
 */
export async function doubleTranscriptionTags(db: Db, projectId: string) {
	const recordings = await db
		.selectFrom('task')
		.select('recording_id')
		.distinct()
		.where('project_id', '=', projectId)
		.where('variant', '>', 0)
		.where('gold_source_id', 'is', null)
		.orderBy('recording_id')
		.execute();
	const rows = [];
	for (let i = 0; i < recordings.length; i += 1000) {
		const ids = recordings.slice(i, i + 1000).map((r) => r.recording_id);
		rows.push(
			...(await db
				.selectFrom('segment as s')
				.select(['s.recording_id', 's.variant', 's.start_ms', 's.end_ms', 's.dialect_tag_id'])
				.where('s.recording_id', 'in', ids)
				.where(({ not, exists, selectFrom }) =>
					not(
						exists(
							selectFrom('task as g')
								.select('g.id')
								.whereRef('g.recording_id', '=', 's.recording_id')
								.whereRef('g.variant', '=', 's.variant')
								.where('g.gold_source_id', 'is not', null)
						)
					)
				)
				.orderBy('s.recording_id')
				.orderBy('s.variant')
				.orderBy('s.start_ms')
				.orderBy('s.id')
				.execute())
		);
	}
	return rows;
}
