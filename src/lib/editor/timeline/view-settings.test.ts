import { describe, expect, it } from 'vitest';
import {
	DEFAULT_VIEW_SETTINGS,
	FOLLOW_WINDOW_MS,
	VIEW_SETTINGS_KEY,
	clampFollowWindowMs,
	saveViewSettings,
	viewSettingsFromSettings
} from './view-settings.ts';

describe(viewSettingsFromSettings.name, () => {
	it('reads follow and its window, with defaults for what is missing', () => {
		expect(viewSettingsFromSettings({})).toEqual(DEFAULT_VIEW_SETTINGS);
		expect(viewSettingsFromSettings(null)).toEqual({ follow: false, followWindowMs: 10_000 });
		expect(viewSettingsFromSettings({ [VIEW_SETTINGS_KEY]: { follow: true, followWindowMs: 6000 } })).toEqual({ follow: true, followWindowMs: 6000 });
		expect(viewSettingsFromSettings({ [VIEW_SETTINGS_KEY]: { follow: true } })).toEqual({ follow: true, followWindowMs: 10_000 });
	});

	it('survives junk and clamps the window', () => {
		expect(viewSettingsFromSettings({ [VIEW_SETTINGS_KEY]: 'yes' })).toEqual(DEFAULT_VIEW_SETTINGS);
		expect(viewSettingsFromSettings({ [VIEW_SETTINGS_KEY]: { follow: 'on', followWindowMs: 'long' } })).toEqual(DEFAULT_VIEW_SETTINGS);
		expect(clampFollowWindowMs(10)).toBe(FOLLOW_WINDOW_MS.min);
		expect(clampFollowWindowMs(10_000_000)).toBe(FOLLOW_WINDOW_MS.max);
		expect(clampFollowWindowMs(7_349)).toBe(7300);
		expect(clampFollowWindowMs(Number.NaN)).toBe(FOLLOW_WINDOW_MS.default);
	});
});

describe(saveViewSettings.name, () => {
	it('stores them under their own key only, clamped', async () => {
		const patches: Record<string, unknown>[] = [];
		await saveViewSettings({ follow: true, followWindowMs: 500 }, async (patch) => {
			patches.push(patch);
			return null;
		});
		expect(patches).toEqual([{ [VIEW_SETTINGS_KEY]: { follow: true, followWindowMs: 2000 } }]);
		expect(viewSettingsFromSettings(patches[0])).toEqual({ follow: true, followWindowMs: 2000 });
	});
});
