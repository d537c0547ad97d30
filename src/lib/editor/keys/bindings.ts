/**
 * Key bindings as strings ("Ctrl+Space", "Alt+Shift+S", "Mod+Z", "F3", "?") and as parsed
 * combos, and matching them against keyboard events. Pure functions: no DOM needed.
 */

export type Platform = 'mac' | 'other';

/** The parts of a KeyboardEvent the matcher reads (tests pass plain objects). */
export interface KeyEventLike {
	key: string;
	code?: string;
	keyCode?: number;
	ctrlKey: boolean;
	altKey: boolean;
	shiftKey: boolean;
	metaKey: boolean;
	isComposing?: boolean;
	repeat?: boolean;
	timeStamp?: number;
	target?: unknown;
}

export interface KeyCombo {
	/** Canonical key name: 'A', '1', 'F3', 'Space', 'ArrowLeft', '[', 'Plus'… */
	key: string;
	ctrl: boolean;
	alt: boolean;
	shift: boolean;
	meta: boolean;
	/** Ctrl on Windows/Linux, ⌘ on macOS; resolved by `resolveCombo`. */
	mod: boolean;
}

const MODIFIER_ALIASES: Record<string, 'ctrl' | 'alt' | 'shift' | 'meta' | 'mod'> = {
	ctrl: 'ctrl',
	control: 'ctrl',
	alt: 'alt',
	option: 'alt',
	opt: 'alt',
	shift: 'shift',
	meta: 'meta',
	cmd: 'meta',
	command: 'meta',
	super: 'meta',
	win: 'meta',
	mod: 'mod',
	cmdorctrl: 'mod'
};

const KEY_ALIASES: Record<string, string> = {
	space: 'Space',
	spacebar: 'Space',
	' ': 'Space',
	esc: 'Escape',
	escape: 'Escape',
	enter: 'Enter',
	return: 'Enter',
	tab: 'Tab',
	backspace: 'Backspace',
	delete: 'Delete',
	del: 'Delete',
	insert: 'Insert',
	ins: 'Insert',
	home: 'Home',
	end: 'End',
	pageup: 'PageUp',
	pagedown: 'PageDown',
	up: 'ArrowUp',
	down: 'ArrowDown',
	left: 'ArrowLeft',
	right: 'ArrowRight',
	arrowup: 'ArrowUp',
	arrowdown: 'ArrowDown',
	arrowleft: 'ArrowLeft',
	arrowright: 'ArrowRight',
	plus: 'Plus',
	'+': 'Plus',
	minus: '-',
	equal: '=',
	equals: '=',
	comma: ',',
	period: '.',
	dot: '.',
	slash: '/',
	backslash: '\\',
	semicolon: ';',
	quote: "'",
	backquote: '`',
	bracketleft: '[',
	bracketright: ']'
};

/** Physical key codes → the key they carry on a US layout, for the `code` fallback. */
const CODE_KEYS: Record<string, string> = {
	Space: 'Space',
	Minus: '-',
	Equal: '=',
	BracketLeft: '[',
	BracketRight: ']',
	Backslash: '\\',
	Semicolon: ';',
	Quote: "'",
	Backquote: '`',
	Comma: ',',
	Period: '.',
	Slash: '/',
	NumpadAdd: 'Plus',
	NumpadSubtract: '-'
};

/**
 * Keys that type another character with Shift on common layouts (Shift+[ types "{", Shift+1 "!"):
 * a binding "Shift+[" is matched by the physical key.
 */
const SHIFTABLE_KEYS = /^[0-9[\];',./\\`=-]$/;

/** Characters normally typed with Shift: a binding "?" matches whether or not Shift is down. */
const SHIFTED_SYMBOLS = new Set('~!@#$%^&*()_{}|:"<>?'.split('').concat('Plus'));

const NAMED_KEYS = new Set(Object.values(KEY_ALIASES));

function canonicalKey(token: string): string | null {
	if (!token) return null;
	const alias = KEY_ALIASES[token.toLowerCase()];
	if (alias) return alias;
	if (/^f([1-9]|1[0-9]|2[0-4])$/i.test(token)) return token.toUpperCase();
	if ([...token].length === 1) return /[a-z]/i.test(token) ? token.toUpperCase() : token;
	for (const named of NAMED_KEYS) if (named.toLowerCase() === token.toLowerCase()) return named;
	return null;
}

/**
 * Parses a binding string; null when it is not one key plus modifiers.
 *
 * @example
 * parseBinding('ctrl+space') // { key: 'Space', ctrl: true, alt: false, shift: false, meta: false, mod: false }
 * parseBinding('Ctrl++')     // key 'Plus'
 */
export function parseBinding(text: string): KeyCombo | null {
	const trimmed = text.trim();
	if (!trimmed) return null;
	// A trailing "+" after a separator is the Plus key itself ("Ctrl++").
	const parts = trimmed.endsWith('++') ? [...trimmed.slice(0, -2).split('+'), '+'] : trimmed === '+' ? ['+'] : trimmed.split('+');
	const combo: KeyCombo = { key: '', ctrl: false, alt: false, shift: false, meta: false, mod: false };
	for (const raw of parts) {
		const part = raw.trim();
		const modifier = MODIFIER_ALIASES[part.toLowerCase()];
		if (modifier) {
			combo[modifier] = true;
			continue;
		}
		if (combo.key) return null; // two keys
		const key = canonicalKey(part);
		if (!key) return null;
		combo.key = key;
	}
	return combo.key ? combo : null;
}

/** The canonical string of a combo: modifiers in a fixed order, then the key. */
export function serializeBinding(combo: KeyCombo): string {
	const parts: string[] = [];
	if (combo.mod) parts.push('Mod');
	if (combo.ctrl) parts.push('Ctrl');
	if (combo.alt) parts.push('Alt');
	if (combo.shift) parts.push('Shift');
	if (combo.meta) parts.push('Meta');
	parts.push(combo.key);
	return parts.join('+');
}

/** A binding string in canonical form, or null if it does not parse. */
export function normalizeBinding(text: string): string | null {
	const combo = parseBinding(text);
	return combo ? serializeBinding(combo) : null;
}

/** Replaces Mod by Ctrl or ⌘ for the platform. */
export function resolveCombo(combo: KeyCombo, platform: Platform): KeyCombo {
	if (!combo.mod) return combo;
	return {
		...combo,
		mod: false,
		ctrl: combo.ctrl || platform !== 'mac',
		meta: combo.meta || platform === 'mac'
	};
}

/** The key an event carries, in canonical form ('Space', 'A', 'F3', '?'…). */
export function eventKeyName(event: Pick<KeyEventLike, 'key'>): string | null {
	return canonicalKey(event.key);
}

/**
 * The key at the event's physical position on a US layout, used only when `key` is not plain
 * ASCII: ⌥K on a Mac types "˚", and ⌥/Ctrl combos on non-Latin layouts give other letters.
 */
function codeKeyName(code: string | undefined): string | null {
	if (!code) return null;
	if (/^Key[A-Z]$/.test(code)) return code.slice(3);
	if (/^(Digit|Numpad)[0-9]$/.test(code)) return code.slice(-1);
	return CODE_KEYS[code] ?? null;
}

function isPlainAscii(key: string) {
	return key.length === 1 && key >= ' ' && key <= '~';
}

/** Whether `event` is the key combination `combo` (already resolved for the platform). */
export function matchCombo(combo: KeyCombo, event: KeyEventLike): boolean {
	if (combo.ctrl !== event.ctrlKey || combo.alt !== event.altKey || combo.meta !== event.metaKey) return false;
	const name = eventKeyName(event);
	const keyMatches =
		name === combo.key ||
		// Shift+digit or Shift+punctuation types a symbol; Alt on macOS types a special character.
		((!isPlainAscii(event.key) || (event.shiftKey && SHIFTABLE_KEYS.test(combo.key))) && codeKeyName(event.code) === combo.key);
	if (!keyMatches) return false;
	if (combo.shift === event.shiftKey) return true;
	// "?" or "+" need Shift on most layouts but not all: don't require the user to say it.
	return !combo.shift && SHIFTED_SYMBOLS.has(combo.key) && name === combo.key;
}

/** A combo from a keydown, for recording a new binding; null for a lone modifier. */
export function comboFromEvent(event: KeyEventLike): KeyCombo | null {
	if (['Control', 'Alt', 'Shift', 'Meta', 'OS', 'AltGraph', 'CapsLock', 'Fn', 'Process', 'Dead', 'Unidentified'].includes(event.key)) {
		return null;
	}
	let key = eventKeyName(event);
	if (!key || (!isPlainAscii(event.key) && codeKeyName(event.code))) key = codeKeyName(event.code) ?? key;
	if (!key) return null;
	const shiftedSymbol = SHIFTED_SYMBOLS.has(key);
	return {
		key,
		ctrl: event.ctrlKey,
		alt: event.altKey,
		// "?" already says Shift.
		shift: event.shiftKey && !shiftedSymbol,
		meta: event.metaKey,
		mod: false
	};
}

/**
 * Whether a binding may fire while the user types in a text field: it has Ctrl/Alt/⌘, or it is a
 * key that never types text (F-keys, Escape). Bare letters, digits, Space, arrows, Enter… don't.
 */
export function firesWhileTyping(combo: KeyCombo): boolean {
	return combo.ctrl || combo.alt || combo.meta || combo.mod || /^F\d+$/.test(combo.key) || combo.key === 'Escape';
}

const MAC_SYMBOLS: Record<string, string> = {
	Space: 'Space',
	Enter: '↩',
	Escape: 'Esc',
	Backspace: '⌫',
	Delete: '⌦',
	Tab: '⇥',
	ArrowUp: '↑',
	ArrowDown: '↓',
	ArrowLeft: '←',
	ArrowRight: '→',
	Plus: '+'
};

const OTHER_LABELS: Record<string, string> = {
	Escape: 'Esc',
	ArrowUp: '↑',
	ArrowDown: '↓',
	ArrowLeft: '←',
	ArrowRight: '→',
	Plus: '+',
	Delete: 'Del'
};

/** A binding as the user reads it on their platform: "⌥⌘K" on macOS, "Ctrl+Alt+K" elsewhere. */
export function formatBinding(text: string, platform: Platform): string {
	const parsed = parseBinding(text);
	if (!parsed) return text;
	const combo = resolveCombo(parsed, platform);
	if (platform === 'mac') {
		return (
			(combo.ctrl ? '⌃' : '') +
			(combo.alt ? '⌥' : '') +
			(combo.shift ? '⇧' : '') +
			(combo.meta ? '⌘' : '') +
			(MAC_SYMBOLS[combo.key] ?? combo.key)
		);
	}
	const parts: string[] = [];
	if (combo.ctrl) parts.push('Ctrl');
	if (combo.alt) parts.push('Alt');
	if (combo.shift) parts.push('Shift');
	if (combo.meta) parts.push('Win');
	parts.push(OTHER_LABELS[combo.key] ?? combo.key);
	return parts.join('+');
}

export function detectPlatform(nav: { platform?: string; userAgent?: string } | undefined = globalThis.navigator): Platform {
	const hint = `${nav?.platform ?? ''} ${nav?.userAgent ?? ''}`;
	return /Mac|iPhone|iPad|iPod/i.test(hint) ? 'mac' : 'other';
}
