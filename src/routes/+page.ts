import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
	await parent();
	const { projects } = await orError(createRest(fetch).listProjects());
	return { projects };
};
