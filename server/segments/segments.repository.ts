import type { Db } from '../db/connection.ts';
import type { RevisionAction, Segment, SegmentRevisionTable } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { preparedQuery, type Slots } from '../db/prepared-query.ts';

/** Everything a write may change in a segment (its id, recording and creation stay). */
export type SegmentWriteFields = Omit<Segment, 'id' | 'recording_id' | 'variant' | 'created_by' | 'created_at'>;

/** The transcription the editor, exports and imports work on unless told otherwise. */
export const PRIMARY_VARIANT = 0;

export const SEGMENT_COLUMNS = [
	'segment.id',
	'segment.recording_id',
	'segment.start_ms',
	'segment.end_ms',
	'segment.speaker_id',
	'segment.dialect_tag_id',
	'segment.texts',
	'segment.status',
	'segment.version',
	'segment.origin',
	'segment.variant',
	'segment.created_by',
	'segment.created_at',
	'segment.updated_by',
	'segment.updated_at'
] as const;

const REVISION_COLUMNS = [
	'segment_revision.id',
	'segment_revision.segment_id',
	'segment_revision.recording_id',
	'segment_revision.version',
	'segment_revision.action',
	'segment_revision.before',
	'segment_revision.after',
	'segment_revision.user_id',
	'segment_revision.created_at'
] as const;

/** The references a write wants checked against the segment's project. */
export interface RefsToCheck {
	speakerId?: string | null;
	dialectTagId?: string | null;
	/** Layer keys the write sets text for. */
	layerKeys?: string[];
}

/**
 * The segment, its recording's duration and project, and whether the speaker, tag and layer keys
 * the write names belong to that project: all in one indexed statement, the first of the three a
 * save costs (then the versioned UPDATE and the revision INSERT).
 */
export async function findSegmentForWrite(db: Db, id: string, refs: RefsToCheck = {}) {
	const keys = refs.layerKeys ?? [];
	const values: Record<string, unknown> = { id, speakerId: refs.speakerId ?? '', dialectTagId: refs.dialectTagId ?? '' };
	keys.forEach((key, i) => (values[`layer${i}`] = key));
	const { rows } = await segmentForWrite(db, values, String(keys.length));
	return rows[0];
}

const segmentForWrite = preparedQuery((db, p: Slots<string>, shape) => {
	const layerSlots = Array.from({ length: Number(shape) }, (_, i) => p[`layer${i}`]);
	return db
		.selectFrom('segment')
		.innerJoin('recording', 'recording.id', 'segment.recording_id')
		.select(SEGMENT_COLUMNS)
		.select(['recording.duration_ms', 'recording.project_id'])
		.select((eb) => [
			eb
				.exists(
					eb
						.selectFrom('speaker')
						.select('speaker.id')
						.where('speaker.id', '=', p.speakerId)
						.whereRef('speaker.project_id', '=', 'recording.project_id')
				)
				.as('speaker_ok'),
			eb
				.exists(
					eb
						.selectFrom('dialect_tag')
						.select('dialect_tag.id')
						.where('dialect_tag.id', '=', p.dialectTagId)
						.whereRef('dialect_tag.project_id', '=', 'recording.project_id')
				)
				.as('tag_ok'),
			layerSlots.length === 0
				? eb.lit(0).as('known_layers')
				: eb
						.selectFrom('text_layer')
						.select(eb.fn.countAll<number>().as('n'))
						.whereRef('text_layer.project_id', '=', 'recording.project_id')
						.where('text_layer.key', 'in', layerSlots)
						.as('known_layers')
		])
		.where('segment.id', '=', p.id);
});

/** A recording's fields that segment writes depend on. */
export function findRecordingForSegments(db: Db, recordingId: string) {
	return db
		.selectFrom('recording')
		.select(['id', 'project_id', 'duration_ms', 'state'])
		.where('id', '=', recordingId)
		.executeTakeFirst();
}

export async function recordingExists(db: Db, recordingId: string) {
	return (await db.selectFrom('recording').select('id').where('id', '=', recordingId).executeTakeFirst()) !== undefined;
}

/** The ids and keys a project's segments may refer to, for validating several new segments at once. */
export async function loadProjectRefs(db: Db, projectId: string) {
	const [speakers, tags, layers] = await Promise.all([
		db.selectFrom('speaker').select('id').where('project_id', '=', projectId).execute(),
		db.selectFrom('dialect_tag').select('id').where('project_id', '=', projectId).execute(),
		db.selectFrom('text_layer').select('key').where('project_id', '=', projectId).execute()
	]);
	return {
		speakerIds: new Set(speakers.map((r) => r.id)),
		tagIds: new Set(tags.map((r) => r.id)),
		layerKeys: new Set(layers.map((r) => r.key))
	};
}

export function listLayerKeys(db: Db, projectId: string) {
	return db
		.selectFrom('text_layer')
		.select('key')
		.where('project_id', '=', projectId)
		.execute()
		.then((rows) => rows.map((r) => r.key));
}

/** A recording's segments of one variant (the primary unless told) in time order (then id, so equal starts are stable). */
export function listSegments(db: Db, recordingId: string, variant = PRIMARY_VARIANT) {
	return db
		.selectFrom('segment')
		.select(SEGMENT_COLUMNS)
		.where('segment.recording_id', '=', recordingId)
		.where('segment.variant', '=', variant)
		.orderBy('segment.start_ms')
		.orderBy('segment.id')
		.execute();
}

export function findSegment(db: Db, id: string) {
	return db.selectFrom('segment').select(SEGMENT_COLUMNS).where('segment.id', '=', id).executeTakeFirst();
}

/** Inserts a segment unless its id exists (an idempotent replay); true when it was inserted. */
export async function insertSegment(db: Db, row: Segment): Promise<boolean> {
	const { rows } = await insertSegmentRow(db, row);
	return rows.length > 0;
}

// Prepared: imports and pre-segmentation insert thousands in one transaction.
const insertSegmentRow = preparedQuery((db, p: Slots<keyof Segment>) =>
	db
		.insertInto('segment')
		.values({
			id: p.id,
			recording_id: p.recording_id,
			start_ms: p.start_ms,
			end_ms: p.end_ms,
			speaker_id: p.speaker_id,
			dialect_tag_id: p.dialect_tag_id,
			texts: p.texts,
			status: p.status,
			version: p.version,
			origin: p.origin,
			variant: p.variant,
			created_by: p.created_by,
			created_at: p.created_at,
			updated_by: p.updated_by,
			updated_at: p.updated_at
		})
		.onConflict((oc) => oc.column('id').doNothing())
		.returning('id')
);

/** Updates a segment only if it is still at `expectedVersion`; true when it was. */
export async function updateSegmentIfVersion(
	db: Db,
	id: string,
	expectedVersion: number,
	fields: SegmentWriteFields
): Promise<boolean> {
	const result = await updateIfVersion(db, { ...fields, id, expected_version: expectedVersion });
	return Number(result.numAffectedRows ?? 0) > 0;
}

const updateIfVersion = preparedQuery((db, p: Slots<keyof SegmentWriteFields | 'id' | 'expected_version'>) =>
	db
		.updateTable('segment')
		.set({
			start_ms: p.start_ms,
			end_ms: p.end_ms,
			speaker_id: p.speaker_id,
			dialect_tag_id: p.dialect_tag_id,
			texts: p.texts,
			status: p.status,
			version: p.version,
			origin: p.origin,
			updated_by: p.updated_by,
			updated_at: p.updated_at
		})
		.where('id', '=', p.id)
		.where('version', '=', p.expected_version)
);

/** Deletes a segment only if it is still at `expectedVersion`; true when it was. */
export async function deleteSegmentIfVersion(db: Db, id: string, expectedVersion: number): Promise<boolean> {
	const result = await db
		.deleteFrom('segment')
		.where('id', '=', id)
		.where('version', '=', expectedVersion)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** Appends one revision; `before`/`after` are snapshots (SegmentDto-shaped), stored as JSON. */
export async function insertRevision(
	db: Db,
	revision: {
		segmentId: string;
		recordingId: string;
		version: number;
		action: RevisionAction;
		before: unknown;
		after: unknown;
		userId: string | null;
	}
) {
	await insertRevisionRow(db, {
		id: newId(),
		segment_id: revision.segmentId,
		recording_id: revision.recordingId,
		version: revision.version,
		action: revision.action,
		before: revision.before == null ? null : JSON.stringify(revision.before),
		after: revision.after == null ? null : JSON.stringify(revision.after),
		user_id: revision.userId,
		created_at: nowIso()
	});
}

const insertRevisionRow = preparedQuery((db, p: Slots<keyof SegmentRevisionTable>) =>
	db.insertInto('segment_revision').values({
		id: p.id,
		segment_id: p.segment_id,
		recording_id: p.recording_id,
		version: p.version,
		action: p.action,
		before: p.before,
		after: p.after,
		user_id: p.user_id,
		created_at: p.created_at
	})
);

/** A segment's history, newest first, with the name of who made each change. */
export function listRevisions(db: Db, segmentId: string) {
	return db
		.selectFrom('segment_revision')
		.leftJoin('user', 'user.id', 'segment_revision.user_id')
		.select(REVISION_COLUMNS)
		.select('user.name as user_name')
		.where('segment_revision.segment_id', '=', segmentId)
		.orderBy('segment_revision.version', 'desc')
		.orderBy('segment_revision.id', 'desc')
		.execute();
}

export function findRevision(db: Db, segmentId: string, revisionId: string) {
	return db
		.selectFrom('segment_revision')
		.select(REVISION_COLUMNS)
		.where('segment_revision.id', '=', revisionId)
		.where('segment_revision.segment_id', '=', segmentId)
		.executeTakeFirst();
}

/** The highest version a segment ever had (0 when it never existed): a recreated segment continues from it. */
export async function lastRevisionVersion(db: Db, segmentId: string): Promise<number> {
	const row = await db
		.selectFrom('segment_revision')
		.select((eb) => eb.fn.max('version').as('version'))
		.where('segment_id', '=', segmentId)
		.executeTakeFirst();
	return Number(row?.version ?? 0);
}
