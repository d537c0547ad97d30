/** Nearest-rank percentile (p in 0..100) of `values`; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: number[]): number {
	return percentile(values, 50);
}

export function mean(values: number[]): number {
	return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Rounds to `digits` decimals, for the report and latest.json (measurement noise is far above that). */
export function round(value: number, digits = 3): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
