import { error } from '@sveltejs/kit';
import { ApiError } from './client.ts';

/**
 * Awaits an API call inside `load` and turns its failure into SvelteKit's error page with the
 * API's status and code (a 404 stays a 404). A 401 has already started the global redirect to
 * sign-in (client.ts), which replaces this navigation.
 */
export async function orError<T>(call: Promise<T>): Promise<T> {
	try {
		return await call;
	} catch (err) {
		if (err instanceof ApiError) error(err.status, { message: err.message, code: err.code });
		if (err instanceof TypeError) error(503, { message: 'The server cannot be reached', code: 'offline' });
		throw err;
	}
}
