import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends }) => {
	// The page polls while recordings are processing with invalidate('app:recordings').
	depends('app:recordings');
	await parent();
	const rest = createRest(fetch);
	const { project, capabilities } = await orError(rest.getProject(params.slug));
	const { recordings } = await orError(rest.listRecordings(project.id));
	return { project, capabilities, recordings };
};
