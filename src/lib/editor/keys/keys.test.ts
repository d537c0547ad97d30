import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	comboFromEvent,
	formatBinding,
	matchCombo,
	normalizeBinding,
	parseBinding,
	resolveCombo,
	serializeBinding,
	type KeyEventLike
} from './bindings.ts';
import { CompositionTracker, isImeKeyEvent } from './ime.ts';
import {
	ACTIONS,
	DEFAULT_KEYMAP,
	bindingWarnings,
	defaultKeymap,
	findConflicts,
	getAction,
	keymapFromSettings,
	keymapToSettings
} from './keymap.ts';
import { ShortcutManager, compileKeymap, isCommitEnter, resolveShortcut } from './shortcuts.ts';
import { classifyTarget, type ElementLike } from './targets.ts';

function key(k: string, mods: Partial<KeyEventLike> = {}): KeyEventLike {
	return { key: k, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods };
}

/** A minimal element for classifyTarget. */
function el(tagName: string, attrs: Record<string, string> = {}, extra: Partial<ElementLike> = {}): ElementLike {
	return {
		tagName,
		getAttribute: (name) => attrs[name] ?? null,
		closest: () => null,
		...extra
	};
}

/** A segment's text field: the page marks it (or its row) with data-segment-field. */
const textarea = el('TEXTAREA', {}, { closest: (s: string) => (s === '[data-segment-field]' ? {} : null) });
const page = el('DIV');

afterEach(() => {
	vi.useRealTimers();
});

describe(parseBinding.name, () => {
	it('parses modifiers in any order and case, with aliases', () => {
		expect(parseBinding('shift+ctrl+z')).toEqual({ key: 'Z', ctrl: true, alt: false, shift: true, meta: false, mod: false });
		expect(serializeBinding(parseBinding('cmd+opt+k')!)).toBe('Alt+Meta+K');
		expect(normalizeBinding('ctrl + space')).toBe('Ctrl+Space');
		expect(normalizeBinding('esc')).toBe('Escape');
		expect(normalizeBinding('Alt+Left')).toBe('Alt+ArrowLeft');
		expect(normalizeBinding('f3')).toBe('F3');
		expect(normalizeBinding('Mod+Shift+z')).toBe('Mod+Shift+Z');
	});

	it('reads "+" as a key where it cannot be a separator', () => {
		expect(normalizeBinding('Ctrl++')).toBe('Ctrl+Plus');
		expect(normalizeBinding('+')).toBe('Plus');
		expect(normalizeBinding('Plus')).toBe('Plus');
	});

	it('rejects what is not one key plus modifiers', () => {
		expect(parseBinding('')).toBeNull();
		expect(parseBinding('Ctrl')).toBeNull();
		expect(parseBinding('A+B')).toBeNull();
		expect(parseBinding('Ctrl+Banana')).toBeNull();
	});

	it('round-trips every default binding', () => {
		for (const a of ACTIONS) for (const b of a.defaults) expect(normalizeBinding(normalizeBinding(b)!)).toBe(normalizeBinding(b));
	});
});

describe(matchCombo.name, () => {
	const combo = (text: string, platform: 'mac' | 'other' = 'other') => resolveCombo(parseBinding(text)!, platform);

	it('matches exact modifiers only', () => {
		expect(matchCombo(combo('Ctrl+Space'), key(' ', { ctrlKey: true }))).toBe(true);
		expect(matchCombo(combo('Ctrl+Space'), key(' ', { ctrlKey: true, shiftKey: true }))).toBe(false);
		expect(matchCombo(combo('Ctrl+Space'), key(' '))).toBe(false);
		expect(matchCombo(combo('F3'), key('F3'))).toBe(true);
		expect(matchCombo(combo('S'), key('s'))).toBe(true);
		expect(matchCombo(combo('S'), key('S', { shiftKey: true }))).toBe(false);
		expect(matchCombo(combo('Shift+L'), key('L', { shiftKey: true }))).toBe(true);
	});

	it('resolves Mod to Ctrl, or to ⌘ on macOS', () => {
		expect(matchCombo(combo('Mod+Z'), key('z', { ctrlKey: true }))).toBe(true);
		expect(matchCombo(combo('Mod+Z', 'mac'), key('z', { metaKey: true }))).toBe(true);
		expect(matchCombo(combo('Mod+Z', 'mac'), key('z', { ctrlKey: true }))).toBe(false);
	});

	it('does not require Shift for symbols typed with it', () => {
		expect(matchCombo(combo('?'), key('?', { shiftKey: true }))).toBe(true);
		expect(matchCombo(combo('Plus'), key('+', { shiftKey: true }))).toBe(true);
		expect(matchCombo(combo('='), key('+', { shiftKey: true }))).toBe(false);
	});

	it('falls back to the physical key when Alt on macOS types a special character', () => {
		expect(matchCombo(combo('Alt+K'), key('˚', { altKey: true, code: 'KeyK' }))).toBe(true);
		expect(matchCombo(combo('Shift+1'), key('!', { shiftKey: true, code: 'Digit1' }))).toBe(true);
		// On AZERTY the physical A position types "q": a plain ASCII key is taken at its word.
		expect(matchCombo(combo('A'), key('q', { code: 'KeyA' }))).toBe(false);
		expect(matchCombo(combo('1'), key('!', { shiftKey: true, code: 'Digit1' }))).toBe(false);
	});
});

describe('boundary keys on a US layout', () => {
	const combo = (text: string) => resolveCombo(parseBinding(text)!, 'other');

	it('match Shift+[ (which types "{") by the physical key, and keep the plain key apart', () => {
		const shiftBracket = key('{', { shiftKey: true, code: 'BracketLeft' });
		expect(matchCombo(combo('Shift+['), shiftBracket)).toBe(true);
		expect(matchCombo(combo('['), shiftBracket)).toBe(false);
		expect(matchCombo(combo('Alt+Shift+;'), key(':', { altKey: true, shiftKey: true, code: 'Semicolon' }))).toBe(true);
		expect(matchCombo(combo("Shift+'"), key('"', { shiftKey: true, code: 'Quote' }))).toBe(true);
		expect(matchCombo(combo('Shift+['), key('[', { code: 'BracketLeft' }))).toBe(false);
		// Slower (",") still needs "," itself: Shift+, ("<") is not it.
		expect(matchCombo(combo(','), key('<', { shiftKey: true, code: 'Comma' }))).toBe(false);
	});
});

describe(comboFromEvent.name, () => {
	it('records what the user pressed, ignoring lone modifiers', () => {
		expect(comboFromEvent(key('Control', { ctrlKey: true }))).toBeNull();
		expect(serializeBinding(comboFromEvent(key(' ', { ctrlKey: true }))!)).toBe('Ctrl+Space');
		expect(serializeBinding(comboFromEvent(key('?', { shiftKey: true, code: 'Slash' }))!)).toBe('?');
		expect(serializeBinding(comboFromEvent(key('˚', { altKey: true, code: 'KeyK' }))!)).toBe('Alt+K');
		expect(serializeBinding(comboFromEvent(key('S', { shiftKey: true, altKey: true, code: 'KeyS' }))!)).toBe('Alt+Shift+S');
	});
});

describe('IME guard', () => {
	const bindings = compileKeymap(DEFAULT_KEYMAP, 'other');
	const resolve = (event: KeyEventLike, tracker: CompositionTracker, target: ElementLike = textarea) =>
		resolveShortcut(event, bindings, { composing: tracker.isImeEvent(event), target: classifyTarget(target) })?.action ?? null;

	it('fires nothing for a key event flagged isComposing, keyCode 229 or "Process"', () => {
		const tracker = new CompositionTracker();
		expect(isImeKeyEvent(key('Enter', { isComposing: true }))).toBe(true);
		expect(resolve(key('Enter', { isComposing: true }), tracker)).toBeNull();
		// Safari: the committing Enter comes after compositionend, isComposing false, keyCode 229.
		expect(resolve(key('Enter', { keyCode: 229 }), tracker)).toBeNull();
		expect(resolve(key('Process', { keyCode: 229 }), tracker)).toBeNull();
		expect(resolve(key(' ', { ctrlKey: true, keyCode: 229 }), tracker)).toBeNull();
		expect(resolve(key('Escape', { isComposing: true }), tracker)).toBeNull();
		expect(resolve(key('Enter', { keyCode: 13 }), tracker)).toBe('commitAndNext');
	});

	it('fires nothing between compositionstart and compositionend, even if the event says otherwise', () => {
		const tracker = new CompositionTracker();
		tracker.compositionStart();
		expect(resolve(key('Enter'), tracker)).toBeNull();
		expect(resolve(key('F3'), tracker)).toBeNull();
		expect(resolve(key('1'), tracker, page)).toBeNull();
	});

	it('guards the Enter that arrives in the same task as compositionend, and releases on the next', async () => {
		vi.useFakeTimers();
		const tracker = new CompositionTracker({ graceMs: 0 });
		tracker.compositionStart();
		tracker.compositionEnd();
		expect(resolve(key('Enter'), tracker)).toBeNull();
		await vi.advanceTimersByTimeAsync(0);
		expect(resolve(key('Enter'), tracker)).toBe('commitAndNext');
	});

	it('guards a key event stamped within the grace period after compositionend', async () => {
		vi.useFakeTimers();
		const tracker = new CompositionTracker({ graceMs: 30 });
		tracker.compositionEnd(1000);
		await vi.advanceTimersByTimeAsync(1);
		expect(resolve(key('Enter', { timeStamp: 1010 }), tracker)).toBeNull();
		expect(resolve(key('Enter', { timeStamp: 1200 }), tracker)).toBe('commitAndNext');
	});

	it('tracks composition events on the document it is attached to', () => {
		const doc = new EventTarget();
		const tracker = new CompositionTracker();
		const detach = tracker.attach(doc);
		doc.dispatchEvent(new Event('compositionstart'));
		expect(tracker.composing).toBe(true);
		doc.dispatchEvent(new Event('compositionend'));
		expect(tracker.composing).toBe(false);
		detach();
		doc.dispatchEvent(new Event('compositionstart'));
		expect(tracker.composing).toBe(false);
	});

	it('isCommitEnter: only a plain Enter outside composition', () => {
		const tracker = new CompositionTracker();
		expect(isCommitEnter(key('Enter'), tracker)).toBe(true);
		expect(isCommitEnter(key('Enter', { isComposing: true }), tracker)).toBe(false);
		expect(isCommitEnter(key('Enter', { keyCode: 229 }))).toBe(false);
		expect(isCommitEnter(key('Enter', { shiftKey: true }), tracker)).toBe(false);
		tracker.compositionStart();
		expect(isCommitEnter(key('Enter'), tracker)).toBe(false);
	});
});

describe(resolveShortcut.name, () => {
	const bindings = compileKeymap(DEFAULT_KEYMAP, 'other');
	const at = (event: KeyEventLike, target: ElementLike | null) =>
		resolveShortcut(event, bindings, { composing: false, target: classifyTarget(target) })?.action ?? null;

	it('lets modifier combos, F-keys and Esc fire while typing, but not bare keys', () => {
		expect(at(key(' ', { ctrlKey: true }), textarea)).toBe('playPause');
		expect(at(key('F1'), textarea)).toBe('seekBack');
		expect(at(key('Escape'), textarea)).toBe('toggleFocus');
		expect(at(key(' '), textarea)).toBeNull();
		expect(at(key('1'), textarea)).toBeNull();
		expect(at(key('s'), el('INPUT', {}, { type: 'text' }))).toBeNull();
		expect(at(key('s'), el('DIV', { role: 'textbox' }, { isContentEditable: true }))).toBeNull();
	});

	it('fires bare keys outside text fields: speakers 1–9, Space, letters', () => {
		expect(at(key('3'), page)).toBe('speaker3');
		expect(at(key(' '), page)).toBe('playPause');
		expect(at(key('s'), page)).toBe('splitAtPlayhead');
		expect(at(key('?', { shiftKey: true }), page)).toBe('help');
		expect(at(key('Enter'), page)).toBeNull();
	});

	it("leaves a focused button's Space and Enter alone but still fires letters", () => {
		const button = el('BUTTON');
		expect(at(key(' '), button)).toBeNull();
		expect(at(key('ArrowDown'), el('DIV', { role: 'option' }))).toBeNull();
		expect(at(key('m'), button)).toBe('mergeNext');
		expect(at(key('k', { altKey: true }), button)).toBe('playPause');
	});

	it('saves-and-advances on Enter only in segment text fields, not in a search box', () => {
		expect(at(key('Enter'), textarea)).toBe('commitAndNext');
		expect(at(key('Enter', { shiftKey: true }), textarea)).toBe('commitAndPrevious');
		const search = el('INPUT', {}, { type: 'search' });
		expect(at(key('Enter'), search)).toBeNull();
		expect(at(key(' ', { ctrlKey: true }), search)).toBe('playPause');
		expect(at(key('1'), search)).toBeNull();
	});

	it('moves boundaries and zooms with Alt while typing, with bare keys elsewhere, never mid-composition', () => {
		expect(at(key('[', { altKey: true, code: 'BracketLeft' }), textarea)).toBe('startEarlier');
		expect(at(key('“', { altKey: true, code: 'BracketLeft' }), textarea)).toBe('startEarlier'); // macOS ⌥[
		expect(at(key('{', { altKey: true, shiftKey: true, code: 'BracketLeft' }), textarea)).toBe('startEarlierMore');
		expect(at(key("'", { altKey: true, code: 'Quote' }), textarea)).toBe('endLater');
		expect(at(key('I', { altKey: true, shiftKey: true, code: 'KeyI' }), textarea)).toBe('startToPlayhead');
		expect(at(key('O', { shiftKey: true, code: 'KeyO' }), page)).toBe('endToPlayhead');
		expect(at(key('o', { code: 'KeyO' }), page)).toBe('markEnd');
		expect(at(key('z', { altKey: true, code: 'KeyZ' }), textarea)).toBe('zoomToSegment');
		expect(at(key('f'), page)).toBe('toggleFollow');
		expect(at(key(';'), page)).toBe('endEarlier');
		expect(at(key(':', { shiftKey: true, code: 'Semicolon' }), page)).toBe('endEarlierMore');
		// Typing "[" or ";" in the text is text.
		expect(at(key('['), textarea)).toBeNull();
		expect(at(key(';'), textarea)).toBeNull();
		const ime = (event: KeyEventLike) =>
			resolveShortcut(event, bindings, { composing: new CompositionTracker().isImeEvent(event), target: classifyTarget(textarea) });
		expect(ime(key('[', { altKey: true, code: 'BracketLeft', isComposing: true }))).toBeNull();
		expect(ime(key('Process', { altKey: true, code: 'BracketLeft', keyCode: 229 }))).toBeNull();
	});

	it('keeps undo inside a text field for the field itself', () => {
		expect(at(key('z', { ctrlKey: true }), textarea)).toBeNull();
		expect(at(key('z', { ctrlKey: true }), page)).toBe('undo');
	});

	it('fires nothing inside a modal dialog or a key recorder', () => {
		const inDialog = el('BUTTON', {}, { closest: (s: string) => (s.includes('dialog[open]') ? {} : null) });
		expect(at(key('F1'), inDialog)).toBeNull();
	});
});

describe(ShortcutManager.name, () => {
	function keydown(k: string, init: Partial<KeyEventLike> & { target?: unknown } = {}) {
		const { target = null, ...mods } = init;
		let prevented = false;
		const event = {
			...key(k, mods),
			target,
			defaultPrevented: false,
			preventDefault: () => {
				prevented = true;
			},
			stopPropagation: () => {}
		};
		return { event: event as unknown as KeyboardEvent, prevented: () => prevented };
	}

	it('runs the handler and prevents the default; a false return leaves the event alone', () => {
		const playPause = vi.fn();
		const help = vi.fn(() => false as const);
		const keys = new ShortcutManager({ keymap: DEFAULT_KEYMAP, handlers: { playPause, help }, platform: 'other' });
		const a = keydown(' ', { ctrlKey: true, target: textarea });
		keys.handleKeydown(a.event);
		expect(playPause).toHaveBeenCalledOnce();
		expect(a.prevented()).toBe(true);
		const b = keydown('?', { shiftKey: true, target: page });
		keys.handleKeydown(b.event);
		expect(help).toHaveBeenCalledOnce();
		expect(b.prevented()).toBe(false);
	});

	it('swallows auto-repeat of toggles but repeats seeking', () => {
		const playPause = vi.fn();
		const seekBack = vi.fn();
		const keys = new ShortcutManager({ keymap: DEFAULT_KEYMAP, handlers: { playPause, seekBack }, platform: 'other' });
		const held = keydown(' ', { repeat: true, target: page });
		keys.handleKeydown(held.event);
		keys.handleKeydown(keydown('F1', { repeat: true, target: textarea }).event);
		keys.handleKeydown(keydown('F1', { repeat: true, target: textarea }).event);
		expect(playPause).not.toHaveBeenCalled();
		expect(held.prevented()).toBe(true);
		expect(seekBack).toHaveBeenCalledTimes(2);
	});

	it('ignores Enter during composition and uses a new keymap after setKeymap', () => {
		const commitAndNext = vi.fn();
		const keys = new ShortcutManager({ keymap: DEFAULT_KEYMAP, handlers: { commitAndNext }, platform: 'other' });
		keys.tracker.compositionStart();
		keys.handleKeydown(keydown('Enter', { target: textarea }).event);
		expect(commitAndNext).not.toHaveBeenCalled();
		keys.tracker.composing = false;
		keys.setKeymap({ ...DEFAULT_KEYMAP, commitAndNext: ['Ctrl+Enter'] });
		keys.handleKeydown(keydown('Enter', { target: textarea }).event);
		keys.handleKeydown(keydown('Enter', { ctrlKey: true, target: textarea }).event);
		expect(commitAndNext).toHaveBeenCalledOnce();
	});
});

describe('keymap settings', () => {
	it('has no conflicting default bindings on any platform', () => {
		expect(findConflicts(DEFAULT_KEYMAP, 'other')).toEqual([]);
		expect(findConflicts(DEFAULT_KEYMAP, 'mac')).toEqual([]);
	});

	it('reports two actions on one binding where both can fire', () => {
		const keymap = { ...defaultKeymap(), loopSegment: ['Ctrl+Space'], markStart: ['Mod+Z'] };
		expect(findConflicts(keymap, 'other')).toEqual([
			{ binding: 'Ctrl+Space', actions: ['playPause', 'loopSegment'] },
			// undo only fires outside text fields, markStart's Mod+Z everywhere: they overlap there
			{ binding: 'Ctrl+Z', actions: ['markStart', 'undo'] }
		]);
		// On macOS Mod+Z is ⌘Z: no clash with a Ctrl+Z elsewhere.
		expect(findConflicts({ ...defaultKeymap(), markStart: ['Ctrl+Z'] }, 'mac')).toEqual([]);
	});

	it('does not count Enter in a text field and Enter elsewhere as a conflict', () => {
		expect(findConflicts({ ...defaultKeymap(), nextSegment: ['Enter'] }, 'other')).toEqual([]);
	});

	it('stores only what differs from the defaults and reads it back', () => {
		const keymap = defaultKeymap();
		keymap.playPause = ['ctrl+space', 'F9'];
		keymap.speaker1 = [];
		const stored = keymapToSettings(keymap);
		expect(stored).toEqual({ playPause: ['Ctrl+Space', 'F9'], speaker1: [] });
		expect(JSON.parse(JSON.stringify({ keymap: stored }))).toEqual({ keymap: stored });
		const back = keymapFromSettings({ theme: 'dark', keymap: stored });
		expect(back.playPause).toEqual(['Ctrl+Space', 'F9']);
		expect(back.speaker1).toEqual([]);
		expect(back.seekBack).toEqual(DEFAULT_KEYMAP.seekBack);
		expect(keymapToSettings(defaultKeymap())).toEqual({});
	});

	it('rebinds the boundary and view keys like any other', () => {
		const keymap = { ...defaultKeymap(), startEarlier: ['Alt+Shift+ArrowLeft'], toggleFollow: [] };
		const back = keymapFromSettings({ keymap: keymapToSettings(keymap) });
		expect(back.startEarlier).toEqual(['Alt+Shift+ArrowLeft']);
		expect(back.toggleFollow).toEqual([]);
		const bindings = compileKeymap(back, 'other');
		const fire = (event: KeyEventLike) => resolveShortcut(event, bindings, { composing: false, target: 'other' })?.action ?? null;
		expect(fire(key('ArrowLeft', { altKey: true, shiftKey: true }))).toBe('startEarlier');
		expect(fire(key('[', { code: 'BracketLeft' }))).toBeNull();
		expect(fire(key('f'))).toBeNull();
	});

	it('survives unknown actions, bad bindings and junk in settings', () => {
		expect(keymapFromSettings(null)).toEqual(DEFAULT_KEYMAP);
		expect(keymapFromSettings({ keymap: 'nope' })).toEqual(DEFAULT_KEYMAP);
		const read = keymapFromSettings({ keymap: { bogus: ['F5'], playPause: ['Ctrl+Banana', 42, 'alt+p', 'Alt+P'] } });
		expect(read.playPause).toEqual(['Alt+P']);
		expect(read).not.toHaveProperty('bogus');
	});

	it('warns about browser-reserved, IME-switching and typing-blocked bindings', () => {
		const playPause = getAction('playPause')!;
		expect(bindingWarnings(playPause, 'Ctrl+Space', 'other')).toEqual(['imeSwitch']);
		expect(bindingWarnings(playPause, 'Mod+W', 'mac')).toEqual(['reserved']);
		expect(bindingWarnings(playPause, 'K', 'other')).toEqual(['notWhileTyping']);
		expect(bindingWarnings(getAction('undo')!, 'Mod+Z', 'other')).toEqual([]);
	});

	it('formats bindings for each platform', () => {
		expect(formatBinding('Mod+Shift+Z', 'mac')).toBe('⇧⌘Z');
		expect(formatBinding('Mod+Shift+Z', 'other')).toBe('Ctrl+Shift+Z');
		expect(formatBinding('Alt+ArrowDown', 'other')).toBe('Alt+↓');
		expect(formatBinding('Escape', 'mac')).toBe('Esc');
	});
});
