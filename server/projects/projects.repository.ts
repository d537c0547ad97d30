import { sql } from 'kysely';
import { dbKindOf, type Db } from '../db/connection.ts';
import type { DialectTag, ProjectUpdate, TextLayer } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';

export const PROJECT_COLUMNS = [
	'project.id',
	'project.slug',
	'project.name',
	'project.description',
	'project.guidelines',
	'project.created_at',
	'project.updated_at'
] as const;

const TAG_COLUMNS = ['id', 'project_id', 'parent_id', 'code', 'name_en', 'name_zh', 'sort_order'] as const;
const LAYER_COLUMNS = ['id', 'project_id', 'key', 'name_en', 'name_zh', 'sort_order'] as const;

/** Projects with their recording, duration and segment totals (correlated subqueries over indexed columns). */
function summaries(db: Db) {
	return db
		.selectFrom('project')
		.select(PROJECT_COLUMNS)
		.select((eb) => [
			eb
				.selectFrom('recording')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('recording.project_id', '=', 'project.id')
				.as('recording_count'),
			eb
				.selectFrom('recording')
				.select((sb) => sb.fn.coalesce(sb.fn.sum<number>('recording.duration_ms'), sb.lit(0)).as('n'))
				.whereRef('recording.project_id', '=', 'project.id')
				.as('total_duration_ms'),
			eb
				.selectFrom('segment')
				.innerJoin('recording', 'recording.id', 'segment.recording_id')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('recording.project_id', '=', 'project.id')
				.where('segment.variant', '=', 0)
				.as('segment_count')
		]);
}

export type ProjectSummaryRow = Awaited<ReturnType<typeof listProjectSummaries>>[number];

/** Every project, or with `memberId` only those that user is a member of. */
export function listProjectSummaries(db: Db, options: { memberId?: string } = {}) {
	let query = summaries(db);
	if (options.memberId !== undefined) {
		const userId = options.memberId;
		query = query.where((eb) =>
			eb.exists(
				eb
					.selectFrom('project_member')
					.select('project_member.user_id')
					.whereRef('project_member.project_id', '=', 'project.id')
					.where('project_member.user_id', '=', userId)
			)
		);
	}
	return query.orderBy('project.name').orderBy('project.id').execute();
}

/** A project by id, or else by slug (an id wins should a slug ever equal another project's id). */
export async function findProjectSummary(db: Db, idOrSlug: string) {
	const rows = await summaries(db)
		.where((eb) => eb.or([eb('project.id', '=', idOrSlug), eb('project.slug', '=', idOrSlug)]))
		.execute();
	return rows.find((r) => r.id === idOrSlug) ?? rows[0];
}

/** Just the id of a project named by id or slug; the cheap check before a write. */
export async function findProjectId(db: Db, idOrSlug: string): Promise<string | undefined> {
	const rows = await db
		.selectFrom('project')
		.select('id')
		.where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
		.execute();
	return (rows.find((r) => r.id === idOrSlug) ?? rows[0])?.id;
}

/** The editable details of a project (what an update may change), by id. */
export function findProjectDetails(db: Db, id: string) {
	return db.selectFrom('project').select(['name', 'description', 'guidelines']).where('id', '=', id).executeTakeFirst();
}

export async function slugExists(db: Db, slug: string) {
	const row = await db.selectFrom('project').select('id').where('slug', '=', slug).executeTakeFirst();
	return row !== undefined;
}

export function insertProject(
	db: Db,
	project: { id: string; slug: string; name: string; description: string; guidelines: string; createdBy: string | null }
) {
	const now = nowIso();
	return db
		.insertInto('project')
		.values({
			id: project.id,
			slug: project.slug,
			name: project.name,
			description: project.description,
			guidelines: project.guidelines,
			created_by: project.createdBy,
			created_at: now,
			updated_at: now
		})
		.execute();
}

export function updateProject(db: Db, id: string, patch: Pick<ProjectUpdate, 'name' | 'description' | 'guidelines'>) {
	return db
		.updateTable('project')
		.set({ ...patch, updated_at: nowIso() })
		.where('id', '=', id)
		.executeTakeFirst();
}

/** Marks the project changed (taxonomy, layers or speakers edited). */
export function touchProject(db: Db, id: string) {
	return db.updateTable('project').set({ updated_at: nowIso() }).where('id', '=', id).execute();
}

export function listDialectTags(db: Db, projectId: string) {
	return db
		.selectFrom('dialect_tag')
		.select(TAG_COLUMNS)
		.where('project_id', '=', projectId)
		.orderBy('sort_order')
		.orderBy('code')
		.execute();
}

export function insertDialectTag(db: Db, tag: Omit<DialectTag, 'id'> & { id?: string }) {
	return db
		.insertInto('dialect_tag')
		.values({ ...tag, id: tag.id ?? newId() })
		.execute();
}

export function updateDialectTag(
	db: Db,
	id: string,
	patch: Pick<DialectTag, 'parent_id' | 'name_en' | 'name_zh' | 'sort_order'>
) {
	return db.updateTable('dialect_tag').set(patch).where('id', '=', id).execute();
}

export async function deleteDialectTags(db: Db, ids: string[]) {
	if (ids.length === 0) return;
	await db.deleteFrom('dialect_tag').where('id', 'in', ids).execute();
}

/** Codes of the given tags that at least one segment still carries. */
export async function findTagCodesInUse(db: Db, tagIds: string[]): Promise<string[]> {
	if (tagIds.length === 0) return [];
	const rows = await db
		.selectFrom('dialect_tag')
		.select('dialect_tag.code')
		.where('dialect_tag.id', 'in', tagIds)
		.where((eb) =>
			eb.exists(eb.selectFrom('segment').select('segment.id').whereRef('segment.dialect_tag_id', '=', 'dialect_tag.id'))
		)
		.orderBy('dialect_tag.code')
		.execute();
	return rows.map((r) => r.code);
}

export function listTextLayers(db: Db, projectId: string) {
	return db
		.selectFrom('text_layer')
		.select(LAYER_COLUMNS)
		.where('project_id', '=', projectId)
		.orderBy('sort_order')
		.orderBy('key')
		.execute();
}

export function insertTextLayer(db: Db, layer: Omit<TextLayer, 'id'>) {
	return db
		.insertInto('text_layer')
		.values({ ...layer, id: newId() })
		.execute();
}

export function updateTextLayer(db: Db, id: string, patch: Pick<TextLayer, 'name_en' | 'name_zh' | 'sort_order'>) {
	return db.updateTable('text_layer').set(patch).where('id', '=', id).execute();
}

export async function deleteTextLayers(db: Db, ids: string[]) {
	if (ids.length === 0) return;
	await db.deleteFrom('text_layer').where('id', 'in', ids).execute();
}

/**
 * Layer keys for which some segment of the project holds text. Segment texts never keep empty
 * strings (segments.service drops them), so a present key means there is text.
 */
export async function findLayerKeysInUse(db: Db, projectId: string, keys: string[]): Promise<string[]> {
	const kind = dbKindOf(db);
	const inUse: string[] = [];
	for (const key of keys) {
		const hasKey =
			kind === 'postgres'
				? sql<boolean>`(segment.texts::jsonb ->> ${key}) is not null`
				: sql<boolean>`json_extract(segment.texts, ${'$.' + key}) is not null`;
		const row = await db
			.selectFrom('segment')
			.innerJoin('recording', 'recording.id', 'segment.recording_id')
			.select('segment.id')
			.where('recording.project_id', '=', projectId)
			.where(hasKey)
			.limit(1)
			.executeTakeFirst();
		if (row) inUse.push(key);
	}
	return inUse;
}

/** True when `err` is a unique or primary-key violation, on either database. */
export function isUniqueViolation(err: unknown): boolean {
	const code = (err as { code?: unknown } | null)?.code;
	return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Segments of the project per dialect tag id; tags no segment carries are absent. */
export async function countSegmentsByTag(db: Db, projectId: string): Promise<Map<string, number>> {
	const rows = await db
		.selectFrom('segment')
		.innerJoin('recording', 'recording.id', 'segment.recording_id')
		.select(['segment.dialect_tag_id as id', sql<number>`count(*)`.as('n')])
		.where('recording.project_id', '=', projectId)
		.where('segment.dialect_tag_id', 'is not', null)
		.groupBy('segment.dialect_tag_id')
		.execute();
	return new Map(rows.map((r) => [r.id!, Number(r.n)]));
}

/** Segments of the project per speaker id; speakers on no segment are absent. */
export async function countSegmentsBySpeaker(db: Db, projectId: string): Promise<Map<string, number>> {
	const rows = await db
		.selectFrom('segment')
		.innerJoin('recording', 'recording.id', 'segment.recording_id')
		.select(['segment.speaker_id as id', sql<number>`count(*)`.as('n')])
		.where('recording.project_id', '=', projectId)
		.where('segment.speaker_id', 'is not', null)
		.groupBy('segment.speaker_id')
		.execute();
	return new Map(rows.map((r) => [r.id!, Number(r.n)]));
}

/**
 * Segments of the project holding text in each of `keys`, in one pass over the segments. Keys
 * match LAYER_KEY_PATTERN, so they are safe inside a JSON path; they are still bound as values.
 */
export async function countSegmentsByLayer(db: Db, projectId: string, keys: string[]): Promise<Map<string, number>> {
	if (keys.length === 0) return new Map();
	const kind = dbKindOf(db);
	const hasKey = (key: string) =>
		kind === 'postgres'
			? sql`(segment.texts::jsonb ->> ${key}) is not null`
			: sql`json_extract(segment.texts, ${'$.' + key}) is not null`;
	const row = await db
		.selectFrom('segment')
		.innerJoin('recording', 'recording.id', 'segment.recording_id')
		.select(keys.map((key, i) => sql<number>`coalesce(sum(case when ${hasKey(key)} then 1 else 0 end), 0)`.as(`k${i}`)))
		.where('recording.project_id', '=', projectId)
		.executeTakeFirst();
	const counts = (row ?? {}) as Record<string, unknown>;
	return new Map(keys.map((key, i) => [key, Number(counts[`k${i}`] ?? 0)]));
}

/** Whether the project's taxonomy has a tag with this code. */
export async function dialectCodeExists(db: Db, projectId: string, code: string): Promise<boolean> {
	const row = await db
		.selectFrom('dialect_tag')
		.select('id')
		.where('project_id', '=', projectId)
		.where('code', '=', code)
		.executeTakeFirst();
	return row !== undefined;
}
