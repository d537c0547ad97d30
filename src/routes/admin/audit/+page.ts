import { error } from '@sveltejs/kit';
import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { filtersFrom } from '$lib/audit/audit-view';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, url }) => {
	const { user } = await parent();
	if (user?.role !== 'admin') error(403, { message: 'Only admins may see the instance’s audit trail', code: 'forbidden' });
	const rest = createRest(fetch);
	const filters = filtersFrom(url.searchParams);
	const [choices, first] = await Promise.all([orError(rest.getAuditFilters(null)), orError(rest.getAudit(null, filters))]);
	return { filters, choices, first };
};
