import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
	new Promise<Buffer>((resolve, reject) =>
		scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))
	);

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs 128 MB and ~0.3 s per login here; 2^15 keeps
// logins near 80 ms on 2 cores while staying far above brute-force comfort.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };
const MAX_MEM = 64 * 1024 * 1024;

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64 salt and hash). */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password.normalize('NFC'), salt, PARAMS.keylen, { ...PARAMS, maxmem: MAX_MEM });
	return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, saltB64, keyB64] = stored.split('$');
	if (scheme !== 'scrypt' || !keyB64) return false;
	const expected = Buffer.from(keyB64, 'base64');
	const key = await scrypt(password.normalize('NFC'), Buffer.from(saltB64, 'base64'), expected.length, {
		N: Number(n),
		r: Number(r),
		p: Number(p),
		maxmem: MAX_MEM
	});
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, to spend the same time on unknown emails as on known ones. */
export const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
