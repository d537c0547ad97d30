import {
	allFields,
	createBody,
	diffFields,
	fieldsMatch,
	getField,
	patchBody,
	snapshotSegment,
	withField
} from './fields.ts';
import { MemoryLiveness, type OwnerLiveness } from './liveness.ts';
import type { NetworkMonitor } from './network.ts';
import type { OutboxStorage } from './storage.ts';
import type {
	Conflict,
	Failure,
	FieldKey,
	MergeChoices,
	OutboxEntry,
	OutboxSnapshot,
	SaveState,
	SegmentChange,
	SegmentData,
	ServerSegment
} from './types.ts';

/** A fetch-like function: `globalThis.fetch`, or a test's in-process app. */
export type Transport = (url: string, init: RequestInit) => Promise<Response>;

export interface OutboxOptions {
	storage: OutboxStorage;
	transport: Transport;
	/** The signed-in user: entries are stored per user and only replayed under the same user. */
	userId: string;
	/** Prefix for API paths, '' for same-origin. */
	baseUrl?: string;
	/** This engine's id; entries it creates carry it. Defaults to a random id. */
	ownerId?: string;
	liveness?: OwnerLiveness;
	network?: NetworkMonitor;
	/** Quiet time after the last edit of a segment before it is sent. */
	debounceMs?: number;
	/** Longest a segment's edits wait while the user keeps typing. */
	maxWaitMs?: number;
	/** Requests slower than this count as a network failure. */
	requestTimeoutMs?: number;
	retryInitialMs?: number;
	retryMaxMs?: number;
	/** How many segments may have a request out at once (a segment never has two). */
	concurrency?: number;
	/** How often to look for entries left by closed tabs. */
	claimIntervalMs?: number;
	now?: () => number;
	/** 0..1, for backoff jitter. */
	random?: () => number;
	/**
	 * The server confirmed a change: `segment` is its state afterwards (null: deleted). The editor
	 * may take the new version from it; its fields are what the server has, not necessarily what
	 * the editor shows if the user has typed on since.
	 */
	onSaved?: (segmentId: string, segment: ServerSegment | null) => void;
	/**
	 * The editor must show `segment` (null: remove it): after "take theirs" or a merge, or when the
	 * server had changes by others in fields the user did not touch. Pending local edits are
	 * already applied to it.
	 */
	onAdopt?: (segmentId: string, segment: SegmentData | null) => void;
}

type Waiter = { segmentId: string | null; resolve: (saved: boolean) => void };

/** Gateway answers while the API process is down or restarting: the server is unreachable. */
const UNREACHABLE_STATUSES = new Set([502, 503, 504]);

/**
 * The autosave engine: turns editor changes into API calls, one segment at a time and in order,
 * with every change persisted before it is sent. See the module README in index.ts.
 */
export class Outbox {
	readonly ownerId: string;
	readonly #o: Required<
		Omit<OutboxOptions, 'onSaved' | 'onAdopt' | 'network' | 'liveness' | 'ownerId'>
	> &
		Pick<OutboxOptions, 'onSaved' | 'onAdopt' | 'network'>;
	readonly #liveness: OwnerLiveness;
	/** segmentId → its entries in send order. Head is the one sent next (or in flight). */
	readonly #queues = new Map<string, OutboxEntry[]>();
	/** Keys of entries with a request out. */
	readonly #sending = new Set<string>();
	/** segmentId → the version the server last reported. */
	readonly #known = new Map<string, number>();
	/** Segments whose pending edits should go now, without waiting for the debounce. */
	readonly #forced = new Set<string>();
	readonly #listeners = new Set<(s: OutboxSnapshot) => void>();
	#waiters: Waiter[] = [];
	#writes: Promise<void> = Promise.resolve();
	#seq = 0;
	#loaded = false;
	#stopped = false;
	#buffer: { change: SegmentChange; recordingId?: string }[] = [];
	#ready: Promise<void> | null = null;
	#browserOnline = true;
	#reachable = true;
	#unauthenticated = false;
	#networkFailures = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#wakeTimer: ReturnType<typeof setTimeout> | null = null;
	#wakeAt = Infinity;
	#claimTimer: ReturnType<typeof setInterval> | null = null;
	#unsubscribeNetwork: (() => void) | null = null;
	#lastSavedAt: number | null = null;
	#storageError: string | null = null;
	#snapshot: OutboxSnapshot | null = null;

	constructor(options: OutboxOptions) {
		this.ownerId = options.ownerId ?? randomId();
		this.#liveness = options.liveness ?? new MemoryLiveness();
		this.#o = {
			baseUrl: '',
			debounceMs: 600,
			maxWaitMs: 1000,
			requestTimeoutMs: 20_000,
			retryInitialMs: 1000,
			retryMaxMs: 30_000,
			concurrency: 1,
			claimIntervalMs: 5000,
			now: () => Date.now(),
			random: () => Math.random(),
			...options
		};
	}

	/** Loads (claims) the entries left by earlier sessions and starts sending. Call once. */
	start(): Promise<void> {
		this.#ready ??= this.#start();
		return this.#ready;
	}

	async #start() {
		await this.#liveness.acquire(this.ownerId);
		await this.#claimOrphans();
		const network = this.#o.network;
		if (network) {
			this.#browserOnline = network.isOnline();
			this.#unsubscribeNetwork = network.subscribe((online) => this.#onNetwork(online));
		}
		if (this.#o.claimIntervalMs > 0) {
			this.#claimTimer = setInterval(() => void this.#claimOrphans().then(() => this.#pump()), this.#o.claimIntervalMs);
		}
		this.#loaded = true;
		for (const { change, recordingId } of this.#buffer.splice(0)) this.#apply(change, recordingId);
		this.#emit();
		this.#pump();
	}

	/**
	 * Stops sending and timers; once the pending storage writes are done, lets another engine
	 * take over the remaining entries.
	 */
	stop(): Promise<void> {
		this.#stopped = true;
		this.#unsubscribeNetwork?.();
		if (this.#claimTimer) clearInterval(this.#claimTimer);
		this.#clearTimer('wake');
		this.#clearTimer('retry');
		for (const w of this.#waiters.splice(0)) w.resolve(false);
		return this.#writes.then(() => this.#liveness.release(this.ownerId));
	}

	/**
	 * Records one editor change. Returns once it is persisted (it is sent after the debounce).
	 * Call it for every change, in the order they happen. `recordingId` is used for segments that
	 * do not carry one.
	 */
	record(change: SegmentChange, recordingId?: string): Promise<void> {
		if (this.#stopped) return Promise.reject(new Error('Outbox is stopped'));
		if (!this.#loaded) {
			this.#buffer.push({ change, recordingId });
			return (this.#ready ?? this.start()).then(() => this.#writes);
		}
		this.#apply(change, recordingId);
		this.#emit();
		this.#schedule();
		return this.#writes;
	}

	/**
	 * Sends the pending edits of `segmentId` (or of every segment) now, and resolves once they
	 * are saved (true) or cannot be for now (false: offline, conflict, rejected, stopped).
	 */
	flush(segmentId?: string): Promise<boolean> {
		const ids = segmentId === undefined ? [...this.#queues.keys()] : [segmentId];
		for (const id of ids) if (this.#queues.has(id)) this.#forced.add(id);
		const done = new Promise<boolean>((resolve) =>
			this.#waiters.push({ segmentId: segmentId ?? null, resolve })
		);
		if (this.#loaded) this.#pump();
		this.#checkWaiters();
		return done;
	}

	subscribe(listener: (snapshot: OutboxSnapshot) => void): () => void {
		this.#listeners.add(listener);
		listener(this.snapshot());
		return () => this.#listeners.delete(listener);
	}

	snapshot(): OutboxSnapshot {
		this.#snapshot ??= this.#computeSnapshot();
		return this.#snapshot;
	}

	get hasUnsavedChanges(): boolean {
		return this.#buffer.length > 0 || this.#queues.size > 0;
	}

	/** True while `segmentId` has changes the server has not confirmed. */
	isPending(segmentId: string): boolean {
		return this.#queues.has(segmentId);
	}

	/**
	 * Applies the pending local changes to segments loaded from the server, so a reload (even
	 * offline with a cached list) shows what the user typed. Adds pending creates of
	 * `recordingId` and drops pending deletes; keeps the list ordered by start, then id.
	 */
	overlay<T extends SegmentData>(segments: T[], recordingId: string): (T | SegmentData)[] {
		const out: (T | SegmentData)[] = [];
		const seen = new Set<string>();
		for (const segment of segments) {
			seen.add(segment.id);
			const result = this.#overlayOne(segment);
			if (result) out.push(result);
		}
		for (const [id, queue] of this.#queues) {
			if (seen.has(id) || queue[0].recordingId !== recordingId) continue;
			const result = this.#overlayOne(null, queue);
			if (result) out.push(result);
		}
		return out.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	/**
	 * The server's segment after an action outside the outbox (a revision restore): later edits
	 * are based on its version.
	 */
	adopt(segment: ServerSegment) {
		if (!this.#queues.has(segment.id)) this.#known.set(segment.id, segment.version);
	}

	/** Conflict: re-applies the local changes on top of the server's current segment. */
	keepMine(key: string): Promise<void> {
		const entry = this.#conflictEntry(key);
		const server = entry.server ?? null;
		if (entry.op === 'delete') {
			if (!server) return this.#finish(entry, null, { adopt: false });
			return this.#requeue(entry, { op: 'delete', base: snapshotSegment(server), target: null, baseVersion: server.version });
		}
		const target = entry.target as SegmentData;
		if (!server) {
			// Deleted on the server: bring the segment back with the same id.
			return this.#requeue(entry, { op: 'create', base: null, target: { ...target }, baseVersion: null, recreate: true });
		}
		let desired = snapshotSegment(server);
		for (const f of diffFields(entry.base, target)) desired = withField(desired, f, getField(target, f));
		return this.#resolveTo(entry, server, desired);
	}

	/** Conflict: drops the local change and shows the server's segment. */
	takeTheirs(key: string): Promise<void> {
		const entry = this.#conflictEntry(key);
		return this.#finish(entry, entry.server ?? null, { adopt: true });
	}

	/**
	 * Conflict on an edit: per field, keep mine or take theirs. Fields left out keep mine where
	 * only the local side changed them and take theirs otherwise (see `defaultChoices`).
	 */
	merge(key: string, choices: MergeChoices): Promise<void> {
		const entry = this.#conflictEntry(key);
		const server = entry.server;
		if (entry.op === 'delete' || !server || !entry.target) {
			throw new Error('merge applies to conflicting edits of a segment that still exists');
		}
		const conflict = this.#toConflict(entry);
		const all = { ...defaultChoices(conflict), ...choices };
		let desired = snapshotSegment(server);
		for (const f of allFields(entry.target, server)) {
			if (all[f] === 'mine') desired = withField(desired, f, getField(entry.target, f));
		}
		return this.#resolveTo(entry, server, desired);
	}

	/** A rejected change: drops it. The editor should reload that segment from the server. */
	discard(key: string): Promise<void> {
		const entry = this.#findEntry(key);
		if (!entry || entry.state !== 'rejected') throw new Error(`No rejected change ${key}`);
		return this.#finish(entry, undefined, { adopt: false });
	}

	/** A rejected change: sends it again as it is (e.g. after an admin restored a text layer). */
	retry(key: string): Promise<void> {
		const entry = this.#findEntry(key);
		if (!entry || entry.state !== 'rejected') throw new Error(`No rejected change ${key}`);
		return this.#requeue(entry, {});
	}

	// ---- enqueueing -------------------------------------------------------------------------

	#apply(change: SegmentChange, recordingId?: string) {
		const now = this.#o.now();
		const target = change.type === 'delete' ? null : snapshotSegment(change.segment, recordingId);
		const prevRaw =
			change.type === 'create' ? null : change.type === 'delete' ? (change.previous ?? change.segment) : change.previous;
		const previous = prevRaw ? snapshotSegment(prevRaw, recordingId ?? target?.recordingId) : null;
		const ref = target ?? previous;
		if (!ref) throw new TypeError('A segment change needs the segment');
		if (!ref.recordingId) throw new TypeError(`Segment ${ref.id} has no recordingId: pass it to record()`);
		const queue = this.#queues.get(ref.id) ?? [];
		const tail = queue.at(-1);

		if (tail && !this.#sending.has(tail.key) && !tail.uncertain) {
			this.#coalesce(queue, tail, change.type, target, now);
			return;
		}
		const entry: OutboxEntry = {
			key: '',
			seq: this.#nextSeq(now),
			userId: this.#o.userId,
			ownerId: this.ownerId,
			recordingId: ref.recordingId,
			segmentId: ref.id,
			op: change.type,
			base: change.type === 'create' ? null : previous,
			target,
			baseVersion:
				change.type === 'create' || queue.length > 0
					? null
					: Math.max(previous?.version ?? 0, target?.version ?? 0, this.#known.get(ref.id) ?? 0),
			firstAt: now,
			lastAt: now,
			attempts: 0,
			uncertain: false,
			state: 'queued'
		};
		entry.key = `${this.ownerId}-${entry.seq}`;
		queue.push(entry);
		this.#queues.set(ref.id, queue);
		this.#persist(entry);
	}

	#coalesce(queue: OutboxEntry[], tail: OutboxEntry, type: SegmentChange['type'], target: SegmentData | null, now: number) {
		tail.lastAt = now;
		if (tail.state === 'rejected') {
			// The user changed the segment again: maybe that fixes what the server refused.
			tail.state = 'queued';
			delete tail.error;
		}
		if (type === 'delete') {
			if (tail.op === 'create') return this.#drop(queue, tail);
			tail.op = 'delete';
			tail.target = null;
		} else {
			// An undo of a delete comes back as a create: for the server it is an edit.
			if (tail.op === 'delete') tail.op = 'update';
			tail.target = target;
		}
		if (tail.op === 'update' && tail.state === 'queued' && tail.base && diffFields(tail.base, tail.target).length === 0) {
			return this.#drop(queue, tail);
		}
		this.#persist(tail);
	}

	#drop(queue: OutboxEntry[], entry: OutboxEntry) {
		queue.splice(queue.indexOf(entry), 1);
		if (queue.length === 0) {
			this.#queues.delete(entry.segmentId);
			this.#forced.delete(entry.segmentId);
		}
		this.#remove(entry.key);
	}

	#nextSeq(now: number) {
		this.#seq = Math.max(this.#seq + 1, now * 1000);
		return this.#seq;
	}

	// ---- persistence ------------------------------------------------------------------------

	/** Storage writes run one after another, in the order they were asked for. */
	#write(op: () => Promise<void>) {
		this.#writes = this.#writes.then(op).then(
			() => {
				if (this.#storageError) {
					this.#storageError = null;
					this.#emit();
				}
			},
			(err: unknown) => {
				this.#storageError = err instanceof Error ? err.message : String(err);
				this.#emit();
			}
		);
	}

	#persist(entry: OutboxEntry) {
		const copy = structuredClone(entry);
		this.#write(() => this.#o.storage.put(copy));
	}

	#remove(key: string) {
		this.#write(() => this.#o.storage.delete(key));
	}

	async #claimOrphans() {
		if (this.#stopped) return;
		const { storage, userId } = this.#o;
		let claimed: OutboxEntry[];
		try {
			const others = (await storage.owners(userId)).filter((o) => o !== this.ownerId);
			const alive = await this.#liveness.alive(others);
			claimed = await storage.claim(
				userId,
				this.ownerId,
				others.filter((o) => !alive.has(o))
			);
		} catch (err) {
			this.#storageError = err instanceof Error ? err.message : String(err);
			return;
		}
		const known = new Set([...this.#queues.values()].flat().map((e) => e.key));
		for (const entry of claimed) {
			if (known.has(entry.key)) continue;
			this.#seq = Math.max(this.#seq, entry.seq);
			const queue = this.#queues.get(entry.segmentId) ?? [];
			let at = queue.findIndex((e) => e.seq > entry.seq && !this.#sending.has(e.key));
			if (at < 0) at = queue.length;
			queue.splice(at, 0, entry);
			this.#queues.set(entry.segmentId, queue);
		}
		if (claimed.length) this.#emit();
	}

	// ---- sending ----------------------------------------------------------------------------

	#schedule() {
		this.#pump();
	}

	#pump() {
		if (!this.#loaded || this.#stopped) return;
		if (!this.#canSend()) return;
		const now = this.#o.now();
		let wake = Infinity;
		const due: OutboxEntry[] = [];
		for (const [segmentId, queue] of this.#queues) {
			const head = queue[0];
			if (this.#sending.has(head.key) || head.state !== 'queued') continue;
			const forced = this.#forced.has(segmentId);
			const readyAt = Math.max(
				forced || head.uncertain ? 0 : Math.min(head.lastAt + this.#o.debounceMs, head.firstAt + this.#o.maxWaitMs),
				head.notBefore ?? 0
			);
			if (readyAt <= now) due.push(head);
			else wake = Math.min(wake, readyAt);
		}
		due.sort((a, b) => a.seq - b.seq);
		for (const entry of due) {
			if (this.#sending.size >= this.#o.concurrency) break;
			void this.#send(entry);
		}
		this.#setWake(wake, now);
	}

	/** While a retry timer runs (offline, unreachable, signed out) nothing is sent; it probes. */
	#canSend() {
		return this.#retryTimer === null;
	}

	#setWake(at: number, now: number) {
		if (at === this.#wakeAt && this.#wakeTimer) return;
		this.#clearTimer('wake');
		if (at === Infinity || this.#stopped) return;
		this.#wakeAt = at;
		this.#wakeTimer = setTimeout(() => {
			this.#wakeTimer = null;
			this.#wakeAt = Infinity;
			this.#pump();
		}, Math.max(0, at - now));
	}

	#clearTimer(which: 'wake' | 'retry') {
		if (which === 'wake') {
			if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
			this.#wakeTimer = null;
			this.#wakeAt = Infinity;
		} else {
			if (this.#retryTimer) clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}
	}

	async #send(entry: OutboxEntry) {
		this.#sending.add(entry.key);
		this.#emit();
		if (entry.op !== 'create' && entry.baseVersion === null) {
			entry.baseVersion = this.#known.get(entry.segmentId) ?? entry.base?.version ?? 0;
		}
		// From here the server may apply it, so the entry must never change again until we know.
		entry.uncertain = true;
		entry.attempts += 1;
		this.#persist(entry);
		await this.#writes;

		let answer: { status: number; body: Record<string, unknown> } | null;
		try {
			const res = await this.#request(entry);
			answer = { status: res.status, body: await readJson(res) };
			if (entry.op === 'create' && answer.status === 409 && errorOf(409, answer.body).code === 'segment_deleted') {
				answer = await this.#recreate(entry, answer.body);
			}
		} catch {
			// No answer (offline, DNS, reset, timeout, a body cut off): the entry stays uncertain.
			this.#sending.delete(entry.key);
			this.#onUnreachable();
			return;
		}
		this.#sending.delete(entry.key);
		if (answer) this.#handleResponse(entry, answer.status, answer.body);
		this.#emit();
		this.#pump();
	}

	/**
	 * A create for an id the server knows as deleted. If this user deleted it (an undo of their own
	 * delete) or chose "keep mine" over someone's delete, bring it back with the restore endpoint
	 * and turn the entry into an edit of the restored segment. If someone else deleted it, that is
	 * a conflict for the user. Returns the answer to handle, or null when handled here. Throws
	 * when the server cannot be reached.
	 */
	async #recreate(entry: OutboxEntry, postBody: Record<string, unknown>) {
		const base = this.#o.baseUrl;
		const id = encodeURIComponent(entry.segmentId);
		const revRes = await this.#fetch(`${base}/api/segments/${id}/revisions`, { method: 'GET' });
		const revBody = await readJson(revRes);
		if (UNREACHABLE_STATUSES.has(revRes.status)) throw new Error(`HTTP ${revRes.status}`);
		const revisions = (revBody.revisions ?? []) as { id: string; action: string; userId: string | null }[];
		const deletion = revRes.ok ? revisions.find((r) => r.action === 'delete') : undefined;
		if (!deletion) return { status: 409, body: postBody };
		if (!entry.recreate && deletion.userId !== this.#o.userId) {
			entry.uncertain = false;
			this.#toConflictState(entry, null);
			return null;
		}
		entry.recreate = true;
		this.#persist(entry);
		await this.#writes;
		const res = await this.#fetch(`${base}/api/segments/${id}/restore`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ revisionId: deletion.id })
		});
		return { status: res.status, body: await readJson(res) };
	}

	#request(entry: OutboxEntry): Promise<Response> {
		const base = this.#o.baseUrl;
		let url: string;
		let init: RequestInit;
		const json = (method: string, payload: unknown): RequestInit => ({
			method,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(payload)
		});
		if (entry.op === 'create') {
			url = `${base}/api/recordings/${encodeURIComponent(entry.recordingId)}/segments`;
			init = json('POST', createBody(entry.target as SegmentData));
		} else if (entry.op === 'update') {
			url = `${base}/api/segments/${encodeURIComponent(entry.segmentId)}`;
			const fields = diffFields(entry.base, entry.target);
			init = json('PATCH', patchBody(entry.target as SegmentData, fields, entry.baseVersion ?? 0));
		} else {
			url = `${base}/api/segments/${encodeURIComponent(entry.segmentId)}?version=${entry.baseVersion ?? 0}`;
			init = { method: 'DELETE' };
		}
		return this.#fetch(url, init);
	}

	#fetch(url: string, init: RequestInit): Promise<Response> {
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), this.#o.requestTimeoutMs);
		// fetch rejects with a TypeError when offline and with an AbortError on our timeout; the
		// caller treats every rejection as "no answer".
		return this.#o
			.transport(url, { ...init, signal: controller.signal, credentials: 'same-origin' })
			.finally(() => clearTimeout(timer));
	}

	#handleResponse(entry: OutboxEntry, status: number, body: Record<string, unknown>) {
		const now = this.#o.now();
		if (UNREACHABLE_STATUSES.has(status)) return this.#onUnreachable();
		// An answer from the API beats navigator.onLine.
		this.#reachable = true;
		this.#browserOnline = true;
		this.#networkFailures = 0;
		if (status === 401) {
			entry.uncertain = false;
			this.#persist(entry);
			this.#unauthenticated = true;
			this.#retryLater(this.#o.retryMaxMs);
			return;
		}
		this.#unauthenticated = false;
		const segment = (body.segment ?? null) as ServerSegment | null;

		if (status >= 200 && status < 300) {
			delete entry.error;
			if (entry.op === 'delete' || !segment) return this.#complete(entry, null, false);
			if (entry.op === 'create' && entry.recreate) return this.#editRestored(entry, segment);
			// A create can answer 200 with the existing segment (a replay): if it differs from what
			// we sent, someone changed it since.
			const foreign = entry.op === 'create' && !!entry.target && diffFields(segment, entry.target).length > 0;
			return this.#complete(entry, segment, foreign);
		}
		if (status === 429 || status >= 500) {
			// Not applied, or unknown for a 5xx: keep `uncertain` as it is and retry this entry later.
			entry.error = errorOf(status, body);
			entry.notBefore = now + this.#backoff(entry.attempts);
			this.#persist(entry);
			return;
		}
		entry.uncertain = false;
		delete entry.notBefore;
		// A transcription (variant) that is not the caller's to edit now (their task submitted, or another's):
		// a refusal to show, not a conflict with someone's edit nor a deletion.
		if (status === 409 && errorOf(status, body).code === 'variant_not_editable') {
			entry.state = 'rejected';
			entry.error = errorOf(status, body);
			this.#persist(entry);
			return;
		}
		if (status === 404 && entry.op === 'delete') return this.#complete(entry, null, false);
		if ((status === 409 && entry.op !== 'create') || (status === 404 && entry.op === 'update')) {
			const server = status === 404 ? null : segment;
			// Our own earlier request may have been applied with its response lost: not a conflict.
			if (
				entry.op === 'update' &&
				server &&
				entry.target &&
				fieldsMatch(server, entry.target, diffFields(entry.base, entry.target))
			) {
				return this.#complete(entry, server, diffFields(entry.target, server).length > 0);
			}
			if (entry.op === 'delete' && status === 409 && !server) return this.#complete(entry, null, false);
			return this.#toConflictState(entry, server);
		}
		entry.state = 'rejected';
		entry.error = errorOf(status, body);
		this.#persist(entry);
	}

	/** The server restored the segment for a recreate: what is left is an edit of it. */
	#editRestored(entry: OutboxEntry, segment: ServerSegment) {
		this.#known.set(entry.segmentId, segment.version);
		const restored = snapshotSegment(segment);
		if (!entry.target || diffFields(restored, entry.target).length === 0) return this.#complete(entry, segment, false);
		entry.op = 'update';
		entry.base = restored;
		entry.baseVersion = segment.version;
		entry.uncertain = false;
		delete entry.recreate;
		this.#forced.add(entry.segmentId);
		this.#persist(entry);
		this.#o.onSaved?.(entry.segmentId, segment);
	}

	#onUnreachable() {
		this.#reachable = false;
		this.#networkFailures += 1;
		this.#retryLater(this.#backoff(this.#networkFailures));
		this.#emit();
		this.#checkWaiters();
	}

	#retryLater(delay: number) {
		this.#clearTimer('retry');
		if (this.#stopped) return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			this.#unauthenticated = false;
			this.#pump();
		}, delay);
	}

	#backoff(failures: number) {
		const exp = Math.min(this.#o.retryMaxMs, this.#o.retryInitialMs * 2 ** Math.max(0, failures - 1));
		return Math.round(exp * (0.8 + 0.4 * this.#o.random()));
	}

	#onNetwork(online: boolean) {
		this.#browserOnline = online;
		if (online) {
			this.resume();
			return;
		}
		// Pause sending; the browser can be wrong about being offline, so keep probing slowly.
		this.#retryLater(this.#o.retryMaxMs);
		this.#emit();
	}

	/**
	 * Tries again at once rather than waiting out the backoff: on the browser's online event, and
	 * worth calling after the user signs in again.
	 */
	resume() {
		this.#clearTimer('retry');
		this.#networkFailures = 0;
		this.#reachable = true;
		this.#unauthenticated = false;
		this.#emit();
		this.#pump();
	}

	/**
	 * The server confirmed `entry`: drop it and chain the segment's next entry to the new version.
	 * `foreign`: the server's segment also holds changes by someone else.
	 */
	#complete(entry: OutboxEntry, segment: ServerSegment | null, foreign: boolean) {
		const queue = this.#queues.get(entry.segmentId) ?? [];
		const index = queue.indexOf(entry);
		if (index >= 0) queue.splice(index, 1);
		if (segment) this.#known.set(entry.segmentId, segment.version);
		else this.#known.delete(entry.segmentId);
		const next = queue[0];
		if (next && next.baseVersion === null && next.op !== 'create' && segment) {
			next.baseVersion = segment.version;
			this.#persist(next);
		}
		// The next entry is persisted with its version before this one disappears, so a crash in
		// between replays this entry (idempotently) rather than losing the chain.
		this.#remove(entry.key);
		if (queue.length === 0) {
			this.#queues.delete(entry.segmentId);
			this.#forced.delete(entry.segmentId);
		}
		this.#lastSavedAt = this.#o.now();
		this.#o.onSaved?.(entry.segmentId, segment);
		if (!foreign || !segment) return;
		// Someone else changed the segment too. With nothing more queued, the editor shows their
		// changes; with more local edits queued, those were made without seeing them, so the user
		// decides (sending them on top of the new version could overwrite theirs silently).
		if (next) this.#toConflictState(next, segment);
		else this.#o.onAdopt?.(entry.segmentId, snapshotSegment(segment));
	}

	#toConflictState(entry: OutboxEntry, server: ServerSegment | null) {
		const queue = this.#queues.get(entry.segmentId) ?? [entry];
		// Later edits of the segment join the conflict: the user resolves their latest state.
		for (const later of queue.splice(1)) {
			entry.op = later.op === 'delete' ? 'delete' : entry.op === 'delete' ? 'update' : entry.op;
			entry.target = later.target;
			entry.lastAt = later.lastAt;
			this.#remove(later.key);
		}
		entry.state = 'conflict';
		entry.server = server;
		this.#persist(entry);
	}

	// ---- resolution -------------------------------------------------------------------------

	#findEntry(key: string) {
		for (const queue of this.#queues.values()) for (const e of queue) if (e.key === key) return e;
		return undefined;
	}

	#conflictEntry(key: string) {
		const entry = this.#findEntry(key);
		if (!entry || entry.state !== 'conflict') throw new Error(`No conflict ${key}`);
		return entry;
	}

	async #resolveTo(entry: OutboxEntry, server: ServerSegment, desired: SegmentData) {
		const base = snapshotSegment(server);
		this.#o.onAdopt?.(entry.segmentId, { ...desired, version: server.version });
		if (diffFields(base, desired).length === 0) return this.#finish(entry, server, { adopt: false });
		return this.#requeue(entry, { op: 'update', base, target: { ...desired, version: server.version }, baseVersion: server.version });
	}

	#requeue(entry: OutboxEntry, changes: Partial<OutboxEntry>): Promise<void> {
		Object.assign(entry, changes);
		entry.state = 'queued';
		entry.uncertain = false;
		delete entry.server;
		delete entry.error;
		delete entry.notBefore;
		this.#forced.add(entry.segmentId);
		this.#persist(entry);
		this.#emit();
		this.#pump();
		return this.#writes;
	}

	/** Removes a conflicted or rejected entry; with `adopt`, the editor shows `server`. */
	#finish(entry: OutboxEntry, server: ServerSegment | null | undefined, { adopt }: { adopt: boolean }) {
		const queue = this.#queues.get(entry.segmentId) ?? [];
		if (server) this.#known.set(entry.segmentId, server.version);
		else if (server === null) this.#known.delete(entry.segmentId);
		this.#drop(queue, entry);
		if (adopt && server !== undefined) this.#o.onAdopt?.(entry.segmentId, server ? snapshotSegment(server) : null);
		this.#emit();
		this.#pump();
		return this.#writes;
	}

	// ---- views ------------------------------------------------------------------------------

	#overlayOne<T extends SegmentData>(loaded: T | null, queue = loaded ? this.#queues.get(loaded.id) : undefined): T | SegmentData | null {
		if (!queue?.length) return loaded;
		let result: T | SegmentData | null = loaded;
		for (const entry of queue) {
			if (entry.op === 'delete') {
				result = null;
			} else if (entry.op === 'create' || !result) {
				result = result ? { ...result, ...entry.target } : entry.target;
			} else if (entry.target) {
				let next = { ...result } as T | SegmentData;
				for (const f of diffFields(entry.base, entry.target)) next = withField(next, f, getField(entry.target, f)) as T;
				result = next;
			}
		}
		return result;
	}

	#toConflict(entry: OutboxEntry): Conflict {
		const server = entry.server ?? null;
		return {
			key: entry.key,
			segmentId: entry.segmentId,
			recordingId: entry.recordingId,
			op: entry.op,
			base: entry.base,
			local: entry.target,
			server,
			localFields: entry.op === 'delete' ? [] : diffFields(entry.base, entry.target),
			serverFields: entry.base && server ? diffFields(entry.base, server) : [],
			differing: entry.target && server ? diffFields(entry.target, server) : allFields(entry.target, server)
		};
	}

	#computeSnapshot(): OutboxSnapshot {
		const entries = [...this.#queues.values()].flat();
		const conflicts = entries.filter((e) => e.state === 'conflict').map((e) => this.#toConflict(e));
		const failures: Failure[] = entries
			.filter((e) => e.state === 'rejected')
			.map((e) => ({
				key: e.key,
				segmentId: e.segmentId,
				recordingId: e.recordingId,
				op: e.op,
				status: e.error?.status ?? 0,
				code: e.error?.code ?? 'error',
				message: e.error?.message ?? ''
			}));
		const pendingCount = entries.length + this.#buffer.length;
		const online = this.#browserOnline && this.#reachable;
		const retrying = entries.some((e) => e.state === 'queued' && e.error);
		let status: SaveState;
		// Offline comes before a retry's error: a save that failed because the network went away
		// (its request was in flight, or sent before the browser noticed) is queued, not wrong.
		if (conflicts.length) status = 'conflict';
		else if (failures.length || this.#unauthenticated) status = 'error';
		else if (!online) status = 'offline';
		else if (retrying) status = 'error';
		else if (pendingCount > 0) status = 'saving';
		else status = 'saved';
		return {
			status,
			pendingCount,
			lastSavedAt: this.#lastSavedAt,
			online,
			unauthenticated: this.#unauthenticated,
			conflicts,
			failures,
			storageError: this.#storageError
		};
	}

	#emit() {
		this.#snapshot = null;
		if (this.#listeners.size) {
			const snapshot = this.snapshot();
			for (const l of this.#listeners) l(snapshot);
		}
		this.#checkWaiters();
	}

	#checkWaiters() {
		if (!this.#waiters.length) return;
		this.#waiters = this.#waiters.filter((w) => {
			const queues = w.segmentId === null ? [...this.#queues.values()] : [this.#queues.get(w.segmentId) ?? []];
			const entries = queues.flat();
			if (entries.length === 0 && !this.#buffer.length) {
				w.resolve(true);
				return false;
			}
			const inFlight = entries.some((e) => this.#sending.has(e.key));
			const blocked =
				this.#stopped ||
				this.#retryTimer !== null ||
				entries.every((e) => e.state !== 'queued' || e.error);
			if (!inFlight && blocked) {
				w.resolve(false);
				return false;
			}
			return true;
		});
	}
}

/**
 * Per-field defaults for a merge: keep mine where only I changed the field, take theirs where
 * only they did; where both did, keep mine (the user sees and can flip every such field).
 */
export function defaultChoices(conflict: Conflict): MergeChoices {
	const choices: MergeChoices = {};
	for (const f of allFields(conflict.local, conflict.server)) {
		const mine = conflict.localFields.includes(f);
		choices[f] = mine ? 'mine' : 'theirs';
	}
	return choices;
}

async function readJson(res: Response): Promise<Record<string, unknown>> {
	const text = await res.text();
	if (!text) return {};
	try {
		const value = JSON.parse(text);
		return value && typeof value === 'object' ? value : {};
	} catch {
		return {};
	}
}

function errorOf(status: number, body: Record<string, unknown>) {
	const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
	return {
		status,
		code: typeof error.code === 'string' ? error.code : `http_${status}`,
		message: typeof error.message === 'string' ? error.message : `HTTP ${status}`
	};
}

function randomId() {
	const bytes = new Uint8Array(10);
	globalThis.crypto.getRandomValues(bytes);
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type { FieldKey };
