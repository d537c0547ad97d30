import { error, redirect } from '@sveltejs/kit';
import { ApiError, signInTarget } from './client.ts';

/**
 * Awaits an API call inside `load` and turns its failure into SvelteKit's error page with the
 * API's status and code (a 404 stays a 404). A 401 redirects to sign-in and back to the page
 * shown now: that is right for a load re-running in place (polling); on a navigation the root
 * layout's own redirect, which knows the page being opened, comes first.
 */
export async function orError<T>(call: Promise<T>): Promise<T> {
	try {
		return await call;
	} catch (err) {
		if (err instanceof ApiError && err.status === 401) redirect(307, await signInTarget());
		if (err instanceof ApiError) error(err.status, { message: err.message, code: err.code });
		if (err instanceof TypeError) error(503, { message: 'The server cannot be reached', code: 'offline' });
		throw err;
	}
}
