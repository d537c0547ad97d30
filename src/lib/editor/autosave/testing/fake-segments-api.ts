import type { ServerSegment } from '../types.ts';

type Json = Record<string, unknown>;
export interface LoggedRequest {
	method: string;
	path: string;
	body: Json | null;
}

/**
 * An in-memory stand-in for the segments API contract (versions, 409 with the current segment,
 * idempotent POST with a client id), with switches for the failures autosave must survive.
 * For unit tests of the outbox; the integration test runs against the real app.
 */
export class FakeSegmentsApi {
	readonly segments = new Map<string, ServerSegment>();
	/** Deleted segments by id, with who deleted them (the engine under test is 'user-1'). */
	readonly deleted = new Map<string, { segment: ServerSegment; userId: string }>();
	readonly log: LoggedRequest[] = [];
	/** Every request fails like fetch does without a network. */
	offline = false;
	/** The next requests are applied, but their responses are lost (a TypeError instead). */
	dropResponses = 0;
	/** Statuses the next requests answer with, without applying them. */
	readonly failWith: (number | { status: number; code: string; message?: string })[] = [];
	/** When set, responses wait until `release()`. */
	#held: (() => void)[] | null = null;
	recordingDurationMs = 3_600_000;
	#clock = 0;

	readonly fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
		const method = (init.method ?? 'GET').toUpperCase();
		const parsed = new URL(url, 'http://test');
		const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Json) : null;
		if (this.offline) throw new TypeError('fetch failed');
		this.log.push({ method, path: parsed.pathname + parsed.search, body });
		const failure = this.failWith.shift();
		const status = typeof failure === 'number' ? failure : failure?.status;
		let response: Response;
		if (failure && typeof failure === 'object') response = json({ error: { code: failure.code, message: failure.message ?? 'failed' } }, failure.status);
		else if (status) response = json({ error: { code: `http_${status}`, message: 'failed' } }, status);
		else response = this.#handle(method, parsed, body);
		if (this.#held) await new Promise<void>((resolve) => this.#held?.push(resolve));
		if (this.dropResponses > 0) {
			this.dropResponses -= 1;
			throw new TypeError('network connection lost');
		}
		return response;
	};

	/** Holds every response until `release` (to observe ordering while a request is out). */
	hold() {
		this.#held = [];
	}

	release() {
		const held = this.#held ?? [];
		this.#held = null;
		for (const resolve of held) resolve();
	}

	/** Another user's edit, straight into the store. */
	editAsOther(id: string, changes: Partial<ServerSegment>) {
		const current = this.segments.get(id);
		if (!current) throw new Error(`no segment ${id}`);
		const next = { ...current, ...changes, texts: { ...current.texts, ...(changes.texts ?? {}) } };
		next.version = current.version + 1;
		next.updatedBy = 'other';
		this.segments.set(id, next);
		return next;
	}

	/** Another user's delete, straight into the store. */
	deleteAsOther(id: string) {
		const current = this.segments.get(id);
		if (!current) throw new Error(`no segment ${id}`);
		this.segments.delete(id);
		this.deleted.set(id, { segment: current, userId: 'other' });
	}

	requests(method?: string) {
		return method ? this.log.filter((r) => r.method === method) : this.log;
	}

	#handle(method: string, url: URL, body: Json | null): Response {
		const recordingMatch = /^\/api\/recordings\/([^/]+)\/segments$/.exec(url.pathname);
		if (recordingMatch && method === 'POST' && body) {
			const id = String(body.id);
			const existing = this.segments.get(id);
			if (existing) return json({ segment: existing }, 200);
			if (this.deleted.has(id)) {
				return json({ error: { code: 'segment_deleted', message: 'Deleted; restore it instead' } }, 409);
			}
			const invalid = this.#invalidTimes(Number(body.startMs), Number(body.endMs));
			if (invalid) return invalid;
			const segment: ServerSegment = {
				id,
				recordingId: recordingMatch[1],
				startMs: Number(body.startMs),
				endMs: Number(body.endMs),
				speakerId: (body.speakerId as string | undefined) ?? null,
				dialectTagId: (body.dialectTagId as string | undefined) ?? null,
				texts: { ...((body.texts as Record<string, string>) ?? {}) },
				status: (body.status as string | undefined) ?? 'new',
				version: 1,
				createdAt: this.#now(),
				updatedAt: this.#now()
			};
			this.segments.set(id, segment);
			return json({ segment }, 201);
		}
		const revisionsMatch = /^\/api\/segments\/([^/]+)\/revisions$/.exec(url.pathname);
		if (revisionsMatch && method === 'GET') {
			const gone = this.deleted.get(revisionsMatch[1]);
			const revisions = gone ? [{ id: `del-${revisionsMatch[1]}`, action: 'delete', version: gone.segment.version, userId: gone.userId }] : [];
			return json({ revisions }, 200);
		}
		const restoreMatch = /^\/api\/segments\/([^/]+)\/restore$/.exec(url.pathname);
		if (restoreMatch && method === 'POST') {
			const gone = this.deleted.get(restoreMatch[1]);
			if (!gone || body?.revisionId !== `del-${restoreMatch[1]}`) return json({ error: { code: 'not_found', message: 'No revision' } }, 404);
			const segment = { ...gone.segment, version: gone.segment.version + 1 };
			this.deleted.delete(segment.id);
			this.segments.set(segment.id, segment);
			return json({ segment }, 200);
		}
		const segmentMatch = /^\/api\/segments\/([^/]+)$/.exec(url.pathname);
		if (segmentMatch) {
			const current = this.segments.get(segmentMatch[1]);
			if (!current) return json({ error: { code: 'not_found', message: 'Segment not found' } }, 404);
			const version = method === 'DELETE' ? Number(url.searchParams.get('version')) : Number(body?.version);
			if (version !== current.version) {
				return json({ error: { code: 'version_conflict', message: 'Changed by someone else' }, segment: current }, 409);
			}
			if (method === 'DELETE') {
				this.segments.delete(current.id);
				this.deleted.set(current.id, { segment: current, userId: 'user-1' });
				return json({ ok: true }, 200);
			}
			if (method === 'PATCH' && body) {
				const next: ServerSegment = { ...current, texts: { ...current.texts }, version: current.version + 1 };
				for (const key of ['startMs', 'endMs', 'speakerId', 'dialectTagId', 'status'] as const) {
					if (key in body) (next as unknown as Record<string, unknown>)[key] = body[key];
				}
				Object.assign(next.texts, (body.texts as Record<string, string>) ?? {});
				const invalid = this.#invalidTimes(next.startMs, next.endMs);
				if (invalid) return invalid;
				next.updatedAt = this.#now();
				this.segments.set(next.id, next);
				return json({ segment: next }, 200);
			}
		}
		return json({ error: { code: 'not_found', message: 'No route' } }, 404);
	}

	#invalidTimes(start: number, end: number) {
		if (start < 0 || end <= start || end > this.recordingDurationMs) {
			return json({ error: { code: 'invalid_times', message: 'Invalid times' } }, 422);
		}
		return null;
	}

	#now() {
		return new Date(Date.UTC(2026, 0, 1) + ++this.#clock * 1000).toISOString();
	}
}

function json(body: unknown, status: number) {
	return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
