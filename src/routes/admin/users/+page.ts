import { error } from '@sveltejs/kit';
import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, depends }) => {
	// Every change on the page re-reads the accounts with invalidate('app:users').
	depends('app:users');
	const { user } = await parent();
	if (user?.role !== 'admin') error(403, { message: 'Only admins may manage accounts', code: 'forbidden' });
	const rest = createRest(fetch);
	const [{ users }, { projects }] = await Promise.all([orError(rest.listUsers()), orError(rest.listProjects())]);
	return { users, projects };
};
