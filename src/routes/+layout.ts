import { error, redirect } from '@sveltejs/kit';
import '$lib/i18n/index';
import { createApi, signInTarget } from '$lib/api/client';
import type { LayoutLoad } from './$types';

// A single-page app: the API is another process (or Hono serving build/), nothing renders on a server.
export const ssr = false;
export const prerender = false;

/** Pages reachable without a session. */
const PUBLIC_ROUTES = new Set(['/login', '/setup', '/account/[token]']);

export const load: LayoutLoad = async ({ fetch, route, url, untrack }) => {
	// Runs again on every route change (route.id is tracked), so an expired session is noticed on
	// the next navigation; query and param changes do not refetch.
	const isPublic = PUBLIC_ROUTES.has(route.id ?? '');
	const res = await createApi(fetch)
		.api.auth.me.$get()
		.catch(() => null);
	if (!res) error(503, { message: 'The server cannot be reached', code: 'offline' });
	if (res.status === 200) {
		const { user } = await res.json();
		return { user };
	}
	if (res.status === 401) {
		if (isPublic) return { user: null };
		redirect(307, await signInTarget(fetch, untrack(() => new URL(url.href))));
	}
	error(res.status, { message: `HTTP ${res.status}`, code: `http_${res.status}` });
};
