/**
 * Cross-check against NIST sclite (Debian package sctk; scripts/test-setup.sh installs it): on
 * generated English and Chinese cases, our S/D/I/N equal sclite's for every utterance and overall.
 * Each fast-check run writes one reference and one hypothesis trn file — the texts normalized by us
 * first, as `npx fangyan score` would see them — runs sclite on them, and compares its per-utterance
 * counts (-o pralign) and its totals (-o rsum) with scoreTrn on the raw texts with the same options.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeText } from './normalize.ts';
import type { ScoreOptions } from './score.ts';
import { parseTrn, scoreTrn } from './trn.ts';

interface Counts {
	correct: number;
	substitutions: number;
	deletions: number;
	insertions: number;
}

interface ScliteResult {
	utterances: Map<string, Counts>;
	overall: Counts & { refLength: number };
}

let dir: string;

beforeAll(() => {
	try {
		execFileSync('sctk', ['sclite'], { stdio: 'pipe' });
	} catch (err) {
		// sclite with no arguments prints its usage and exits 1; only a missing binary is fatal.
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error('NIST sclite is missing: run scripts/test-setup.sh (or apt-get install sctk)');
		}
	}
	dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-sclite-'));
});

afterAll(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
});

function sclite(refFile: string, hypFile: string, flags: string[]): ScliteResult {
	const out = execFileSync('sctk', ['sclite', '-r', refFile, 'trn', '-h', hypFile, 'trn', '-i', 'rm', '-e', 'utf-8', ...flags, '-o', 'pralign', 'rsum', 'stdout'], {
		cwd: dir,
		encoding: 'utf8'
	});
	const utterances = new Map<string, Counts>();
	for (const m of out.matchAll(/^id: \((.*)\)\nScores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)$/gmu)) {
		const [c, s, d, i] = m.slice(2).map(Number);
		utterances.set(m[1], { correct: c, substitutions: s, deletions: d, insertions: i });
	}
	const sum = /\|\s*Sum(?:\/Avg)?\s*\|\s*(\d+)\s+(\d+)\s*\|\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s/u.exec(out);
	if (!sum) throw new Error(`No totals in sclite's output:\n${out}`);
	const [, , n, c, s, d, i] = sum.map(Number);
	return { utterances, overall: { refLength: n, correct: c, substitutions: s, deletions: d, insertions: i } };
}

// Small vocabularies, so that tokens repeat and equal-cost alignments (sclite's tie-breaking) abound.
const ENGLISH = ['a', 'b', 'the', 'cat', 'sat', 'on', 'mat', 'hello', 'world', 'yes', 'no', 'ok'];
const ENGLISH_CASED = [...ENGLISH, 'The', 'Cat', 'HELLO', 'Ok', 'World'];
const CHINESE = [...'我你他们在这那里是不好的了人说话'];
// Traditional characters, full-width forms, CJK and ASCII punctuation and embedded English: what the
// normalization options are for. (No parentheses, braces or "@": trn syntax.)
const CHINESE_RAW = [...CHINESE, ...'們這裡說話國語為', 'ＡＢ', '１２', 'Ｏｋ', '，', '。', '！', '、', '「', '」', ',', '.', '?', 'ok', 'iPhone', '3', 'OK'];

type Join = 'spaces' | 'cjk';

function utterancePair(vocabulary: string[], join: Join) {
	const token = fc.constantFrom(...vocabulary);
	const tokens = fc.array(token, { maxLength: 30 });
	const edited = (ref: string[]) =>
		fc
			.array(fc.tuple(fc.constantFrom('keep', 'keep', 'keep', 'keep', 'sub', 'del', 'ins'), token), { minLength: ref.length, maxLength: ref.length })
			.chain((ops) =>
				fc.array(token, { maxLength: 3 }).map((tail) => {
					const hyp: string[] = [];
					ops.forEach(([op, t], i) => {
						if (op === 'keep') hyp.push(ref[i]);
						else if (op === 'sub') hyp.push(t);
						else if (op === 'ins') hyp.push(t, ref[i]);
					});
					return [...hyp, ...tail];
				})
			);
	const hypFor = (ref: string[]) =>
		fc.oneof({ weight: 6, arbitrary: edited(ref) }, { weight: 1, arbitrary: tokens }, { weight: 1, arbitrary: fc.constant<string[]>([]) });
	// Chinese joins characters without spaces, with some spaces here and there; English uses 1–3.
	const separator = join === 'spaces' ? fc.constantFrom(' ', ' ', '  ', '\t') : fc.constantFrom('', '', '', ' ', '\u3000');
	const render = (list: string[]) =>
		fc.array(separator, { minLength: list.length + 1, maxLength: list.length + 1 }).map((seps) => {
			let text = seps[0];
			list.forEach((t, i) => (text += t + (i === list.length - 1 ? seps[i + 1] : join === 'spaces' && seps[i + 1] === '' ? ' ' : seps[i + 1])));
			return text;
		});
	return fc
		.oneof({ weight: 8, arbitrary: tokens }, { weight: 1, arbitrary: fc.constant<string[]>([]) })
		.chain((ref) => hypFor(ref).map((hyp) => [ref, hyp] as const))
		.chain(([ref, hyp]) => fc.tuple(render(ref), render(hyp)));
}

function batch(vocabulary: string[], join: Join) {
	return fc.array(utterancePair(vocabulary, join), { minLength: 1, maxLength: 12 });
}

interface Case {
	name: string;
	vocabulary: string[];
	join: Join;
	options: ScoreOptions;
	/** sclite's flags for the unit (and case handling). */
	flags: string[];
	/** Write the raw texts for sclite instead of ours normalized (to test sclite's own case folding). */
	raw?: boolean;
}

const CASES: Case[] = [
	// Three or four distinct tokens in long utterances: equal-cost alignments at many cells, where only
	// sclite's exact tie-breaking gives its S/D/I split (a deletion-first variant fails here).
	{ name: 'four words, long utterances (tie-breaking)', vocabulary: ['a', 'b', 'c', 'd'], join: 'spaces', options: { unit: 'word' }, flags: ['-s'] },
	{ name: 'three characters, long utterances (tie-breaking)', vocabulary: [...'我你他'], join: 'cjk', options: { unit: 'char' }, flags: ['-s', '-c'] },
	{ name: 'English words (WER), case-sensitive', vocabulary: ENGLISH_CASED, join: 'spaces', options: { unit: 'word' }, flags: ['-s'] },
	{ name: 'English words, --ignore-case against sclite folding case itself', vocabulary: ENGLISH_CASED, join: 'spaces', options: { unit: 'word', foldCase: true }, flags: [], raw: true },
	{ name: 'English per character (sclite -c)', vocabulary: ENGLISH_CASED, join: 'spaces', options: { unit: 'char' }, flags: ['-s', '-c'] },
	{ name: 'Chinese per character (CER, sclite -c)', vocabulary: CHINESE, join: 'cjk', options: { unit: 'char' }, flags: ['-s', '-c'] },
	{ name: 'Chinese with English, mixed (sclite -c NOASCII)', vocabulary: CHINESE_RAW, join: 'cjk', options: { unit: 'mixed' }, flags: ['-s', '-c', 'NOASCII'] },
	{
		name: 'Chinese, every normalization (NFKC, variants, case, punctuation), per character',
		vocabulary: CHINESE_RAW,
		join: 'cjk',
		options: { unit: 'char', nfkc: true, foldVariants: true, foldCase: true, stripPunct: true },
		flags: ['-s', '-c']
	},
	{
		name: 'Chinese, width and variant folding, mixed',
		vocabulary: CHINESE_RAW,
		join: 'cjk',
		options: { unit: 'mixed', foldWidth: true, foldVariants: true },
		flags: ['-s', '-c', 'NOASCII']
	},
	{ name: 'Chinese words, punctuation stripped (WER)', vocabulary: CHINESE_RAW, join: 'spaces', options: { unit: 'word', stripPunct: true, foldWidth: true }, flags: ['-s'] }
];

describe('counts equal NIST sclite on generated cases', () => {
	it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, index) => {
		let runs = 0;
		fc.assert(
			fc.property(batch(c.vocabulary, c.join), (pairs) => {
				runs++;
				const ids = pairs.map((_, i) => `spk${(i % 3) + 1}-u${String(i).padStart(4, '0')}`);
				const rawRef = pairs.map(([ref], i) => `${ref} (${ids[i]})`).join('\n');
				const rawHyp = pairs.map(([, hyp], i) => `${hyp} (${ids[i]})`).join('\n');
				const forSclite = (which: 0 | 1) =>
					pairs.map((p, i) => `${c.raw ? p[which] : normalizeText(p[which], c.options)} (${ids[i]})`).join('\n') + '\n';
				const refFile = path.join(dir, 'ref.trn');
				const hypFile = path.join(dir, 'hyp.trn');
				writeFileSync(refFile, forSclite(0));
				writeFileSync(hypFile, forSclite(1));
				const theirs = sclite(refFile, hypFile, c.flags);
				const ours = scoreTrn(parseTrn(rawRef), parseTrn(rawHyp), c.options);

				expect(ours.utterances.map((u) => u.id)).toEqual(ids);
				for (const u of ours.utterances) {
					const { correct, substitutions, deletions, insertions } = u;
					expect({ id: u.id, correct, substitutions, deletions, insertions }).toEqual({ id: u.id, ...theirs.utterances.get(u.id) });
				}
				const { refLength, correct, substitutions, deletions, insertions } = ours.overall;
				expect({ refLength, correct, substitutions, deletions, insertions }).toEqual(theirs.overall);
			}),
			{ seed: 20_240_800 + index, numRuns: 40 }
		);
		expect(runs).toBeGreaterThanOrEqual(40);
	});
});
