import { describe, expect, it } from 'vitest';
import { formatLeaseLeft } from './lease.ts';

describe(formatLeaseLeft.name, () => {
	it('shows minutes and seconds under an hour, hours and minutes above', () => {
		expect(formatLeaseLeft(29 * 60_000 + 5_000)).toBe('29:05');
		expect(formatLeaseLeft(999)).toBe('0:00');
		expect(formatLeaseLeft(-5)).toBe('0:00');
		expect(formatLeaseLeft(2 * 3_600_000 + 60_000)).toBe('2 h 01');
	});
});
