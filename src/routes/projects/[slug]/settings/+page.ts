import { error } from '@sveltejs/kit';
import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends }) => {
	// Sections re-read usage (what may be removed) after they save, with invalidate('app:settings').
	depends('app:settings');
	await parent();
	const rest = createRest(fetch);
	const { project, capabilities } = await orError(rest.getProject(params.slug));
	if (!capabilities.manage) {
		error(403, { message: 'Only the project’s managers may change its settings', code: 'forbidden' });
	}
	const [{ usage }, { members }] = await Promise.all([orError(rest.getUsage(project.id)), orError(rest.listMembers(project.id))]);
	return { project, capabilities, usage, members };
};
