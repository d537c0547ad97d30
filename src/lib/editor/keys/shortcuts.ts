import { detectPlatform, matchCombo, parseBinding, resolveCombo, type KeyCombo, type KeyEventLike, type Platform } from './bindings.ts';
import { CompositionTracker } from './ime.ts';
import { ACTIONS, bindingScope, type ActionId, type BindingScope, type Keymap } from './keymap.ts';
import { classifyTarget, type TargetKind } from './targets.ts';

export interface CompiledBinding {
	action: ActionId;
	binding: string;
	combo: KeyCombo;
	scope: BindingScope;
	repeat: boolean;
}

/** A keymap parsed and resolved for the platform, ready for `resolveShortcut`. */
export function compileKeymap(keymap: Keymap, platform: Platform): CompiledBinding[] {
	const compiled: CompiledBinding[] = [];
	for (const a of ACTIONS) {
		for (const binding of keymap[a.id] ?? []) {
			const parsed = parseBinding(binding);
			if (!parsed) continue;
			compiled.push({
				action: a.id,
				binding,
				combo: resolveCombo(parsed, platform),
				scope: bindingScope(a, parsed),
				repeat: a.repeat
			});
		}
	}
	return compiled;
}

/** Keys a focused button, link, select or slider handles itself. */
const CONTROL_KEYS = new Set(['Space', 'Enter', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown', 'Tab']);

export interface ShortcutContext {
	/** An input method owns this key event (see CompositionTracker.isImeEvent). */
	composing: boolean;
	target: TargetKind;
}

/**
 * The action a keydown triggers, or null. Never anything during IME composition, in a modal
 * dialog or a key recorder; in a text field only bindings that cannot be typing.
 */
export function resolveShortcut(event: KeyEventLike, bindings: CompiledBinding[], ctx: ShortcutContext): CompiledBinding | null {
	if (ctx.composing || ctx.target === 'blocked') return null;
	for (const b of bindings) {
		if (!matchCombo(b.combo, event)) continue;
		const typing = ctx.target === 'text' || ctx.target === 'segmentText';
		if (b.scope === 'text' && ctx.target !== 'segmentText') continue;
		if (b.scope === 'nav') {
			if (typing) continue;
			if (ctx.target === 'control' && CONTROL_KEYS.has(b.combo.key) && !b.combo.ctrl && !b.combo.alt && !b.combo.meta) continue;
		}
		return b;
	}
	return null;
}

/**
 * Handlers by action id. Return `false` to leave the event alone (the browser's default and other
 * listeners run); anything else means handled: the default is prevented and propagation stopped.
 */
export type ShortcutHandlers = Partial<Record<ActionId, (event: KeyboardEvent) => boolean | void>>;

export interface ShortcutManagerOptions {
	keymap: Keymap;
	handlers: ShortcutHandlers;
	platform?: Platform;
	tracker?: CompositionTracker;
}

/**
 * Listens for keydown on the window and runs the bound handler, with the IME guard of
 * CompositionTracker. It listens in the bubble phase, after the page's own components: a
 * component that owns a key (a combobox closing on Esc) claims it with preventDefault. The key's
 * default action (typing) happens after dispatch, so preventing it here still works.
 *
 * @example
 * const keys = new ShortcutManager({ keymap, handlers: { playPause: () => player.toggle() } });
 * $effect(() => keys.attach());
 */
export class ShortcutManager {
	readonly tracker: CompositionTracker;
	readonly platform: Platform;
	/** While false nothing fires (e.g. while a dialog of the page's own is open). */
	enabled = true;
	#bindings: CompiledBinding[];
	#handlers: ShortcutHandlers;

	constructor(options: ShortcutManagerOptions) {
		this.platform = options.platform ?? detectPlatform();
		this.tracker = options.tracker ?? new CompositionTracker();
		this.#bindings = compileKeymap(options.keymap, this.platform);
		this.#handlers = options.handlers;
	}

	setKeymap(keymap: Keymap) {
		this.#bindings = compileKeymap(keymap, this.platform);
	}

	setHandlers(handlers: ShortcutHandlers) {
		this.#handlers = handlers;
	}

	/** The action `event` triggers here and now, or null (no side effects). */
	match(event: KeyEventLike): CompiledBinding | null {
		if (!this.enabled) return null;
		return resolveShortcut(event, this.#bindings, {
			composing: this.tracker.isImeEvent(event),
			target: classifyTarget(event.target)
		});
	}

	/** The keydown listener; exposed for components that route events themselves. */
	readonly handleKeydown = (event: KeyboardEvent) => {
		if (event.defaultPrevented) return;
		const hit = this.match(event);
		if (!hit) return;
		const handler = this.#handlers[hit.action];
		if (!handler) return;
		// A held toggle key: swallow the repeats (no page scroll on Space) without toggling again.
		if (event.repeat && !hit.repeat) {
			event.preventDefault();
			return;
		}
		if (handler(event) === false) return;
		event.preventDefault();
		event.stopPropagation();
	};

	/** Starts listening on `win` (and tracking composition on its document); returns the detach function. */
	attach(win: Window = window): () => void {
		const detachTracker = this.tracker.attach(win.document);
		win.addEventListener('keydown', this.handleKeydown);
		return () => {
			detachTracker();
			win.removeEventListener('keydown', this.handleKeydown);
		};
	}
}

/**
 * For a text field that handles Enter itself: true when this Enter should save and move on, false
 * when it belongs to the input method (committing a candidate) or carries modifiers.
 */
export function isCommitEnter(event: KeyEventLike, tracker?: CompositionTracker): boolean {
	if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return false;
	return !(tracker ? tracker.isImeEvent(event) : event.isComposing || event.keyCode === 229);
}
