/**
 * An import rewrites the recording's segments on the server; the editor then reloads them. Edits
 * still in the outbox would be replayed over the new segments (or recreate removed ones), so the
 * import waits until they are sent and refuses while any are not (offline, a conflict to resolve).
 */
export async function editorImportGuard(
	autosave: { flush(): Promise<boolean>; hasUnsavedChanges: boolean; conflicts: readonly unknown[] } | null,
	refusal: string
): Promise<string | null> {
	if (!autosave) return null;
	await autosave.flush();
	return autosave.hasUnsavedChanges || autosave.conflicts.length > 0 ? refusal : null;
}
