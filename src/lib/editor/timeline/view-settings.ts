import { patchUserSettings } from '$lib/api/settings';

/**
 * The editor's view preferences, kept in the user's settings beside the keymap: whether "follow"
 * is on and the window it keeps around the current segment.
 */
export interface EditorViewSettings {
	/** Enter (and the list, and the next/previous keys) show `followWindowMs` around the segment. */
	follow: boolean;
	followWindowMs: number;
}

/** The settings key these live under. */
export const VIEW_SETTINGS_KEY = 'editorView';

/** The window "follow" keeps, in ms: a few seconds either side of a typical utterance. */
export const FOLLOW_WINDOW_MS = { default: 10_000, min: 2000, max: 120_000 } as const;

export const DEFAULT_VIEW_SETTINGS: Readonly<EditorViewSettings> = Object.freeze({
	follow: false,
	followWindowMs: FOLLOW_WINDOW_MS.default
});

/** A window length (ms) brought into [min, max] and to whole 100 ms; anything else → the default. */
export function clampFollowWindowMs(ms: unknown): number {
	if (typeof ms !== 'number' || !Number.isFinite(ms)) return FOLLOW_WINDOW_MS.default;
	return Math.min(FOLLOW_WINDOW_MS.max, Math.max(FOLLOW_WINDOW_MS.min, Math.round(ms / 100) * 100));
}

/** The user's view settings; missing or hand-edited junk falls back to the defaults. */
export function viewSettingsFromSettings(settings: unknown): EditorViewSettings {
	const raw = (settings as Record<string, unknown> | null | undefined)?.[VIEW_SETTINGS_KEY];
	if (!raw || typeof raw !== 'object') return { ...DEFAULT_VIEW_SETTINGS };
	const v = raw as Record<string, unknown>;
	return {
		follow: typeof v.follow === 'boolean' ? v.follow : DEFAULT_VIEW_SETTINGS.follow,
		followWindowMs: v.followWindowMs === undefined ? DEFAULT_VIEW_SETTINGS.followWindowMs : clampFollowWindowMs(v.followWindowMs)
	};
}

/** Stores them in the user's settings (keeping the other keys). Resolves to the user, or null. */
export function saveViewSettings(view: EditorViewSettings, patch: typeof patchUserSettings = patchUserSettings) {
	return patch({ [VIEW_SETTINGS_KEY]: { follow: view.follow, followWindowMs: clampFollowWindowMs(view.followWindowMs) } });
}
