import type { KeyEventLike } from './bindings.ts';

// An options object, not `true`: Node's EventTarget ignores a boolean capture flag on removal.
const CAPTURE = { capture: true } as const;

/** keyCode browsers report for key events an input method consumes. */
const IME_KEY_CODE = 229;

/**
 * Tracks input-method composition on a document, so no shortcut fires while a Chinese (or any)
 * IME is composing: Enter commits a candidate, Space picks one, digits choose from the list, Esc
 * cancels. Browsers differ in how they report it, so this checks every signal:
 * - `event.isComposing` (Chromium, Firefox);
 * - keyCode 229 / key "Process" (Safari sends the committing Enter *after* compositionend with
 *   isComposing false but keyCode 229; Chromium on Windows reports "Process");
 * - compositionstart … compositionend seen on the document (covers events whose flags are wrong);
 * - the key event that arrives in the same task as compositionend, or within `graceMs` of it
 *   (some browsers send the Enter that ended the composition just after compositionend).
 */
export class CompositionTracker {
	/** True between compositionstart and compositionend. */
	composing = false;
	readonly graceMs: number;
	#justEnded = false;
	#endedAt = Number.NEGATIVE_INFINITY;
	#clearTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(options: { graceMs?: number } = {}) {
		this.graceMs = options.graceMs ?? 30;
	}

	compositionStart() {
		this.composing = true;
	}

	compositionEnd(timeStamp?: number) {
		this.composing = false;
		this.#justEnded = true;
		this.#endedAt = typeof timeStamp === 'number' && timeStamp > 0 ? timeStamp : Number.NEGATIVE_INFINITY;
		if (this.#clearTimer) clearTimeout(this.#clearTimer);
		// Cleared on the next task: a keydown dispatched in the same task is still guarded.
		this.#clearTimer = setTimeout(() => {
			this.#justEnded = false;
			this.#clearTimer = null;
		}, 0);
	}

	/** Listens for composition events on `target` (capture phase, so nothing can hide them). */
	attach(target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>): () => void {
		const start = () => this.compositionStart();
		const end = (event: Event) => this.compositionEnd(event.timeStamp);
		target.addEventListener('compositionstart', start, CAPTURE);
		target.addEventListener('compositionend', end, CAPTURE);
		return () => {
			target.removeEventListener('compositionstart', start, CAPTURE);
			target.removeEventListener('compositionend', end, CAPTURE);
			if (this.#clearTimer) clearTimeout(this.#clearTimer);
		};
	}

	/** True when `event` belongs to an input method and must not trigger anything. */
	isImeEvent(event: KeyEventLike): boolean {
		if (isImeKeyEvent(event) || this.composing || this.#justEnded) return true;
		const t = event.timeStamp;
		return typeof t === 'number' && t > 0 && t >= this.#endedAt && t - this.#endedAt <= this.graceMs;
	}
}

/** The flags a key event itself carries when an IME handles it (no document state needed). */
export function isImeKeyEvent(event: KeyEventLike): boolean {
	return event.isComposing === true || event.keyCode === IME_KEY_CODE || event.key === 'Process';
}
