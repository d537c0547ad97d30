/**
 * Generated transcript pairs for timing the diff and the scorer (the tests and `npm run bench`):
 * seeded, so every run measures the same texts.
 */

const HAN = '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出要于就下得可能对后自会那之然看过家天去心学么佢哋喺嘅咗冇啲';
const WORDS = ['ok', 'iPhone', '3', 'WiFi', 'app'];
const PUNCT = ['，', '。', '？', '！', '、'];

/** mulberry32: a small, good-enough PRNG for test data. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A Chinese transcript of `length` characters (code points), with some punctuation and English. */
export function transcriptText(random: () => number, length: number): string {
	let out = '';
	let count = 0;
	while (count < length) {
		const roll = random();
		const piece =
			roll < 0.04 ? WORDS[Math.floor(random() * WORDS.length)] : roll < 0.12 ? PUNCT[Math.floor(random() * PUNCT.length)] : HAN[Math.floor(random() * HAN.length)];
		const chars = [...piece];
		if (count + chars.length > length) continue;
		out += piece;
		count += chars.length;
	}
	return out;
}

/**
 * A reviewer's correction of `text`: about `rate` of its characters substituted, deleted or followed
 * by an insertion, in runs of one to three (as real corrections come).
 */
export function correctedText(random: () => number, text: string, rate = 0.1): string {
	const chars = [...text];
	const out: string[] = [];
	for (let i = 0; i < chars.length; i++) {
		if (random() >= rate / 2) {
			out.push(chars[i]);
			continue;
		}
		const run = 1 + Math.floor(random() * 3);
		const kind = random();
		for (let k = 0; k < run && i < chars.length; k++, i++) {
			if (kind < 0.5) out.push(HAN[Math.floor(random() * HAN.length)]);
			else if (kind < 0.75) continue;
			else out.push(chars[i], HAN[Math.floor(random() * HAN.length)]);
		}
		i--;
	}
	return out.join('');
}

/** Median of `runs` timed calls of `fn` (after `warmup` untimed ones), in milliseconds. */
export function medianMs(fn: () => unknown, runs = 1000, warmup = 200): number {
	for (let i = 0; i < warmup; i++) fn();
	const times = new Float64Array(runs);
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		fn();
		times[i] = performance.now() - start;
	}
	times.sort();
	return runs % 2 ? times[(runs - 1) / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
}
