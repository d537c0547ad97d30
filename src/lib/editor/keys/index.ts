/**
 * The editor's keyboard layer.
 *
 * - `keymapFromSettings(user.settings)` → the user's Keymap (defaults + their overrides);
 *   `saveKeymap(keymap)` stores the overrides via PUT /api/auth/me/settings.
 * - `new ShortcutManager({ keymap, handlers })`, then `$effect(() => keys.attach())`: runs
 *   handlers by action id, never during IME composition, never for bare keys in text fields.
 * - `<KeyHelp bind:open keymap={keymap} onSave={…} />` lists and rebinds the shortcuts.
 */
export {
	comboFromEvent,
	detectPlatform,
	formatBinding,
	matchCombo,
	normalizeBinding,
	parseBinding,
	resolveCombo,
	serializeBinding,
	type KeyCombo,
	type KeyEventLike,
	type Platform
} from './bindings.ts';
export { CompositionTracker, isImeKeyEvent } from './ime.ts';
export {
	ACTIONS,
	ACTION_GROUPS,
	DEFAULT_KEYMAP,
	KEYMAP_SETTINGS_KEY,
	bindingWarnings,
	defaultKeymap,
	findConflicts,
	getAction,
	keymapFromSettings,
	keymapToSettings,
	type ActionDef,
	type ActionId,
	type BindingWarning,
	type KeyConflict,
	type Keymap
} from './keymap.ts';
export {
	ShortcutManager,
	compileKeymap,
	isCommitEnter,
	resolveShortcut,
	type ShortcutHandlers,
	type ShortcutManagerOptions
} from './shortcuts.ts';
export { classifyTarget, type TargetKind } from './targets.ts';
export { saveKeymap } from './settings.ts';
export { KEYS_MESSAGES, ensureKeysMessages } from './messages.ts';
export { default as KeyHelp } from './KeyHelp.svelte';
