import { openIdbOutboxStorage } from './idb-storage.ts';
import { browserLiveness } from './liveness.ts';
import { browserNetwork } from './network.ts';
import { Outbox, type OutboxOptions } from './outbox.ts';
import { MemoryOutboxStorage, type OutboxStorage } from './storage.ts';
import type {
	Conflict,
	Failure,
	MergeChoices,
	OutboxSnapshot,
	SaveState,
	SegmentChange,
	SegmentData,
	ServerSegment
} from './types.ts';

/**
 * The autosave engine as reactive state for the editor: read `status`, `pendingCount`,
 * `lastSavedAt`, `conflicts`… in templates; call `record` for every segment change.
 */
export class Autosave {
	status = $state<SaveState>('saved');
	pendingCount = $state(0);
	lastSavedAt = $state<number | null>(null);
	online = $state(true);
	unauthenticated = $state(false);
	conflicts = $state.raw<Conflict[]>([]);
	failures = $state.raw<Failure[]>([]);
	storageError = $state<string | null>(null);
	readonly outbox: Outbox;
	/** False when IndexedDB was unavailable: edits then survive a network loss but not a reload. */
	readonly persistent: boolean;
	#unsubscribe: () => void;

	constructor(outbox: Outbox, options: { persistent?: boolean } = {}) {
		this.outbox = outbox;
		this.persistent = options.persistent ?? true;
		this.#unsubscribe = outbox.subscribe((s) => this.#apply(s));
	}

	/** True while any change is not confirmed by the server (for a beforeunload warning). */
	get hasUnsavedChanges(): boolean {
		return this.outbox.hasUnsavedChanges;
	}

	/** Records one editor change ({type, segment, previous}); resolves once it is persisted. */
	record(change: SegmentChange, recordingId?: string): Promise<void> {
		return this.outbox.record(change, recordingId);
	}

	/**
	 * Records a batch from the segment store's onChange: edits, undos and redos are saved;
	 * batches that came from the server ('load', 'remote') or only moved the view are not.
	 *
	 * @example
	 * store.onChange((batch) => autosave.recordBatch(batch, recording.id));
	 */
	recordBatch(batch: { origin: string; changes: readonly SegmentChange[] }, recordingId: string): Promise<void> {
		if (batch.origin !== 'edit' && batch.origin !== 'undo' && batch.origin !== 'redo') return Promise.resolve();
		let last: Promise<void> = Promise.resolve();
		for (const change of batch.changes) last = this.outbox.record(change, recordingId);
		return last;
	}

	/** Sends pending edits now (e.g. on Enter); true once saved, false if it cannot for now. */
	flush(segmentId?: string): Promise<boolean> {
		return this.outbox.flush(segmentId);
	}

	isPending(segmentId: string) {
		return this.outbox.isPending(segmentId);
	}

	/** Segments from the server with this user's unsent changes applied (after a reload). */
	overlay<T extends SegmentData>(segments: T[], recordingId: string) {
		return this.outbox.overlay(segments, recordingId);
	}

	/** A segment the server returned outside autosave (a restored revision). */
	adopt(segment: ServerSegment) {
		this.outbox.adopt(segment);
	}

	keepMine(key: string) {
		return this.outbox.keepMine(key);
	}

	takeTheirs(key: string) {
		return this.outbox.takeTheirs(key);
	}

	merge(key: string, choices: MergeChoices) {
		return this.outbox.merge(key, choices);
	}

	discard(key: string) {
		return this.outbox.discard(key);
	}

	retry(key: string) {
		return this.outbox.retry(key);
	}

	/** Retries now (after signing in again, or from a "retry" button). */
	resume() {
		this.outbox.resume();
	}

	destroy(): Promise<void> {
		this.#unsubscribe();
		return this.outbox.stop();
	}

	#apply(s: OutboxSnapshot) {
		this.status = s.status;
		this.pendingCount = s.pendingCount;
		this.lastSavedAt = s.lastSavedAt;
		this.online = s.online;
		this.unauthenticated = s.unauthenticated;
		this.conflicts = s.conflicts;
		this.failures = s.failures;
		this.storageError = s.storageError;
	}
}

export type CreateAutosaveOptions = Omit<OutboxOptions, 'storage' | 'transport'> & {
	/** Defaults to the browser's fetch. */
	transport?: OutboxOptions['transport'];
	/** Defaults to IndexedDB, or memory when IndexedDB cannot be opened. */
	storage?: OutboxStorage;
};

/**
 * Opens the browser's outbox (IndexedDB, Web Locks, online/offline events), replays what earlier
 * sessions of this user left and returns the reactive engine. Call once per signed-in page.
 *
 * @example
 * const autosave = await createAutosave({ userId: user.id, onAdopt: (id, s) => segments.replace(id, s) });
 * segments.onChange((change) => autosave.record(change));
 */
export async function createAutosave(options: CreateAutosaveOptions): Promise<Autosave> {
	let storage = options.storage;
	let persistent = true;
	if (!storage) {
		try {
			storage = await openIdbOutboxStorage();
		} catch {
			storage = new MemoryOutboxStorage();
			persistent = false;
		}
	}
	const outbox = new Outbox({
		liveness: browserLiveness(),
		network: browserNetwork(),
		...options,
		storage,
		transport: options.transport ?? ((url, init) => globalThis.fetch(url, init))
	});
	const autosave = new Autosave(outbox, { persistent });
	await outbox.start();
	return autosave;
}
