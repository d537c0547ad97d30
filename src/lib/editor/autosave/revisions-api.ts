import type { RevisionDto } from '$server/segments/segments.mapper';
import type { ServerSegment } from './types.ts';

/** One row of GET /api/segments/:id/revisions (newest first). */
export type Revision = RevisionDto;

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export type ApiResult<T> =
	| { ok: true; value: T }
	| { ok: false; status: number; code: string; message: string; segment?: ServerSegment };

async function result<T>(res: Response, pick: (body: Record<string, unknown>) => T): Promise<ApiResult<T>> {
	let body: Record<string, unknown> = {};
	try {
		body = (await res.json()) as Record<string, unknown>;
	} catch {
		// non-JSON error page: keep the status
	}
	if (res.ok) return { ok: true, value: pick(body) };
	const error = (body.error ?? {}) as { code?: string; message?: string };
	return {
		ok: false,
		status: res.status,
		code: error.code ?? `http_${res.status}`,
		message: error.message ?? res.statusText ?? `HTTP ${res.status}`,
		segment: body.segment as ServerSegment | undefined
	};
}

export async function listRevisions(fetch: Fetch, segmentId: string, baseUrl = ''): Promise<ApiResult<Revision[]>> {
	const res = await fetch(`${baseUrl}/api/segments/${encodeURIComponent(segmentId)}/revisions`);
	return result(res, (b) => (b.revisions ?? []) as Revision[]);
}

/** Restores a revision; pass `version` (the segment's current one) to refuse if it changed meanwhile. */
export async function restoreRevision(
	fetch: Fetch,
	options: { segmentId: string; revisionId: string; version?: number; baseUrl?: string }
): Promise<ApiResult<ServerSegment>> {
	const body: Record<string, unknown> = { revisionId: options.revisionId };
	if (options.version !== undefined) body.version = options.version;
	const res = await fetch(`${options.baseUrl ?? ''}/api/segments/${encodeURIComponent(options.segmentId)}/restore`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	return result(res, (b) => b.segment as ServerSegment);
}
