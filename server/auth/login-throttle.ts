import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import {
	bumpLoginAttempts,
	clearLoginAttempts,
	deleteIdleLoginAttempts,
	takeBackLoginAttempt
} from './login-throttle.repository.ts';

/** One sign-in attempt: the account as typed and the client's address (see client-address.ts). */
export interface LoginAttempt {
	account: string;
	address: string;
}

/**
 * Slows down guessing, with the counts in the database so every app server sees the same ones.
 *
 * Two counters per attempt: the (account, client address) pair, and the address alone. After
 * `freeAttempts` attempts of a pair without a correct password, each further one waits twice as
 * long as the one before (from `baseDelayMs` up to `maxDelayMs`); the address gets the same curve
 * from a much looser `addressFreeAttempts`, so one address trying many accounts slows down too.
 * Neither key is the account alone (an attacker could then slow a victim's own sign-in from
 * anywhere) nor a proxy's address (everyone behind it would wait): the address is the client's.
 * A correct password clears its pair and takes its own attempt back from the address; counts
 * idle for `windowMs` start again from zero and are deleted by `cleanup`.
 *
 * Attempts are counted before the password is checked, each with one atomic upsert, so attempts
 * sent in parallel each see the ones before them instead of all reading the same old count.
 */
export interface LoginThrottle {
	/** Counts the attempt; resolves to how long (ms) it must wait before its password is checked. */
	begin(db: Db, attempt: LoginAttempt): Promise<number>;
	/** The password was right. */
	succeeded(db: Db, attempt: LoginAttempt): Promise<void>;
	/** Deletes counts idle for longer than the window; resolves to how many. */
	cleanup(db: Db): Promise<number>;
}

export interface LoginThrottleOptions {
	freeAttempts?: number;
	addressFreeAttempts?: number;
	baseDelayMs?: number;
	maxDelayMs?: number;
	windowMs?: number;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
	const freeAttempts = options.freeAttempts ?? 3;
	const addressFreeAttempts = options.addressFreeAttempts ?? 30;
	const baseDelayMs = options.baseDelayMs ?? 500;
	const maxDelayMs = options.maxDelayMs ?? 10_000;
	const windowMs = options.windowMs ?? 15 * 60 * 1000;

	const delayAfter = (earlier: number, free: number) =>
		earlier < free ? 0 : Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(earlier - free, 30));

	return {
		async begin(db, attempt) {
			const now = Date.now();
			const [pair, address] = await bumpLoginAttempts(db, [pairKey(attempt), addressKey(attempt)], {
				now: new Date(now).toISOString(),
				windowStart: new Date(now - windowMs).toISOString()
			});
			// Each count includes this attempt; the delay follows from the ones before it.
			return Math.max(delayAfter(pair - 1, freeAttempts), delayAfter(address - 1, addressFreeAttempts));
		},
		async succeeded(db, attempt) {
			await clearLoginAttempts(db, pairKey(attempt));
			await takeBackLoginAttempt(db, addressKey(attempt));
		},
		cleanup: (db) => deleteIdleLoginAttempts(db, new Date(Date.now() - windowMs).toISOString())
	};
}

/**
 * Keys are hashes: the table holds no email addresses or IPs, and whatever a client typed (any
 * length, any characters) becomes 64 hex digits.
 */
export function pairKey({ account, address }: LoginAttempt): string {
	return `pair:${sha256(`${normalizeAccount(account)}\n${address}`)}`;
}

export function addressKey({ address }: Pick<LoginAttempt, 'address'>): string {
	return `addr:${sha256(address)}`;
}

function normalizeAccount(account: string) {
	return account.trim().toLowerCase().normalize('NFC');
}

function sha256(text: string) {
	return createHash('sha256').update(text).digest('hex');
}
