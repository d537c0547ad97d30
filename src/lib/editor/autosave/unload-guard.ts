/** What the guard needs from the autosave engine. */
export interface UnloadGuardTarget {
	readonly hasUnsavedChanges: boolean;
	flush(): Promise<unknown>;
}

/**
 * Warns before the tab closes or reloads with unsaved edits, and sends pending edits at once
 * when the page is hidden or left (they are in IndexedDB already; this just saves them sooner).
 * Returns the function that removes the handlers, so it fits `$effect`.
 *
 * @example
 * $effect(() => installUnloadGuard(autosave));
 */
export function installUnloadGuard(autosave: UnloadGuardTarget, target: Window = window): () => void {
	const beforeUnload = (event: BeforeUnloadEvent) => {
		if (!autosave.hasUnsavedChanges) return;
		void autosave.flush();
		event.preventDefault();
		// Chromium before 119 and older Safari need returnValue set to show the dialog.
		Reflect.set(event, 'returnValue', true);
	};
	const hidden = () => {
		if (target.document.visibilityState === 'hidden' && autosave.hasUnsavedChanges) void autosave.flush();
	};
	const pageHide = () => {
		if (autosave.hasUnsavedChanges) void autosave.flush();
	};
	target.addEventListener('beforeunload', beforeUnload);
	target.addEventListener('pagehide', pageHide);
	target.document.addEventListener('visibilitychange', hidden);
	return () => {
		target.removeEventListener('beforeunload', beforeUnload);
		target.removeEventListener('pagehide', pageHide);
		target.document.removeEventListener('visibilitychange', hidden);
	};
}
