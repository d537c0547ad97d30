import type { PendingMark, SegmentStore } from './segment-store.ts';
import type { EditorSegment } from './segment-types.ts';

/**
 * Svelte's view of a SegmentStore. The store is plain TypeScript (fast, testable, shared with
 * canvas code), so reading it from a template or a `$derived` subscribes to nothing: a value
 * computed from it stays as it was until something else happens to re-run it. The editor's
 * details card had exactly that bug ("Segment 1 of 1" after an undo brought a second one back,
 * the count unchanged after pre-segmentation added a thousand). Every read here goes through
 * `revision`, a `$state` bumped by each batch the store emits, so whatever reads through this
 * view re-runs after every change: moves and resizes, undo/redo, remote adoption, nudges.
 *
 * @example
 * const segments = new StoreView(store);
 * const selected = $derived(selectedId ? segments.get(selectedId) : null);
 * // template: {segments.indexOf(id) + 1} of {segments.size}
 * onDestroy(() => segments.dispose());
 */
export class StoreView {
	readonly store: SegmentStore;
	/** The store's revision as Svelte state: the one thing every read below depends on. */
	revision = $state(0);
	#off: () => void;

	constructor(store: SegmentStore) {
		this.store = store;
		this.revision = store.revision;
		this.#off = store.onChange((batch) => (this.revision = batch.revision));
	}

	/** Runs `read` against the store as a tracked read (re-runs with every store change). */
	read<T>(read: (store: SegmentStore) => T): T {
		void this.revision;
		return read(this.store);
	}

	get(id: string | null | undefined): EditorSegment | null {
		return this.read((s) => (id ? (s.get(id) ?? null) : null));
	}
	indexOf(id: string): number {
		return this.read((s) => s.indexOf(id));
	}
	get size(): number {
		return this.read((s) => s.size);
	}
	get laneCount(): number {
		return this.read((s) => s.lanes.length);
	}
	get canUndo(): boolean {
		return this.read((s) => s.canUndo);
	}
	get canRedo(): boolean {
		return this.read((s) => s.canRedo);
	}
	get pendingMark(): PendingMark | null {
		return this.read((s) => s.pendingMark);
	}

	/** Stops listening to the store. */
	dispose() {
		this.#off();
	}
}
