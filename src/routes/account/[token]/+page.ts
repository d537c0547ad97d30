import { ApiError, createApi } from '$lib/api/client';
import type { PageLoad } from './$types';

/**
 * An invitation or password-reset link: what it is for, or `invalid` when it is unknown, used,
 * replaced by a newer one or expired (the server does not say which, and neither can we).
 * Reachable without a session (the root layout's PUBLIC_ROUTES).
 */
export const load: PageLoad = async ({ fetch, params, parent }) => {
	const { user } = await parent();
	const res = await createApi(fetch).api.auth.link.$post({ json: { token: params.token } });
	if (res.status === 200) return { link: (await res.json()).link, invalid: false, signedInAs: user };
	// A token of the wrong shape (400) is as dead as an unknown one (404).
	const status: number = res.status;
	if (status === 404 || status === 400) return { link: null, invalid: true, signedInAs: user };
	throw await ApiError.from(res as Response);
};
