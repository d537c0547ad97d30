/**
 * The editor's view of a segment. Structurally a subset of the API's SegmentDto, so DTOs from
 * GET /api/recordings/:id/segments can be loaded as they are; fields the editor does not know
 * (recordingId, createdAt, …) ride along untouched because edits copy objects with spread.
 * Segment objects are immutable: every edit replaces the object, so `a !== b` means "changed".
 */
export interface EditorSegment {
	readonly id: string;
	/** Integer ms, inclusive. */
	readonly startMs: number;
	/** Integer ms, exclusive; always > startMs. */
	readonly endMs: number;
	readonly speakerId: string | null;
	readonly dialectTagId: string | null;
	/** Text layer key → text (NFC). */
	readonly texts: Readonly<Record<string, string>>;
	readonly status: string;
	/** Server version (optimistic concurrency). Opaque to the store: undo/redo never rewinds it. */
	readonly version?: number;
	/** The transcription it belongs to when not the primary one (a task's variant k > 0). */
	readonly variant?: number;
}

/** The fields an edit can change; undo/redo restore exactly these. */
export const EDITABLE_FIELDS = ['startMs', 'endMs', 'speakerId', 'dialectTagId', 'texts', 'status'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
export type SegmentPatch = Partial<Pick<EditorSegment, EditableField>>;

export interface SegmentInit {
	id?: string;
	startMs: number;
	endMs: number;
	speakerId?: string | null;
	dialectTagId?: string | null;
	texts?: Record<string, string>;
	status?: string;
}

/**
 * One primitive change. `segment` is the state after (null when deleted), `previous` the state
 * before (null when created). The autosave module maps these 1:1 to POST / PATCH / DELETE.
 */
export type SegmentChange =
	| { readonly type: 'create'; readonly id: string; readonly segment: EditorSegment; readonly previous: null }
	| {
			readonly type: 'update';
			readonly id: string;
			readonly segment: EditorSegment;
			readonly previous: EditorSegment;
	  }
	| { readonly type: 'delete'; readonly id: string; readonly segment: null; readonly previous: EditorSegment };

/**
 * Where a batch of changes came from. Autosave sends 'edit' | 'undo' | 'redo' and ignores
 * 'load' and 'remote' (those came from the server); 'view' batches carry no changes.
 */
export type ChangeOrigin = 'edit' | 'undo' | 'redo' | 'remote' | 'load' | 'view';

export interface ChangeBatch {
	readonly origin: ChangeOrigin;
	/** The operation, e.g. 'move', 'split', 'text'. */
	readonly label: string;
	readonly changes: readonly SegmentChange[];
	/** Store revision after this batch (monotonic). */
	readonly revision: number;
	/** True when the set or order of lanes changed. */
	readonly lanesChanged: boolean;
}

/** The lane of segments without a speaker. Speaker ids are never empty, so '' cannot collide. */
export const UNASSIGNED_LANE = '';

export function laneKeyOf(speakerId: string | null | undefined): string {
	return speakerId ?? UNASSIGNED_LANE;
}

export type EditErrorCode =
	| 'not_found'
	| 'invalid_times'
	| 'too_short'
	| 'overlap'
	| 'duplicate_id'
	| 'no_next'
	| 'no_segment'
	| 'stale'
	/** Undo or redo with nothing left to undo or redo. */
	| 'nothing_to_undo';

export type EditResult =
	| { readonly ok: true; readonly changes: readonly SegmentChange[] }
	| { readonly ok: false; readonly error: EditErrorCode };

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastIdTime = 0;
let idCounter = 0;

/**
 * A client-made segment id in the server's shape (20 chars, Crockford base32, time-sortable), so
 * segments created offline replay idempotently (the API accepts 20–40 chars [0-9a-z-]).
 */
export function newSegmentId(now = Date.now()): string {
	idCounter = now === lastIdTime ? idCounter + 1 : 0;
	lastIdTime = now;
	let time = '';
	let t = now;
	for (let i = 0; i < 10; i++) {
		time = ID_ALPHABET[t % 32] + time;
		t = Math.floor(t / 32);
	}
	const seq = ID_ALPHABET[(idCounter >> 5) & 31] + ID_ALPHABET[idCounter & 31];
	const bytes = new Uint8Array(8);
	globalThis.crypto.getRandomValues(bytes);
	let random = '';
	for (const b of bytes) random += ID_ALPHABET[b & 31];
	return time + seq + random;
}
