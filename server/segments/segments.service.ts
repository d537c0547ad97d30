import { recordSegmentWrite } from '../dashboard/dashboard-facts.ts';
import type { Db } from '../db/connection.ts';
import { inWriteTransaction } from '../db/write-batch.ts';
import type { Segment, SegmentOrigin } from '../db/schema.ts';
import { apiError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { parseSnapshot, parseTexts, toRevisionDto, toSegmentDto, type RevisionDto, type SegmentDto } from './segments.mapper.ts';
import {
	deleteSegmentIfVersion,
	findRecordingForSegments,
	findRevision,
	findSegment,
	findSegmentForWrite,
	insertRevision,
	insertSegment,
	lastRevisionVersion,
	listLayerKeys,
	listRevisions,
	loadProjectRefs,
	PRIMARY_VARIANT,
	updateSegmentIfVersion
} from './segments.repository.ts';

/** An expected failure, returned (not thrown) so routes can answer it with its status. */
export type SegmentFailure =
	| { ok: false; status: 404; body: ApiErrorBody }
	| { ok: false; status: 409; body: ApiErrorBody & { segment?: SegmentDto } }
	| { ok: false; status: 422; body: ApiErrorBody };

export interface NewSegmentInput {
	/** A client-made id (offline creation); replaying the same id returns the existing segment. */
	id?: string;
	startMs: number;
	endMs: number;
	speakerId?: string | null;
	dialectTagId?: string | null;
	texts?: Record<string, string>;
	status?: string;
	/** Where the text came from; `manual` unless an import or pre-segmentation makes it. */
	origin?: SegmentOrigin;
	/** The transcription it belongs to (PRIMARY_VARIANT unless a task of another variant makes it). */
	variant?: number;
}

export interface SegmentPatch {
	/** The version the client edited; a newer one in the database means a conflict. */
	version: number;
	startMs?: number;
	endMs?: number;
	speakerId?: string | null;
	dialectTagId?: string | null;
	/** Only the layers named change; an empty string clears a layer. */
	texts?: Record<string, string>;
	status?: string;
}

type Recording = NonNullable<Awaited<ReturnType<typeof findRecordingForSegments>>>;
export type ProjectRefs = Awaited<ReturnType<typeof loadProjectRefs>>;

const notFound = (what: string): SegmentFailure => ({
	ok: false,
	status: 404,
	body: apiError('not_found', `${what} not found`)
});

const unprocessable = (code: string, message: string, details: Record<string, unknown> = {}): SegmentFailure => ({
	ok: false,
	status: 422,
	body: apiError(code, message, details)
});

const conflict = (current: Segment): SegmentFailure => ({
	ok: false,
	status: 409,
	body: {
		...apiError('version_conflict', `Segment ${current.id} changed since you loaded it (now version ${current.version})`),
		segment: toSegmentDto(current)
	}
});

/** The segment's times must lie inside the recording: 0 ≤ start < end ≤ duration. */
export function checkTimes(startMs: number, endMs: number, durationMs: number): SegmentFailure | undefined {
	if (!(durationMs > 0)) {
		return { ok: false, status: 409, body: apiError('not_ready', "The recording's duration is not known yet") };
	}
	const problem =
		startMs < 0
			? 'start must not be negative'
			: endMs <= startMs
				? 'end must be after start'
				: endMs > durationMs
					? `end is beyond the end of the recording (${durationMs} ms)`
					: undefined;
	return problem ? unprocessable('invalid_times', problem, { startMs, endMs, durationMs }) : undefined;
}

/** Applies a per-layer text patch: NFC, and an empty string removes the layer's text. */
function mergeTexts(current: Record<string, string>, patch: Record<string, string> | undefined) {
	const merged = { ...current };
	for (const [key, value] of Object.entries(patch ?? {})) {
		const text = value.normalize('NFC');
		if (text === '') delete merged[key];
		else merged[key] = text;
	}
	return merged;
}

/** Keys the write puts text into (clearing a layer that no longer exists is harmless). */
function keysWithText(texts: Record<string, string> | undefined): string[] {
	return Object.entries(texts ?? {})
		.filter(([, v]) => v !== '')
		.map(([k]) => k);
}

function unknownLayers(keys: string[], known: Iterable<string>): SegmentFailure | undefined {
	const knownSet = new Set(known);
	const unknown = keys.filter((k) => !knownSet.has(k));
	if (unknown.length === 0) return undefined;
	return unprocessable('unknown_layer', `This project has no text layer ${unknown.join(', ')}`, { keys: unknown });
}

function checkRefs(
	row: { speaker_id: string | null; dialect_tag_id: string | null; texts: Record<string, string> },
	refs: ProjectRefs
): SegmentFailure | undefined {
	if (row.speaker_id !== null && !refs.speakerIds.has(row.speaker_id)) {
		return unprocessable('unknown_speaker', 'No such speaker in this project', { speakerId: row.speaker_id });
	}
	if (row.dialect_tag_id !== null && !refs.tagIds.has(row.dialect_tag_id)) {
		return unprocessable('unknown_tag', 'No such dialect tag in this project', { dialectTagId: row.dialect_tag_id });
	}
	return unknownLayers(Object.keys(row.texts), refs.layerKeys);
}

/** A new segment's row from its input, checked (times inside the recording, references of its project). */
export function buildNewSegment(
	recording: Pick<Recording, 'id' | 'duration_ms'>,
	refs: ProjectRefs,
	input: NewSegmentInput,
	userId: string | null
): Segment | SegmentFailure {
	const bad = checkTimes(input.startMs, input.endMs, Number(recording.duration_ms));
	if (bad) return bad;
	const texts = mergeTexts({}, input.texts);
	const speakerId = input.speakerId ?? null;
	const dialectTagId = input.dialectTagId ?? null;
	const badRef = checkRefs({ speaker_id: speakerId, dialect_tag_id: dialectTagId, texts }, refs);
	if (badRef) return badRef;
	const now = nowIso();
	return {
		id: input.id ?? newId(),
		recording_id: recording.id,
		start_ms: input.startMs,
		end_ms: input.endMs,
		speaker_id: speakerId,
		dialect_tag_id: dialectTagId,
		texts: JSON.stringify(texts),
		status: input.status ?? 'new',
		version: 1,
		origin: input.origin ?? 'manual',
		variant: input.variant ?? PRIMARY_VARIANT,
		created_by: userId,
		created_at: now,
		updated_by: userId,
		updated_at: now
	};
}

async function loadRefsFor(db: Db, projectId: string, inputs: NewSegmentInput[]): Promise<ProjectRefs> {
	const needed = inputs.some((i) => i.speakerId || i.dialectTagId || keysWithText(i.texts).length > 0);
	return needed ? loadProjectRefs(db, projectId) : { speakerIds: new Set(), tagIds: new Set(), layerKeys: new Set() };
}

/** What a POST with an id that is already known means: the same segment again, or a conflict. */
async function replayOf(db: Db, id: string, recordingId: string) {
	const existing = await findSegment(db, id);
	if (existing) {
		if (existing.recording_id === recordingId) return { ok: true as const, segment: toSegmentDto(existing), created: false };
		return {
			ok: false as const,
			status: 409 as const,
			body: apiError('id_taken', `Segment id ${id} belongs to another recording`)
		};
	}
	if ((await lastRevisionVersion(db, id)) > 0) {
		return {
			ok: false as const,
			status: 409 as const,
			body: apiError('segment_deleted', `Segment ${id} was created before and has since been deleted; restore it instead`)
		};
	}
	return undefined;
}

/**
 * Inserts a new segment row with its 'create' revision (inside the caller's transaction) and
 * returns it as a DTO; null when a segment with that id already exists.
 */
export async function insertNewSegment(trx: Db, row: Segment, userId: string | null): Promise<SegmentDto | null> {
	if (!(await insertSegment(trx, row))) return null;
	await recordSegmentWrite(trx, { recordingId: row.recording_id, before: null, after: row, userId });
	const segment = toSegmentDto(row);
	await insertRevision(trx, {
		segmentId: row.id,
		recordingId: row.recording_id,
		version: 1,
		action: 'create',
		before: null,
		after: segment,
		userId
	});
	return segment;
}

/**
 * Writes `next` over `current` if the row is still at current's version, with its 'update'
 * revision (inside the caller's transaction); null when another writer got there first.
 */
export async function writeSegmentUpdate(trx: Db, current: Segment, next: Segment, userId: string | null): Promise<SegmentDto | null> {
	const { id: _id, recording_id: _r, created_by: _cb, created_at: _ca, ...fields } = next;
	if (!(await updateSegmentIfVersion(trx, current.id, current.version, fields))) return null;
	await recordSegmentWrite(trx, { recordingId: current.recording_id, before: current, after: next, userId });
	const segment = toSegmentDto(next);
	await insertRevision(trx, {
		segmentId: current.id,
		recordingId: current.recording_id,
		version: next.version,
		action: 'update',
		before: toSegmentDto(current),
		after: segment,
		userId
	});
	return segment;
}

/**
 * Deletes `current` if the row is still at its version, keeping it in the history as a 'delete'
 * revision (inside the caller's transaction); false when it moved on or is gone.
 */
export async function removeSegment(trx: Db, current: Segment, userId: string | null): Promise<boolean> {
	if (!(await deleteSegmentIfVersion(trx, current.id, current.version))) return false;
	await recordSegmentWrite(trx, { recordingId: current.recording_id, before: current, after: null, userId });
	await insertRevision(trx, {
		segmentId: current.id,
		recordingId: current.recording_id,
		version: current.version,
		action: 'delete',
		before: toSegmentDto(current),
		after: null,
		userId
	});
	return true;
}

/**
 * Creates one segment and its 'create' revision in one transaction. With a client-made `id` that
 * already exists on this recording it returns that segment (`created: false`), so offline edits
 * replay safely.
 */
export async function createSegment(
	db: Db,
	args: { recordingId: string; userId: string | null; input: NewSegmentInput }
): Promise<{ ok: true; segment: SegmentDto; created: boolean } | SegmentFailure> {
	const { recordingId, userId, input } = args;
	return inWriteTransaction(db, async (trx) => {
		const recording = await findRecordingForSegments(trx, recordingId);
		if (!recording) return notFound('Recording');
		if (input.id) {
			const replay = await replayOf(trx, input.id, recordingId);
			if (replay) return replay;
		}
		const row = buildNewSegment(recording, await loadRefsFor(trx, recording.project_id, [input]), input, userId);
		if ('ok' in row) return row;
		// A concurrent replay of the same id (PostgreSQL) loses the insert race here, not with an error.
		const segment = await insertNewSegment(trx, row, userId);
		if (!segment) return (await replayOf(trx, row.id, recordingId)) ?? notFound('Segment');
		return { ok: true, segment, created: true };
	});
}

/**
 * Creates several segments (each with its revision) in one transaction, all or none: for
 * pre-segmentation and the demo loader. An `id` that already exists fails the whole batch (409).
 */
export async function createSegments(
	db: Db,
	args: { recordingId: string; userId: string | null; inputs: NewSegmentInput[] }
): Promise<{ ok: true; segments: SegmentDto[] } | SegmentFailure> {
	const { recordingId, userId, inputs } = args;
	return db.transaction().execute(async (trx) => {
		const recording = await findRecordingForSegments(trx, recordingId);
		if (!recording) return notFound('Recording');
		const refs = await loadRefsFor(trx, recording.project_id, inputs);
		const rows: Segment[] = [];
		for (const input of inputs) {
			const row = buildNewSegment(recording, refs, input, userId);
			if ('ok' in row) return row;
			rows.push(row);
		}
		const segments: SegmentDto[] = [];
		for (const row of rows) {
			const segment = await insertNewSegment(trx, row, userId);
			// Undo the rows inserted so far: the batch is all or nothing.
			if (!segment) throw new BatchConflict(row.id);
			segments.push(segment);
		}
		return { ok: true as const, segments };
	}).catch((err: unknown) => {
		if (err instanceof BatchConflict) {
			return { ok: false as const, status: 409 as const, body: apiError('id_taken', `Segment id ${err.id} already exists`) };
		}
		throw err;
	});
}

class BatchConflict extends Error {
	constructor(readonly id: string) {
		super(`segment ${id} exists`);
	}
}

/**
 * Applies a patch to the version the client edited: read (with reference checks), versioned
 * UPDATE, revision INSERT, in one transaction. A stale version returns 409 with the current segment.
 */
export async function updateSegment(
	db: Db,
	args: { id: string; userId: string | null; patch: SegmentPatch }
): Promise<{ ok: true; segment: SegmentDto } | SegmentFailure> {
	const { id, userId, patch } = args;
	const textKeys = keysWithText(patch.texts);
	return inWriteTransaction(db, async (trx) => {
		const row = await findSegmentForWrite(trx, id, {
			speakerId: patch.speakerId,
			dialectTagId: patch.dialectTagId,
			layerKeys: textKeys
		});
		if (!row) return notFound('Segment');
		const current = pickSegment(row);
		if (current.version !== patch.version) return conflict(current);

		const next: Segment = {
			...current,
			start_ms: patch.startMs ?? current.start_ms,
			end_ms: patch.endMs ?? current.end_ms,
			speaker_id: patch.speakerId === undefined ? current.speaker_id : patch.speakerId,
			dialect_tag_id: patch.dialectTagId === undefined ? current.dialect_tag_id : patch.dialectTagId,
			texts: patch.texts ? JSON.stringify(mergeTexts(parseTexts(current.texts), patch.texts)) : current.texts,
			status: patch.status ?? current.status,
			version: current.version + 1,
			updated_by: userId,
			updated_at: nowIso()
		};
		const bad = checkTimes(next.start_ms, next.end_ms, Number(row.duration_ms));
		if (bad) return bad;
		if (patch.speakerId && !row.speaker_ok) {
			return unprocessable('unknown_speaker', 'No such speaker in this project', { speakerId: patch.speakerId });
		}
		if (patch.dialectTagId && !row.tag_ok) {
			return unprocessable('unknown_tag', 'No such dialect tag in this project', { dialectTagId: patch.dialectTagId });
		}
		if (Number(row.known_layers) !== textKeys.length && textKeys.length > 0) {
			const badLayer = unknownLayers(textKeys, await listLayerKeys(trx, row.project_id));
			if (badLayer) return badLayer;
		}

		const segment = await writeSegmentUpdate(trx, current, next, userId);
		if (!segment) {
			// Another writer got in between our read and our update (PostgreSQL's read committed).
			const latest = await findSegment(trx, id);
			return latest ? conflict(latest) : notFound('Segment');
		}
		return { ok: true, segment };
	});
}

/** Deletes the version the client saw, keeping the segment in its history as a 'delete' revision. */
export async function deleteSegment(
	db: Db,
	args: { id: string; userId: string | null; version: number }
): Promise<{ ok: true } | SegmentFailure> {
	const { id, userId, version } = args;
	return inWriteTransaction(db, async (trx) => {
		const current = await findSegment(trx, id);
		if (!current) return notFound('Segment');
		if (current.version !== version) return conflict(current);
		if (!(await removeSegment(trx, current, userId))) {
			const latest = await findSegment(trx, id);
			return latest ? conflict(latest) : notFound('Segment');
		}
		return { ok: true };
	});
}

/**
 * Brings a segment back to a revision: that revision's `after`, or its `before` for a delete.
 * A deleted segment is recreated with the next version after its history. When `version` is given
 * and the segment has moved on since, 409 as for any edit.
 */
export async function restoreSegment(
	db: Db,
	args: { id: string; userId: string | null; revisionId: string; version?: number }
): Promise<{ ok: true; segment: SegmentDto } | SegmentFailure> {
	const { id, userId, revisionId, version } = args;
	return db.transaction().execute(async (trx) => {
		const revision = await findRevision(trx, id, revisionId);
		if (!revision) return notFound('Revision');
		const snapshotJson = revision.action === 'delete' ? revision.before : revision.after;
		if (!snapshotJson) return notFound('Revision snapshot');
		const snapshot = parseSnapshot(snapshotJson);

		const recording = await findRecordingForSegments(trx, revision.recording_id);
		if (!recording) return notFound('Recording');
		const current = await findSegment(trx, id);
		if (current && version !== undefined && current.version !== version) return conflict(current);

		const bad = checkTimes(snapshot.startMs, snapshot.endMs, Number(recording.duration_ms));
		if (bad) return bad;
		const texts = snapshot.texts ?? {};
		const refs = await loadProjectRefs(trx, recording.project_id);
		const badRef = checkRefs({ speaker_id: snapshot.speakerId, dialect_tag_id: snapshot.dialectTagId, texts }, refs);
		if (badRef) return badRef;

		const now = nowIso();
		const nextVersion = current ? current.version + 1 : (await lastRevisionVersion(trx, id)) + 1;
		const next: Segment = {
			id,
			recording_id: recording.id,
			start_ms: snapshot.startMs,
			end_ms: snapshot.endMs,
			speaker_id: snapshot.speakerId,
			dialect_tag_id: snapshot.dialectTagId,
			texts: JSON.stringify(texts),
			status: snapshot.status,
			version: nextVersion,
			origin: current?.origin ?? snapshot.origin ?? 'manual',
			variant: current?.variant ?? snapshot.variant,
			created_by: current?.created_by ?? snapshot.createdBy ?? userId,
			created_at: current?.created_at ?? snapshot.createdAt ?? now,
			updated_by: userId,
			updated_at: now
		};
		if (current) {
			const { id: _id, recording_id: _r, created_by: _cb, created_at: _ca, ...fields } = next;
			if (!(await updateSegmentIfVersion(trx, id, current.version, fields))) {
				const latest = await findSegment(trx, id);
				return latest ? conflict(latest) : notFound('Segment');
			}
		} else if (!(await insertSegment(trx, next))) {
			const latest = await findSegment(trx, id);
			return latest ? conflict(latest) : notFound('Segment');
		}
		await recordSegmentWrite(trx, { recordingId: recording.id, before: current ?? null, after: next, userId });
		const segment = toSegmentDto(next);
		await insertRevision(trx, {
			segmentId: id,
			recordingId: recording.id,
			version: nextVersion,
			action: 'restore',
			before: current ? toSegmentDto(current) : null,
			after: segment,
			userId
		});
		return { ok: true, segment };
	});
}

/** A segment's revisions, newest first; undefined when the id never existed. */
export async function segmentHistory(db: Db, id: string): Promise<RevisionDto[] | undefined> {
	const rows = await listRevisions(db, id);
	return rows.length > 0 ? rows.map(toRevisionDto) : undefined;
}

function pickSegment(row: Segment): Segment {
	return {
		id: row.id,
		recording_id: row.recording_id,
		start_ms: Number(row.start_ms),
		end_ms: Number(row.end_ms),
		speaker_id: row.speaker_id,
		dialect_tag_id: row.dialect_tag_id,
		texts: row.texts,
		status: row.status,
		version: Number(row.version),
		origin: row.origin,
		variant: Number(row.variant),
		created_by: row.created_by,
		created_at: row.created_at,
		updated_by: row.updated_by,
		updated_at: row.updated_at
	};
}
