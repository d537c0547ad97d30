/**
 * The windows a recording of `durationMs` becomes as tasks: the whole recording when it fits in
 * one window, else windows of `chunkMs` that start `chunkMs - overlapMs` apart (so a word cut at a
 * boundary is heard whole in one of them); the last one ends at the end of the recording.
 *
 * @example
 * chunkWindows(25 * 60_000, 10 * 60_000, 5_000);
 * // [{ startMs: 0, endMs: 600000 }, { startMs: 595000, endMs: 1195000 }, { startMs: 1190000, endMs: 1500000 }]
 */
export function chunkWindows(durationMs: number, chunkMs: number, overlapMs: number): { startMs: number; endMs: number }[] {
	if (!(durationMs > 0)) return [];
	if (durationMs <= chunkMs) return [{ startMs: 0, endMs: durationMs }];
	const step = chunkMs - Math.min(overlapMs, Math.floor(chunkMs / 2));
	const windows: { startMs: number; endMs: number }[] = [];
	for (let start = 0; ; start += step) {
		const end = Math.min(start + chunkMs, durationMs);
		windows.push({ startMs: start, endMs: end });
		if (end >= durationMs) return windows;
	}
}
