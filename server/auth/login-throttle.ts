/**
 * Slows down repeated wrong passwords: after `freeAttempts` consecutive failures for one email
 * (or one client address) each further attempt waits twice as long as the one before, up to
 * `maxDelayMs`. A success clears the email's count. Kept in memory: with several app servers each
 * one throttles on its own, which still bounds guessing to a handful of tries per second.
 */
export interface LoginThrottle {
	/** Milliseconds the next attempt for this key must wait before it is checked. */
	delayFor(keys: string[]): number;
	recordFailure(keys: string[]): void;
	recordSuccess(keys: string[]): void;
}

export function createLoginThrottle(options: { freeAttempts?: number; baseDelayMs?: number; maxDelayMs?: number } = {}): LoginThrottle {
	const freeAttempts = options.freeAttempts ?? 3;
	const baseDelayMs = options.baseDelayMs ?? 500;
	const maxDelayMs = options.maxDelayMs ?? 10_000;
	const failures = new Map<string, { count: number; last: number }>();
	const FORGET_AFTER_MS = 15 * 60 * 1000;

	const countOf = (key: string) => {
		const entry = failures.get(key);
		if (!entry) return 0;
		if (Date.now() - entry.last > FORGET_AFTER_MS) {
			failures.delete(key);
			return 0;
		}
		return entry.count;
	};

	return {
		delayFor(keys) {
			const count = Math.max(0, ...keys.map(countOf));
			if (count < freeAttempts) return 0;
			return Math.min(maxDelayMs, baseDelayMs * 2 ** (count - freeAttempts));
		},
		recordFailure(keys) {
			for (const key of keys) failures.set(key, { count: countOf(key) + 1, last: Date.now() });
			if (failures.size > 100_000) failures.clear(); // a flood of random emails must not grow memory forever
		},
		recordSuccess(keys) {
			for (const key of keys) failures.delete(key);
		}
	};
}
