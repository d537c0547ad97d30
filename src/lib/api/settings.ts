import { createApi } from './client.ts';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Merges `patch` into the signed-in user's settings. PUT replaces the whole object, and other
 * parts of the app (the editor's shortcuts, its pane sizes) keep their own keys there, so merge
 * into a fresh copy rather than into whatever this page loaded earlier. Calls run one after the
 * other: two overlapping read-merge-writes would each drop the other's key.
 */
export function patchUserSettings(patch: Record<string, unknown>) {
	const run = queue.then(async () => {
		const api = createApi();
		const me = await api.api.auth.me.$get();
		if (me.status !== 200) return null;
		const { user } = await me.json();
		const res = await api.api.auth.me.settings.$put({
			json: { settings: { ...user.settings, ...patch } }
		});
		return res.status === 200 ? (await res.json()).user : null;
	});
	queue = run.catch(() => null);
	return run;
}
