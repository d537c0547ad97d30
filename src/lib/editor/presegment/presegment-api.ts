import type { InferResponseType } from 'hono/client';
import { ApiError, createApi } from '$lib/api/client';
import { presegmentBody, type PresegmentOptions } from './presegment-options.ts';

type PresegmentPost = ReturnType<typeof createApi>['api']['recordings'][':recordingId']['presegment']['$post'];

/** One proposed segment of a preview, [startMs, endMs). */
export type PresegmentProposal = InferResponseType<PresegmentPost, 200>['proposals'][number];
/** A segment that applying inserted (a SegmentDto, version 1). */
export type AppliedSegment = InferResponseType<PresegmentPost, 201>['segments'][number];

export type PresegmentResult =
	| { kind: 'preview'; proposals: PresegmentProposal[] }
	| { kind: 'applied'; segments: AppliedSegment[]; skipped: number };

/**
 * POST /api/recordings/:recordingId/presegment: a preview (`apply` false) or an insert. Throws
 * ApiError for any error answer, and the fetch's AbortError when `signal` fires.
 */
export async function runPresegment(
	recordingId: string,
	options: PresegmentOptions,
	apply: boolean,
	init: { signal?: AbortSignal; fetch?: typeof globalThis.fetch; variant?: number } = {}
): Promise<PresegmentResult> {
	const api = createApi(init.fetch);
	const res = await api.api.recordings[':recordingId'].presegment.$post(
		{ param: { recordingId }, json: presegmentBody(options, apply, init.variant ?? 0) },
		{ init: { signal: init.signal } }
	);
	if (res.status === 200) return { kind: 'preview', proposals: (await res.json()).proposals };
	if (res.status === 201) {
		const body = await res.json();
		return { kind: 'applied', segments: body.segments, skipped: body.skipped };
	}
	throw await ApiError.from(res);
}
