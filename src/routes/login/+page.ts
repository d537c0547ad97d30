import { redirect } from '@sveltejs/kit';
import { createApi } from '$lib/api/client';
import { safeNext } from '$lib/utils/safe-next';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	const { user } = await parent();
	if (user) redirect(307, next);
	const res = await createApi(fetch).api.auth.setup.$get();
	if (res.ok && (await res.json()).needsSetup) redirect(307, '/setup');
	return { next };
};
