/** Where a key event happens, as far as shortcuts care. */
export type TargetKind =
	/**
	 * A segment's text field (marked `data-segment-field` on it or an ancestor): like `text`, plus
	 * the `text` actions (Enter = save and go to the next segment).
	 */
	| 'segmentText'
	/** Any other text field (search, pickers): only bindings with Ctrl/Alt/⌘, F-keys and Esc fire. */
	| 'text'
	/** A button, link, select, slider…: keys the control uses itself (Space, Enter, arrows) don't fire. */
	| 'control'
	/** Anything else (the waveform, the page): every binding fires. */
	| 'other'
	/** A modal dialog or an element marked `data-shortcuts="off"` (a key recorder): nothing fires. */
	| 'blocked';

/** The DOM surface `classifyTarget` reads, so tests can pass plain objects. */
export interface ElementLike {
	tagName?: string;
	type?: string;
	isContentEditable?: boolean;
	getAttribute?(name: string): string | null;
	closest?(selector: string): unknown;
}

const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'url', 'tel', 'email', 'password', 'number', 'date', 'time', 'datetime-local', 'month', 'week']);
const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton']);
const CONTROL_ROLES = new Set([
	'button',
	'link',
	'checkbox',
	'radio',
	'switch',
	'slider',
	'listbox',
	'option',
	'menu',
	'menuitem',
	'menuitemcheckbox',
	'menuitemradio',
	'tab',
	'tree',
	'treeitem',
	'grid',
	'gridcell',
	'scrollbar'
]);

export function classifyTarget(target: unknown): TargetKind {
	const el = target as ElementLike | null;
	if (!el || typeof el !== 'object' || typeof el.tagName !== 'string') return 'other';
	if (el.closest?.('[data-shortcuts="off"], dialog[open], [aria-modal="true"]')) return 'blocked';
	const tag = el.tagName.toUpperCase();
	const role = el.getAttribute?.('role') ?? '';
	const text = () => (el.closest?.('[data-segment-field]') ? 'segmentText' : 'text');
	if (tag === 'TEXTAREA' || el.isContentEditable || TEXT_ROLES.has(role)) return text();
	if (tag === 'INPUT') return TEXT_INPUT_TYPES.has((el.type ?? '').toLowerCase()) ? text() : 'control';
	if (tag === 'SELECT' || tag === 'BUTTON' || tag === 'SUMMARY' || (tag === 'A' && el.getAttribute?.('href') !== null)) {
		return 'control';
	}
	if (CONTROL_ROLES.has(role)) return 'control';
	return 'other';
}
