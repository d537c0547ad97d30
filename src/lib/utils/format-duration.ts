/**
 * A duration in milliseconds as a clock: `m:ss` under an hour, `h:mm:ss` from an hour on, with
 * `fractionDigits` (0–3) decimals of a second. Digits and colons read the same in every UI
 * language, so tables and the player show this rather than words.
 *
 * @example formatClock(65_432) // '1:05'
 * @example formatClock(3_723_450, 2) // '1:02:03.45'
 */
export function formatClock(ms: number | null | undefined, fractionDigits: 0 | 1 | 2 | 3 = 0): string {
	if (ms == null || !Number.isFinite(ms)) return '–';
	const sign = ms < 0 ? '-' : '';
	const scale = 10 ** fractionDigits;
	// Round once, in whole units of the last shown digit, before splitting into h/m/s,
	// so 59.9996 s never shows as 0:60.
	const units = Math.round((Math.abs(ms) / 1000) * scale);
	const totalSeconds = Math.floor(units / scale);
	const fraction = units % scale;
	const h = Math.floor(totalSeconds / 3600);
	const m = Math.floor((totalSeconds % 3600) / 60);
	const s = totalSeconds % 60;
	const ss = String(s).padStart(2, '0');
	const frac = fractionDigits ? '.' + String(fraction).padStart(fractionDigits, '0') : '';
	return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}${frac}` : `${sign}${m}:${ss}${frac}`;
}

/** Share of `part` in `whole` as 0…1, clamped; 0 when the whole is unknown or empty. */
export function ratio(part: number | null | undefined, whole: number | null | undefined): number {
	if (!part || !whole || whole <= 0) return 0;
	return Math.min(1, Math.max(0, part / whole));
}

/** A byte count for people: 1 decimal above 1 kB, binary multiples with SI-style names. */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '–';
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
