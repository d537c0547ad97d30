import { existsSync } from 'node:fs';
import type { Segment } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { apiError, AppError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { FfmpegError } from '../media/ffmpeg.ts';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertNewSegment } from '../segments/segments.service.ts';
import { PRIMARY_VARIANT } from '../segments/segments.repository.ts';
import type { Interval } from './intervals.ts';
import { findRecordingAudio, listSegmentSpans, lockRecording } from './presegment.repository.ts';
import type { PresegmentOptions } from './presegment.schemas.ts';
import { SPEECH_BAND } from './silence-args.ts';
import { proposeFromAudio } from './vad.ts';

/** An expected failure, returned so the route answers it with its status (the CLI with an exit code). */
export type PresegmentFailure = { ok: false; status: 404 | 409 | 422; body: ApiErrorBody };

const fail = (
	status: PresegmentFailure['status'],
	code: string,
	message: string,
	details: Record<string, unknown> = {}
): PresegmentFailure => ({ ok: false, status, body: apiError(code, message, details) });

/**
 * The file to analyse: the playback rendition when ingest has made it (smaller to decode than
 * most originals), else the original. 404 for an unknown recording; 409 while it is not ready.
 */
export async function locateAudio(deps: Pick<Deps, 'db' | 'storage'>, recordingId: string) {
	const recording = await findRecordingAudio(deps.db, recordingId);
	if (!recording) return fail(404, 'not_found', 'Recording not found');
	if (recording.state !== 'ready' || !(Number(recording.duration_ms) > 0)) {
		return fail(409, 'not_ready', `The recording's audio is not ready (state: ${recording.state})`, { state: recording.state });
	}
	const playback = deps.storage.playbackPath(recording.id);
	const original = deps.storage.originalPath(recording.sha256, recording.original_ext);
	const input = existsSync(playback) ? playback : existsSync(original) ? original : undefined;
	if (!input) return fail(409, 'no_audio', "The recording's audio file is missing");
	return { ok: true as const, recordingId: recording.id, durationMs: Number(recording.duration_ms), input };
}

/** Proposed segments for a recording (nothing is written). */
export async function proposeForRecording(
	deps: Pick<Deps, 'db' | 'storage' | 'media'>,
	args: { recordingId: string; options: PresegmentOptions; signal?: AbortSignal }
): Promise<{ ok: true; proposals: Interval[] } | PresegmentFailure> {
	const audio = await locateAudio(deps, args.recordingId);
	if (!audio.ok) return audio;
	const { bandPass, ...rest } = args.options;
	try {
		const proposals = await proposeFromAudio(deps.media, {
			input: audio.input,
			durationMs: audio.durationMs,
			params: { ...rest, bandPass: bandPass ? SPEECH_BAND : null },
			signal: args.signal
		});
		return { ok: true, proposals };
	} catch (err) {
		if (args.signal?.aborted) throw new AppError(400, 'aborted', 'The request was cancelled');
		if (err instanceof FfmpegError) return fail(422, 'undecodable', `ffmpeg could not analyse the audio: ${err.message}`);
		throw err;
	}
}

/**
 * Inserts the proposals that overlap none of the recording's segments of `variant` (the primary
 * unless told) into that variant, each with its 'create' revision, in one transaction that holds
 * the recording's write lock while it reads and inserts (one step for the editor's undo, too).
 */
export async function applyProposals(
	deps: Pick<Deps, 'db'>,
	args: { recordingId: string; proposals: Interval[]; userId: string | null; variant?: number }
): Promise<{ ok: true; segments: SegmentDto[]; skipped: number } | PresegmentFailure> {
	const { recordingId, userId } = args;
	const variant = args.variant ?? PRIMARY_VARIANT;
	return deps.db.transaction().execute(async (trx) => {
		if (!(await lockRecording(trx, recordingId))) return fail(404, 'not_found', 'Recording not found');
		const free = withoutOverlaps(args.proposals, await listSegmentSpans(trx, recordingId, variant));
		const segments: SegmentDto[] = [];
		const now = nowIso();
		for (const proposal of free) {
			const row: Segment = {
				id: newId(),
				recording_id: recordingId,
				start_ms: proposal.startMs,
				end_ms: proposal.endMs,
				speaker_id: null,
				dialect_tag_id: null,
				texts: '{}',
				status: 'new',
				version: 1,
				origin: 'presegment',
				variant,
				created_by: userId,
				created_at: now,
				updated_by: userId,
				updated_at: now
			};
			// Fresh ids never collide, so the "already exists" answer (null) cannot happen here.
			const segment = await insertNewSegment(trx, row, userId);
			if (segment) segments.push(segment);
		}
		return { ok: true as const, segments, skipped: args.proposals.length - free.length };
	});
}

/**
 * The proposals (sorted, disjoint) that share no time with any existing span (sorted by start,
 * possibly overlapping each other: different speakers). One sweep: a proposal overlaps when the
 * latest end among spans starting before its end lies after its start.
 */
export function withoutOverlaps(proposals: Interval[], existing: Interval[]): Interval[] {
	const spans = [...existing].sort((a, b) => a.startMs - b.startMs);
	const sorted = [...proposals].sort((a, b) => a.startMs - b.startMs);
	const free: Interval[] = [];
	let next = 0;
	let latestEnd = -Infinity;
	for (const proposal of sorted) {
		while (next < spans.length && spans[next].startMs < proposal.endMs) {
			latestEnd = Math.max(latestEnd, spans[next].endMs);
			next++;
		}
		if (!(latestEnd > proposal.startMs)) free.push(proposal);
	}
	return free;
}
