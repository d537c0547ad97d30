import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** What newId() makes: 20 characters of the alphabet above (no i, l, o or u). */
export const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{20}$/;
let lastTime = 0;
let counter = 0;

/**
 * A 20-character, lexically time-sortable id (Crockford base32, lower case): 10 characters of
 * milliseconds, 2 of a per-millisecond counter, 8 random. ASCII only, so it is safe in file names,
 * Kaldi utterance ids and XML ids once prefixed.
 */
export function newId(): string {
	const now = Date.now();
	counter = now === lastTime ? counter + 1 : 0;
	lastTime = now;
	let time = '';
	let t = now;
	for (let i = 0; i < 10; i++) {
		time = ALPHABET[t % 32] + time;
		t = Math.floor(t / 32);
	}
	const seq = ALPHABET[(counter >> 5) & 31] + ALPHABET[counter & 31];
	const random = Array.from(randomBytes(8), (b) => ALPHABET[b & 31]).join('');
	return time + seq + random;
}

export function nowIso(): string {
	return new Date().toISOString();
}
