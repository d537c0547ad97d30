/**
 * Autosave for the segment editor.
 *
 * - `createAutosave({ userId, onAdopt })` opens the IndexedDB outbox, replays what earlier
 *   sessions left and returns an `Autosave` (reactive: status, pendingCount, lastSavedAt,
 *   conflicts, failures…).
 * - Feed it every editor change: `autosave.record({ type, segment, previous })`.
 * - Show `<SaveStatus autosave={autosave} />`, `<ConflictDialog conflict={autosave.conflicts[0] ?? null} … />`,
 *   `<RevisionHistory segmentId={…} />`, and `$effect(() => installUnloadGuard(autosave))`.
 * - `Outbox` is the engine without Svelte, for tests and non-browser use.
 */
export { Autosave, createAutosave, type CreateAutosaveOptions } from './autosave.svelte.ts';
export { Outbox, defaultChoices, type OutboxOptions, type Transport } from './outbox.ts';
export { MemoryOutboxStorage, type OutboxStorage } from './storage.ts';
export { IdbOutboxStorage, openIdbOutboxStorage } from './idb-storage.ts';
export { MemoryLiveness, browserLiveness, localStorageLiveness, webLocksLiveness, type OwnerLiveness } from './liveness.ts';
export { ManualNetwork, browserNetwork, type NetworkMonitor } from './network.ts';
export { installUnloadGuard, type UnloadGuardTarget } from './unload-guard.ts';
export { listRevisions, restoreRevision, type Revision } from './revisions-api.ts';
export { diffFields, snapshotSegment } from './fields.ts';
export { formatMs } from './format.ts';
export { AUTOSAVE_MESSAGES, ensureAutosaveMessages } from './messages.ts';
export { default as ConflictDialog } from './ConflictDialog.svelte';
export { default as SaveStatus } from './SaveStatus.svelte';
export { default as RevisionHistory } from './RevisionHistory.svelte';
export type * from './types.ts';
