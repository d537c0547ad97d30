import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { reviewApi } from '$lib/review/review-api';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends }) => {
	depends('app:qa');
	await parent();
	const rest = createRest(fetch);
	const { project, capabilities } = await orError(rest.getProject(params.slug));
	const [{ recordings }, { batches }] = await Promise.all([
		orError(rest.listRecordings(project.id)),
		orError(reviewApi(fetch).qaBatches(project.id))
	]);
	return { project, capabilities, recordings, batches };
};
