import { ApiError, createApi, createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { createTaskRest, type TaskDto } from '$lib/tasks/task-rest';
import { readPeaksProgressively, type Peaks } from '$lib/utils/peaks';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends, url }) => {
	// The page polls with invalidate('app:recording') until processing is over.
	depends('app:recording');
	const rest = createRest(fetch);
	// The peaks are asked for alongside the recording (a 409 just means "still processing"), so the
	// waveform is one round trip closer; the project is only needed for the breadcrumb and names.
	const [, { recording }, peaks, task] = await Promise.all([
		parent(),
		orError(rest.getRecording(params.id)),
		loadPeaks(rest.getPeaksResponse(params.id)),
		loadTask(fetch, url.searchParams.get('task'), params.id)
	]);
	const ready = recording.state === 'ready';
	const [{ project, capabilities }, segments] = await Promise.all([
		orError(rest.getProject(recording.projectId)),
		ready ? loadSegments(fetch, recording.id, task?.variant ?? 0) : Promise.resolve([])
	]);
	return { recording, project, capabilities, segments, peaks: ready ? peaks : null, task };
};

/**
 * The task named by `?task=` when it is on this recording and visible to this user (the editor then
 * works in its window and variant); a stale or foreign task id just opens the recording.
 */
async function loadTask(fetch: typeof globalThis.fetch, taskId: string | null, recordingId: string): Promise<TaskDto | null> {
	if (!taskId) return null;
	try {
		const { task } = await createTaskRest(fetch).get(taskId);
		return task.recordingId === recordingId ? task : null;
	} catch {
		return null;
	}
}

/** The recording's segments of one variant (the editor overlays this user's unsent edits on them). */
async function loadSegments(fetch: typeof globalThis.fetch, recordingId: string, variant: number) {
	const query = variant ? { variant: String(variant) } : {};
	const call = createApi(fetch).api.recordings[':recordingId'].segments.$get({ param: { recordingId }, query });
	const res = await call;
	if (res.status !== 200) return orError<never>(Promise.reject(await ApiError.from(res)));
	return (await res.json()).segments;
}

/**
 * Peaks as soon as their coarse levels have arrived (a few kilobytes, whatever the length: the file
 * stores them first), with `complete` for the whole file; `pending` while the server still writes
 * them, `failed` with a reason otherwise.
 */
async function loadPeaks(
	call: Promise<Response>
): Promise<
	{ state: 'ok'; peaks: Peaks; complete: Promise<Peaks> } | { state: 'pending' } | { state: 'failed'; message: string }
> {
	try {
		const res = await call;
		const sizeHint = Number(res.headers.get('content-length')) || undefined;
		const { first, complete } = await readPeaksProgressively(res.body!, { sizeHint });
		// A broken stream after the first levels leaves the coarse drawing in place.
		return { state: 'ok', peaks: first, complete: complete.catch(() => first) };
	} catch (err) {
		if (err instanceof ApiError && err.code === 'not_ready') return { state: 'pending' };
		return { state: 'failed', message: err instanceof Error ? err.message : String(err) };
	}
}
