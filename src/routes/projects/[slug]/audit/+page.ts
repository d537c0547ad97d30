import { error } from '@sveltejs/kit';
import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { filtersFrom } from '$lib/audit/audit-view';
import type { PageLoad } from './$types';

// Reads url.searchParams, so a change of filters loads the first page again.
export const load: PageLoad = async ({ fetch, params, parent, url }) => {
	await parent();
	const rest = createRest(fetch);
	const { project, capabilities } = await orError(rest.getProject(params.slug));
	if (!capabilities.manage) error(403, { message: 'Only the project’s managers may see its audit trail', code: 'forbidden' });
	const filters = filtersFrom(url.searchParams);
	const [choices, first] = await Promise.all([orError(rest.getAuditFilters(project.id)), orError(rest.getAudit(project.id, filters))]);
	return { project, capabilities, filters, choices, first };
};
