import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, ratio } from './format-duration.ts';

describe(formatClock.name, () => {
	it.each([
		[0, 0, '0:00'],
		[999, 0, '0:01'],
		[65_432, 0, '1:05'],
		[3_599_999, 0, '1:00:00'],
		[3_723_450, 2, '1:02:03.45'],
		[59_999.6, 3, '1:00.000'],
		[5_000, 2, '0:05.00'],
		[36_000_000, 0, '10:00:00'],
		[-1_500, 1, '-0:01.5']
	])('formats %s ms with %s decimals as %s', (ms, digits, expected) => {
		expect(formatClock(ms, digits as 0 | 1 | 2 | 3)).toBe(expected);
	});

	it('shows a dash for an unknown duration', () => {
		expect(formatClock(null)).toBe('–');
		expect(formatClock(Number.NaN)).toBe('–');
	});
});

describe(ratio.name, () => {
	it.each([
		[50, 100, 0.5],
		[150, 100, 1],
		[10, 0, 0],
		[null, 100, 0],
		[10, null, 0]
	])('%s of %s is %s', (part, whole, expected) => {
		expect(ratio(part, whole)).toBe(expected);
	});
});

describe(formatBytes.name, () => {
	it.each([
		[0, '0 B'],
		[1023, '1023 B'],
		[1536, '1.5 KB'],
		[5 * 1024 * 1024, '5.0 MB']
	])('formats %s bytes as %s', (bytes, expected) => {
		expect(formatBytes(bytes)).toBe(expected);
	});
});
