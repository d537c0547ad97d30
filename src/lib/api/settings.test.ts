import { afterEach, describe, expect, it, vi } from 'vitest';
import { patchUserSettings } from './settings.ts';

/** A stand-in for GET /api/auth/me and PUT /api/auth/me/settings, each answered after a delay. */
function fakeSettingsServer(delayMs: number) {
	const state = { settings: { locale: 'zh-CN' } as Record<string, unknown>, puts: 0 };
	const json = (body: unknown) =>
		new Response(JSON.stringify(body), {
			status: 200,
			headers: { 'content-type': 'application/json' }
		});
	const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = String(input instanceof Request ? input.url : input);
		const method = (
			init?.method ?? (input instanceof Request ? input.method : 'GET')
		).toUpperCase();
		const body = init?.body ?? (input instanceof Request ? await input.text() : undefined);
		await new Promise((r) => setTimeout(r, delayMs));
		if (method === 'GET' && url.endsWith('/api/auth/me'))
			return json({ user: { id: 'u1', settings: state.settings } });
		if (method === 'PUT' && url.endsWith('/api/auth/me/settings')) {
			state.settings = JSON.parse(String(body)).settings;
			state.puts++;
			return json({ user: { id: 'u1', settings: state.settings } });
		}
		return new Response('{}', { status: 404 });
	});
	return { state, fetch };
}

afterEach(() => {
	vi.unstubAllGlobals();
});

describe(patchUserSettings.name, () => {
	it('merges into the settings on the server, and overlapping calls keep each other’s keys', async () => {
		const server = fakeSettingsServer(20);
		vi.stubGlobal('fetch', server.fetch);
		const [a, b] = await Promise.all([
			patchUserSettings({ keymap: { playPause: ['F9'] } }),
			patchUserSettings({ editorLayout: { waveHeight: 200, listFraction: 0.4, updatedAt: 1 } })
		]);
		expect(a?.settings).toMatchObject({ keymap: { playPause: ['F9'] } });
		expect(b?.settings).toMatchObject({
			keymap: { playPause: ['F9'] },
			editorLayout: { waveHeight: 200 }
		});
		expect(server.state.settings).toEqual({
			locale: 'zh-CN',
			keymap: { playPause: ['F9'] },
			editorLayout: { waveHeight: 200, listFraction: 0.4, updatedAt: 1 }
		});
		expect(server.state.puts).toBe(2);
	});
});
