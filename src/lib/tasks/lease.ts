/** How often the editor renews the lease of the task being worked on (when there was activity). */
export const HEARTBEAT_MS = 60_000;

/**
 * A lease's time left as the task bar shows it: minutes and seconds under an hour, else hours and
 * minutes.
 *
 * @example
 * formatLeaseLeft(29 * 60_000 + 5_000) // '29:05'
 * formatLeaseLeft(2 * 3_600_000 + 60_000) // '2 h 01'
 */
export function formatLeaseLeft(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
