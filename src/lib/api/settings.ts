import { createApi } from './client.ts';

/**
 * Merges `patch` into the signed-in user's settings. PUT replaces the whole object, and other
 * parts of the app (the editor's shortcuts) keep their own keys there, so merge into a fresh copy
 * rather than into whatever this page loaded earlier.
 */
export async function patchUserSettings(patch: Record<string, unknown>) {
	const api = createApi();
	const me = await api.api.auth.me.$get();
	if (me.status !== 200) return null;
	const { user } = await me.json();
	const res = await api.api.auth.me.settings.$put({ json: { settings: { ...user.settings, ...patch } } });
	return res.status === 200 ? (await res.json()).user : null;
}
