import { ApiError, createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { parsePeaks, type Peaks } from '$lib/utils/peaks';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends }) => {
	// The page polls with invalidate('app:recording') until processing is over.
	depends('app:recording');
	await parent();
	const rest = createRest(fetch);
	const { recording } = await orError(rest.getRecording(params.id));
	const [{ project }, peaks] = await Promise.all([
		orError(rest.getProject(recording.projectId)),
		recording.state === 'ready' ? loadPeaks(rest.getPeaks(recording.id)) : null
	]);
	return { recording, project, peaks };
};

/** Parsed peaks; `pending` while the server still writes them, `failed` with a reason otherwise. */
async function loadPeaks(
	call: Promise<ArrayBuffer>
): Promise<{ state: 'ok'; peaks: Peaks } | { state: 'pending' } | { state: 'failed'; message: string }> {
	try {
		return { state: 'ok', peaks: parsePeaks(await call) };
	} catch (err) {
		if (err instanceof ApiError && err.code === 'not_ready') return { state: 'pending' };
		return { state: 'failed', message: err instanceof Error ? err.message : String(err) };
	}
}
