/**
 * Clock formatting for the ruler, the segment list and tooltips. Times are integer ms everywhere;
 * this is the edge where they become text.
 *
 * @example
 * formatClock(3_723_400) // '1:02:03.4'
 * formatClock(83_400, { fractionDigits: 2 }) // '1:23.40'
 */
export function formatClock(ms: number, { fractionDigits = 1, forceHours = false } = {}): string {
	const negative = ms < 0;
	const scale = 10 ** fractionDigits;
	// Round once at the displayed precision so 59.96 s never prints as "0:59.10".
	const units = Math.round((Math.abs(ms) / 1000) * scale);
	const totalSeconds = Math.floor(units / scale);
	const fraction = units - totalSeconds * scale;
	const h = Math.floor(totalSeconds / 3600);
	const m = Math.floor((totalSeconds % 3600) / 60);
	const s = totalSeconds % 60;
	const ss = String(s).padStart(2, '0');
	const frac = fractionDigits > 0 ? '.' + String(fraction).padStart(fractionDigits, '0') : '';
	const body = h > 0 || forceHours ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
	return (negative ? '-' : '') + body + frac;
}

/** Duration text for lengths: '850 ms', '12.3 s', '4:05'. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	return formatClock(ms, { fractionDigits: 0 });
}
