import { redirect } from '@sveltejs/kit';
import { createApi } from '$lib/api/client';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
	const { user } = await parent();
	if (user) redirect(307, '/');
	const res = await createApi(fetch).api.auth.setup.$get();
	// Only a fresh install may create the first admin; afterwards this page is just a way to sign in.
	if (res.ok && !(await res.json()).needsSetup) redirect(307, '/login');
	return {};
};
