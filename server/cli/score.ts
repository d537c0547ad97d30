/**
 * `npx fangyan score --ref REF --hyp HYP [--unit char|mixed|word] [--nfkc] [--fold-width]
 *  [--fold-variants] [--ignore-case] [--strip-punct] [--json]`
 *
 * Scores a hypothesis NIST trn file against a reference one, per utterance and overall, with the
 * metrics module. The counts equal NIST sclite's on the same (normalized) text:
 *   --unit word  ≡ sclite -r REF trn -h HYP trn -i rm -e utf-8 -s
 *   --unit char  ≡ … -c          --unit mixed ≡ … -c NOASCII
 *   (without --ignore-case our comparison is case-sensitive, hence sclite's -s).
 *
 * Exit codes: 0 scored; 1 unreadable or malformed input; 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import type { ErrorCounts, ScoreOptions } from '../metrics/score.ts';
import { SCORE_UNITS, type ScoreUnit } from '../metrics/tokenize.ts';
import { parseTrn, scoreTrn, TrnError, type TrnScore } from '../metrics/trn.ts';
import { type Align, renderTable } from './table.ts';

const USAGE = `Usage: npx fangyan score --ref REF.trn --hyp HYP.trn [options]

Scores HYP against REF (NIST trn files: the text, then "(utterance-id)", on each line) and prints
substitutions, deletions, insertions, reference length and error rate per utterance and overall.

  --unit char|mixed|word  char: every character (CER, the default); mixed: CJK per character,
                          ASCII words whole; word: space-separated words (WER)
  --nfkc                  Unicode NFKC (compatibility forms, full-width letters and digits)
  --fold-width            full-width/half-width forms only (ＡＢＣ１２３ → ABC123, ｶﾞ → ガ)
  --fold-variants         Traditional → Simplified Chinese (OpenCC, HK and TW variants)
  --ignore-case           lower-case both sides
  --strip-punct           remove punctuation (Unicode category P: ，。「」 and ,.!? alike)
  --json                  print JSON instead of a table

Exit code 0 when scored, 1 when a file is unreadable or malformed, 2 on bad usage.
`;

const FLAGS: Record<string, keyof Omit<ScoreOptions, 'unit'>> = {
	nfkc: 'nfkc',
	'fold-width': 'foldWidth',
	'fold-variants': 'foldVariants',
	'ignore-case': 'foldCase',
	'strip-punct': 'stripPunct'
};

export type ScoreArgs =
	| { help: true }
	| { error: string }
	| { ref: string; hyp: string; json: boolean; options: ScoreOptions & { unit: ScoreUnit } };

export function parseArgs(args: string[]): ScoreArgs {
	let ref: string | undefined;
	let hyp: string | undefined;
	let json = false;
	const options: ScoreOptions & { unit: ScoreUnit } = { unit: 'char' };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === '--help' || arg === '-h' || arg === 'help') return { help: true };
		const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
		if (!match) return { error: `Unexpected argument: ${arg}` };
		const [, key, inline] = match;
		if (key in FLAGS || key === 'json') {
			if (inline !== undefined) return { error: `--${key} takes no value` };
			if (key === 'json') json = true;
			else options[FLAGS[key]] = true;
			continue;
		}
		if (key !== 'ref' && key !== 'hyp' && key !== 'unit') return { error: `Unknown option --${key}` };
		const value = inline ?? args[++i];
		if (value === undefined || value === '') return { error: `--${key} needs a value` };
		if (key === 'ref') ref = value;
		else if (key === 'hyp') hyp = value;
		else if ((SCORE_UNITS as string[]).includes(value)) options.unit = value as ScoreUnit;
		else return { error: `Unknown unit ${value}: use ${SCORE_UNITS.join(', ')}` };
	}
	if (!ref) return { error: 'Give the reference file: --ref REF.trn' };
	if (!hyp) return { error: 'Give the hypothesis file: --hyp HYP.trn' };
	return { ref, hyp, json, options };
}

async function readText(file: string, role: string): Promise<string> {
	let bytes: Buffer;
	try {
		bytes = await readFile(file);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
		throw new TrnError(`Cannot read the ${role} file ${file}: ${why}`);
	}
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new TrnError(`The ${role} file ${file} is not UTF-8 text`);
	}
}

function percent(rate: number | null): string {
	return rate === null ? '—' : `${(rate * 100).toFixed(2)}%`;
}

function countCells(c: ErrorCounts): string[] {
	return [c.refLength, c.correct, c.substitutions, c.deletions, c.insertions].map(String).concat(percent(c.errorRate));
}

export function formatTable(score: TrnScore, heading: string): string {
	const header = ['utterance', 'N', 'C', 'S', 'D', 'I', 'error rate'];
	const rows = score.utterances.map((u) => [u.id, ...countCells(u)]);
	rows.push(['overall', ...countCells(score.overall)]);
	const align = header.map((_, i): Align => (i === 0 ? 'left' : 'right'));
	return `${heading}\n\n${renderTable(header, rows, align)}`;
}

export async function run(args: string[]): Promise<number> {
	const parsed = parseArgs(args);
	if ('help' in parsed) {
		process.stdout.write(USAGE);
		return 0;
	}
	if ('error' in parsed) {
		process.stderr.write(`${parsed.error}\n\n${USAGE}`);
		return 2;
	}
	const { ref, hyp, options } = parsed;
	let score: TrnScore;
	try {
		const [refText, hypText] = await Promise.all([readText(ref, 'reference'), readText(hyp, 'hypothesis')]);
		score = scoreTrn(parseTrn(refText, ref), parseTrn(hypText, hyp), options, { ref, hyp });
	} catch (err) {
		if (!(err instanceof TrnError)) throw err;
		process.stderr.write(`fangyan score: ${err.message}\n`);
		return 1;
	}
	const normalization = Object.entries(FLAGS)
		.filter(([, name]) => options[name])
		.map(([flag]) => `--${flag}`);
	if (parsed.json) {
		const body = {
			ref,
			hyp,
			unit: options.unit,
			normalization: Object.fromEntries(Object.values(FLAGS).map((name) => [name, options[name] === true])),
			overall: score.overall,
			utterances: score.utterances
		};
		process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
	} else {
		const heading = `${hyp} against ${ref} · unit: ${options.unit} · normalization: ${normalization.length ? normalization.join(', ') : 'none'} (NFC and spacing always)`;
		process.stdout.write(formatTable(score, heading));
	}
	return 0;
}
