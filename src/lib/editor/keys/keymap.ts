import {
	firesWhileTyping,
	normalizeBinding,
	parseBinding,
	resolveCombo,
	serializeBinding,
	type KeyCombo,
	type Platform
} from './bindings.ts';

export const ACTION_GROUPS = ['playback', 'segments', 'navigation', 'speakers', 'view'] as const;
export type ActionGroup = (typeof ACTION_GROUPS)[number];

/**
 * Where an action's bindings may fire:
 * - `auto`: bindings with Ctrl/Alt/⌘, F-keys and Esc fire everywhere, bare keys only outside
 *   text fields (so typing never triggers them);
 * - `text`: only in a segment's text field (`data-segment-field`): Enter = save and next;
 * - `nav`: never in a text field, whatever the modifiers (Ctrl+Z there is the field's own undo).
 */
export type ActionScope = 'auto' | 'text' | 'nav';

export interface ActionDef {
	id: string;
	group: ActionGroup;
	defaults: string[];
	scope: ActionScope;
	/** Fires again while the key is held (seeking, stepping); toggles don't. */
	repeat: boolean;
	/** Changes the work (segments, speakers, taking a task): refused, and not listed, where the editor is read-only. */
	edits: boolean;
}

function action(id: string, group: ActionGroup, defaults: string[], options: { scope?: ActionScope; repeat?: boolean; edits?: boolean } = {}): ActionDef {
	const edits = options.edits ?? (group === 'segments' || group === 'speakers');
	return { id, group, defaults, scope: options.scope ?? 'auto', repeat: options.repeat ?? false, edits };
}

/**
 * The default keymap: oTranscribe's F1–F4 (back, forward, slower, faster) and play/pause on
 * Ctrl+Space as in ELAN's transcription mode, Alt-combos that work while typing, and single keys
 * when the text field is not focused. Ctrl+Space switches input methods on some systems, so
 * play/pause also has Alt+K and F4-free alternatives.
 */
export const ACTIONS: readonly ActionDef[] = [
	action('playPause', 'playback', ['Ctrl+Space', 'Alt+K', 'Space', 'K']),
	action('toggleFocus', 'playback', ['Escape']),
	action('replaySegment', 'playback', ['Alt+R', 'R']),
	action('seekBack', 'playback', ['F1', 'Alt+J', 'J', 'ArrowLeft'], { repeat: true }),
	action('seekForward', 'playback', ['F2', 'Alt+L', 'L', 'ArrowRight'], { repeat: true }),
	action('slower', 'playback', ['F3', 'Alt+,', ','], { repeat: true }),
	action('faster', 'playback', ['F4', 'Alt+.', '.'], { repeat: true }),
	action('loopSegment', 'playback', ['Alt+Shift+L', 'Shift+L']),
	action('markStart', 'segments', ['Alt+I', 'I']),
	action('markEnd', 'segments', ['Alt+O', 'O']),
	action('splitAtPlayhead', 'segments', ['Alt+Shift+S', 'S']),
	action('mergeNext', 'segments', ['Alt+Shift+M', 'M']),
	action('deleteSegment', 'segments', ['Alt+Shift+Delete', 'Delete']),
	// Boundaries of the selected segment: the upper pair ([ ]) moves its start, the lower pair
	// (; ') its end, the left key earlier and the right key later; Shift for bigger steps.
	action('startEarlier', 'segments', ['Alt+[', '['], { repeat: true }),
	action('startLater', 'segments', ['Alt+]', ']'], { repeat: true }),
	action('endEarlier', 'segments', ['Alt+;', ';'], { repeat: true }),
	action('endLater', 'segments', ["Alt+'", "'"], { repeat: true }),
	action('startEarlierMore', 'segments', ['Alt+Shift+[', 'Shift+['], { repeat: true }),
	action('startLaterMore', 'segments', ['Alt+Shift+]', 'Shift+]'], { repeat: true }),
	action('endEarlierMore', 'segments', ['Alt+Shift+;', 'Shift+;'], { repeat: true }),
	action('endLaterMore', 'segments', ["Alt+Shift+'", "Shift+'"], { repeat: true }),
	// Praat's "boundary at the cursor", for the selected segment (I and O mark a new one).
	action('startToPlayhead', 'segments', ['Alt+Shift+I', 'Shift+I']),
	action('endToPlayhead', 'segments', ['Alt+Shift+O', 'Shift+O']),
	action('undo', 'segments', ['Mod+Z'], { scope: 'nav' }),
	action('redo', 'segments', ['Mod+Shift+Z', 'Ctrl+Y'], { scope: 'nav' }),
	action('commitAndNext', 'navigation', ['Enter'], { scope: 'text' }),
	action('commitAndPrevious', 'navigation', ['Shift+Enter'], { scope: 'text' }),
	action('nextSegment', 'navigation', ['Alt+ArrowDown', 'ArrowDown'], { repeat: true }),
	action('previousSegment', 'navigation', ['Alt+ArrowUp', 'ArrowUp'], { repeat: true }),
	// The queue: submit nothing, just take (or resume) the next task of the project.
	action('nextTask', 'navigation', ['Alt+Shift+N'], { edits: true }),
	...Array.from({ length: 9 }, (_, i) => action(`speaker${i + 1}`, 'speakers', [String(i + 1)])),
	action('zoomIn', 'view', ['Alt+=', '=', 'Plus'], { repeat: true }),
	action('zoomOut', 'view', ['Alt+-', '-'], { repeat: true }),
	action('zoomToSegment', 'view', ['Alt+Z', 'Z']),
	action('toggleFollow', 'view', ['Alt+Shift+F', 'F']),
	action('help', 'view', ['?', 'F10'])
];

export type ActionId = string;

/** How far the boundary keys move a boundary: a small step, and a bigger one with Shift. */
export const NUDGE_MS = 10;
export const NUDGE_MORE_MS = 100;

/** Action id → binding strings (canonical). */
export type Keymap = Record<ActionId, string[]>;

const ACTION_BY_ID = new Map(ACTIONS.map((a) => [a.id, a]));

export function getAction(id: ActionId): ActionDef | undefined {
	return ACTION_BY_ID.get(id);
}

export function defaultKeymap(): Keymap {
	return Object.fromEntries(ACTIONS.map((a) => [a.id, a.defaults.map((b) => normalizeBinding(b) ?? b)]));
}

export const DEFAULT_KEYMAP: Readonly<Keymap> = Object.freeze(defaultKeymap());

/** The settings key the keymap overrides live under in the user's settings. */
export const KEYMAP_SETTINGS_KEY = 'keymap';

/**
 * The user's keymap from their settings: defaults, with each action the user rebound replaced by
 * their bindings. Unknown actions and bindings that don't parse are ignored, so an old or
 * hand-edited settings object never breaks the editor.
 */
export function keymapFromSettings(settings: unknown): Keymap {
	const keymap = defaultKeymap();
	const overrides = (settings as Record<string, unknown> | null | undefined)?.[KEYMAP_SETTINGS_KEY];
	if (!overrides || typeof overrides !== 'object') return keymap;
	for (const [id, value] of Object.entries(overrides as Record<string, unknown>)) {
		if (!ACTION_BY_ID.has(id) || !Array.isArray(value)) continue;
		keymap[id] = dedupe(value.filter((v): v is string => typeof v === 'string').map(normalizeBinding));
	}
	return keymap;
}

/**
 * What to store in the user's settings: only the actions whose bindings differ from the defaults,
 * so improved defaults still reach everyone else.
 */
export function keymapToSettings(keymap: Keymap): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const a of ACTIONS) {
		const bindings = dedupe((keymap[a.id] ?? []).map(normalizeBinding));
		if (!sameList(bindings, DEFAULT_KEYMAP[a.id])) out[a.id] = bindings;
	}
	return out;
}

function dedupe(values: (string | null)[]): string[] {
	return [...new Set(values.filter((v): v is string => !!v))];
}

function sameList(a: string[], b: readonly string[]) {
	return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Where one binding of an action fires. */
export type BindingScope = 'any' | 'text' | 'nav';

export function bindingScope(action: ActionDef, combo: KeyCombo): BindingScope {
	if (action.scope === 'text' || action.scope === 'nav') return action.scope;
	return firesWhileTyping(combo) ? 'any' : 'nav';
}

function scopesOverlap(a: BindingScope, b: BindingScope) {
	return a === 'any' || b === 'any' || a === b;
}

export interface KeyConflict {
	/** The binding, canonical and resolved for the platform (Mod shown as Ctrl or Meta). */
	binding: string;
	actions: ActionId[];
}

/**
 * Bindings that more than one action claims where both could fire (Enter for "save and next" in
 * a text field does not clash with Enter elsewhere). Mod+Z and Ctrl+Z clash except on macOS.
 */
export function findConflicts(keymap: Keymap, platform: Platform): KeyConflict[] {
	const seen = new Map<string, { action: ActionId; scope: BindingScope }[]>();
	for (const a of ACTIONS) {
		for (const text of keymap[a.id] ?? []) {
			const parsed = parseBinding(text);
			if (!parsed) continue;
			const key = serializeBinding(resolveCombo(parsed, platform));
			const list = seen.get(key) ?? [];
			if (!list.some((x) => x.action === a.id)) list.push({ action: a.id, scope: bindingScope(a, parsed) });
			seen.set(key, list);
		}
	}
	const conflicts: KeyConflict[] = [];
	for (const [binding, list] of seen) {
		const clashing = new Set<ActionId>();
		for (let i = 0; i < list.length; i++) {
			for (let j = i + 1; j < list.length; j++) {
				if (scopesOverlap(list[i].scope, list[j].scope)) clashing.add(list[i].action).add(list[j].action);
			}
		}
		if (clashing.size) conflicts.push({ binding, actions: list.map((x) => x.action).filter((id) => clashing.has(id)) });
	}
	return conflicts;
}

export type BindingWarning =
	/** The browser keeps it (new tab, close tab…): the page never sees it. */
	| 'reserved'
	/** Switches the input method on common Chinese setups (Windows, macOS, fcitx/ibus). */
	| 'imeSwitch'
	/** A bare key that never fires while typing in a text field. */
	| 'notWhileTyping';

const RESERVED = new Set(['Ctrl+W', 'Ctrl+T', 'Ctrl+N', 'Ctrl+Shift+N', 'Ctrl+Shift+T', 'Ctrl+Shift+W', 'Ctrl+Tab', 'Ctrl+Shift+Tab', 'Meta+W', 'Meta+T', 'Meta+N', 'Meta+Q', 'Meta+Shift+T', 'Alt+F4', 'Meta+Tab']);
const IME_SWITCH = new Set(['Ctrl+Space', 'Ctrl+Shift+Space', 'Ctrl+Shift', 'Meta+Space', 'Ctrl+Alt+Space', 'Shift+Space', 'Ctrl+.']);

/** Reasons a binding may not work as the user expects (shown beside it in the editor). */
export function bindingWarnings(action: ActionDef, text: string, platform: Platform): BindingWarning[] {
	const parsed = parseBinding(text);
	if (!parsed) return [];
	const key = serializeBinding(resolveCombo(parsed, platform));
	const warnings: BindingWarning[] = [];
	if (RESERVED.has(key)) warnings.push('reserved');
	if (IME_SWITCH.has(key)) warnings.push('imeSwitch');
	if (action.scope === 'auto' && bindingScope(action, parsed) === 'nav') warnings.push('notWhileTyping');
	return warnings;
}
