import { error } from '@sveltejs/kit';
import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import type { PageLoad } from './$types';

const KEYS = ['from', 'to', 'user'] as const;

// Reads url.searchParams: a new date range or transcriber loads the figures again.
export const load: PageLoad = async ({ fetch, params, parent, url }) => {
	await parent();
	const rest = createRest(fetch);
	const { project, capabilities } = await orError(rest.getProject(params.slug));
	if (!capabilities.manage) error(403, { message: 'Only the project’s managers may see its dashboard', code: 'forbidden' });
	const filters: Partial<Record<(typeof KEYS)[number], string>> = {};
	for (const key of KEYS) {
		const value = url.searchParams.get(key);
		if (value) filters[key] = value;
	}
	const dashboard = await orError(rest.getDashboard(project.id, filters));
	return { project, capabilities, filters, dashboard };
};
