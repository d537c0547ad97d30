import type { SegmentDto } from '$server/segments/segments.mapper';

/**
 * The segment fields the autosave engine reads and writes. Structurally a subset of the API's
 * SegmentDto, so DTOs (and the editor's own segment objects, with extra fields) fit as they are.
 */
export interface SegmentData {
	id: string;
	recordingId: string;
	startMs: number;
	endMs: number;
	speakerId: string | null;
	dialectTagId: string | null;
	texts: Record<string, string>;
	status: string;
	version: number;
	/** A task's variant k > 0 (double transcription); absent for the primary transcription. */
	variant?: number;
}

/**
 * A segment as the server returned it: the API's SegmentDto, whose audit fields are optional
 * here so test doubles and editor copies fit too.
 */
export type ServerSegment = SegmentData & Partial<Pick<SegmentDto, 'createdBy' | 'createdAt' | 'updatedBy' | 'updatedAt'>>;

/** Fails to compile if the API's SegmentDto stops carrying a field autosave writes. */
type AssertSegmentData<T extends SegmentData> = T;
export type SegmentDtoFits = AssertSegmentData<SegmentDto>;

/**
 * A segment as the editor holds it: a segment made in the editor may not carry `recordingId`
 * (then `record` is given it) nor a `version` yet (0 until the server confirms it).
 */
export type SegmentLike = Omit<SegmentData, 'recordingId' | 'version' | 'texts'> & {
	recordingId?: string;
	version?: number;
	texts: Readonly<Record<string, string>>;
};

/**
 * One editor change, as the segment store emits it. `previous` is the segment before the change
 * (null for a create); for a delete, `previous` (or `segment`) is the segment as it was.
 */
export type SegmentChange =
	| { type: 'create'; segment: SegmentLike; previous?: SegmentLike | null }
	| { type: 'update'; segment: SegmentLike; previous: SegmentLike | null }
	| { type: 'delete'; segment: SegmentLike | null; previous?: SegmentLike | null };

export const SCALAR_FIELDS = ['startMs', 'endMs', 'speakerId', 'dialectTagId', 'status'] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];
/** A field of a segment that can differ: a scalar, or one text layer as `texts.<layerKey>`. */
export type FieldKey = ScalarField | `texts.${string}`;

export type EntryOp = 'create' | 'update' | 'delete';

/**
 * One pending change, persisted before it is sent. Several rapid edits of a segment coalesce
 * into one entry until it is sent (or its outcome is uncertain, see `uncertain`).
 */
export interface OutboxEntry {
	/** Storage key. */
	key: string;
	/** Global order of first enqueue; entries of one segment are sent strictly in this order. */
	seq: number;
	userId: string;
	/** The engine (tab) that currently owns and sends this entry. */
	ownerId: string;
	recordingId: string;
	segmentId: string;
	op: EntryOp;
	/** The segment before the first coalesced edit (null for a create). */
	base: SegmentData | null;
	/** The segment the user wants (null for a delete). */
	target: SegmentData | null;
	/**
	 * The version this change edits. null = "whatever the preceding entry of this segment
	 * produced", filled in from that entry's response (and persisted) before this one is sent.
	 */
	baseVersion: number | null;
	firstAt: number;
	lastAt: number;
	/** Requests made for this entry. */
	attempts: number;
	/**
	 * A request went out and no definitive answer came back (network error, timeout), so the
	 * server may have applied it. Such an entry is never changed again: replaying it must stay
	 * idempotent (same id for creates; same version and fields for updates).
	 */
	uncertain: boolean;
	state: 'queued' | 'conflict' | 'rejected';
	/** Set with state 'conflict': the server's current segment (null: deleted there). */
	server?: ServerSegment | null;
	/** Set with state 'rejected': why the server refused the change. */
	error?: { status: number; code: string; message: string };
	/**
	 * A create that may bring back a segment deleted on the server (the user's own delete undone,
	 * or "keep mine" over someone's delete): sent through the restore endpoint.
	 */
	recreate?: boolean;
	/** Earliest time to retry after a 5xx/429 (ms since epoch). */
	notBefore?: number;
}

export type SaveState = 'saved' | 'saving' | 'offline' | 'conflict' | 'error';

/** A change the server refused because someone else changed (or deleted) the segment first. */
export interface Conflict {
	/** Pass to the resolution methods. */
	key: string;
	segmentId: string;
	recordingId: string;
	/** What the local change does: edit the segment, delete it. */
	op: EntryOp;
	/** The segment before the local edits. */
	base: SegmentData | null;
	/** The local version (null: the user deleted the segment). */
	local: SegmentData | null;
	/** The server's current segment (null: someone deleted it). */
	server: ServerSegment | null;
	/** Fields the local change touches (relative to `base`). */
	localFields: FieldKey[];
	/** Fields someone else changed (relative to `base`). */
	serverFields: FieldKey[];
	/** Fields where local and server now differ. */
	differing: FieldKey[];
}

/** A change the server rejected for a reason other than a conflict (e.g. 422 invalid times). */
export interface Failure {
	key: string;
	segmentId: string;
	recordingId: string;
	op: EntryOp;
	status: number;
	code: string;
	message: string;
}

export interface OutboxSnapshot {
	status: SaveState;
	/** Changes not yet confirmed by the server (queued, in flight, conflicted or rejected). */
	pendingCount: number;
	/** ms since epoch of the last confirmed save in this session. */
	lastSavedAt: number | null;
	online: boolean;
	/** A 401: the session expired; changes wait (and retry) until the user logs in again. */
	unauthenticated: boolean;
	conflicts: Conflict[];
	failures: Failure[];
	/** Set when IndexedDB refused a write: changes are then only in memory. */
	storageError: string | null;
}

export type FieldChoice = 'mine' | 'theirs';
export type MergeChoices = Partial<Record<FieldKey, FieldChoice>>;
