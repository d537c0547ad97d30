/**
 * A time in ms as `m:ss.mmm` (or `h:mm:ss.mmm` from an hour on), the precision boundaries need.
 *
 * @example
 * formatMs(83_456) // '1:23.456'
 */
export function formatMs(ms: number): string {
	const sign = ms < 0 ? '-' : '';
	const total = Math.abs(Math.round(ms));
	const milli = total % 1000;
	const seconds = Math.floor(total / 1000) % 60;
	const minutes = Math.floor(total / 60_000) % 60;
	const hours = Math.floor(total / 3_600_000);
	const ss = String(seconds).padStart(2, '0');
	const mmm = String(milli).padStart(3, '0');
	return hours > 0
		? `${sign}${hours}:${String(minutes).padStart(2, '0')}:${ss}.${mmm}`
		: `${sign}${minutes}:${ss}.${mmm}`;
}

/** A wall-clock time (ISO string or ms) for "saved at" and history rows, in the UI language. */
export function formatWhen(value: string | number, lang: string | null | undefined, withDate = true): string {
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) return String(value);
	return new Intl.DateTimeFormat(lang ?? undefined, withDate ? { dateStyle: 'medium', timeStyle: 'medium' } : { timeStyle: 'medium' }).format(date);
}
