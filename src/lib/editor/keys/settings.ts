import { patchUserSettings } from '$lib/api/settings';
import { KEYMAP_SETTINGS_KEY, keymapToSettings, type Keymap } from './keymap.ts';

/**
 * Stores the user's keymap (only what differs from the defaults) in their settings via
 * PUT /api/auth/me/settings, keeping the other settings. Returns the updated user, or null.
 */
export function saveKeymap(keymap: Keymap, patch: typeof patchUserSettings = patchUserSettings) {
	return patch({ [KEYMAP_SETTINGS_KEY]: keymapToSettings(keymap) });
}
