import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './score.ts';
import { displayWidth, renderTable } from './table.ts';

const CLI = fileURLToPath(new URL('../../scripts/fangyan.mjs', import.meta.url));

describe(parseArgs.name, () => {
	it('reads files, unit, flags and --json', () => {
		expect(parseArgs(['--ref', 'r.trn', '--hyp=h.trn', '--unit', 'word', '--nfkc', '--strip-punct', '--fold-variants', '--fold-width', '--ignore-case', '--json'])).toEqual({
			ref: 'r.trn',
			hyp: 'h.trn',
			json: true,
			options: { unit: 'word', nfkc: true, stripPunct: true, foldVariants: true, foldWidth: true, foldCase: true }
		});
		expect(parseArgs(['--ref', 'r', '--hyp', 'h'])).toEqual({ ref: 'r', hyp: 'h', json: false, options: { unit: 'char' } });
		expect(parseArgs(['--help'])).toEqual({ help: true });
	});

	it.each([
		[['--hyp', 'h'], /Give the reference file/],
		[['--ref', 'r'], /Give the hypothesis file/],
		[['--ref', 'r', '--hyp', 'h', '--unit', 'syllable'], /Unknown unit syllable: use char, mixed, word/],
		[['--ref', 'r', '--hyp', 'h', '--cer'], /Unknown option --cer/],
		[['--ref', 'r', '--hyp', 'h', '--json=yes'], /--json takes no value/],
		[['--ref'], /--ref needs a value/],
		[['r.trn'], /Unexpected argument: r.trn/]
	])('%j is refused', (args, message) => {
		const parsed = parseArgs(args);
		expect(parsed).toHaveProperty('error');
		expect((parsed as { error: string }).error).toMatch(message);
	});
});

describe(renderTable.name, () => {
	it('aligns columns by display width (CJK takes two columns)', () => {
		expect(displayWidth('说话ok')).toBe(6);
		expect(displayWidth('e\u0301')).toBe(1);
		const table = renderTable(['id', 'N'], [['说话', '10'], ['ab', '5']], ['left', 'right']);
		expect(table).toBe('id     N\n说话  10\nab     5\n');
	});
});

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

function runCli(args: string[], cwd: string): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, 'score', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe('npx fangyan score', () => {
	let dir: string;
	const REF = ['我們在這裡。 (spk1-u01)', 'Hello, world! (spk1-u02)', '我用iPhone拍照 (spk2-u03)', ' (spk2-u04)', '你好 (spk2-u05)', ''].join('\n');
	const HYP = ['hello there World (spk1-u02)', '我们在那里 (spk1-u01)', '我用iphone拍了照 (spk2-u03)', '多余 (spk2-u04)', '你好 (spk2-u05)', ''].join('\n');

	beforeAll(() => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-score-cli-'));
		writeFileSync(path.join(dir, 'ref.trn'), REF);
		writeFileSync(path.join(dir, 'hyp.trn'), HYP);
		writeFileSync(path.join(dir, 'missing.trn'), 'x (spk1-u01)\ny (spk9-u99)\n');
		writeFileSync(path.join(dir, 'bad.trn'), 'fine (spk1-u01)\n;; comment\nno id on this line\n');
	});

	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('prints a table per utterance and overall', async () => {
		const run = await runCli(['--ref', 'ref.trn', '--hyp', 'hyp.trn', '--fold-variants', '--strip-punct'], dir);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		const lines = run.stdout.split('\n');
		expect(lines[0]).toBe('hyp.trn against ref.trn · unit: char · normalization: --fold-variants, --strip-punct (NFC and spacing always)');
		expect(lines.slice(2, 9)).toEqual([
			'utterance   N   C  S  D  I  error rate',
			'spk1-u01    5   4  1  0  0      20.00%',
			'spk1-u02   10   8  2  0  5      70.00%',
			'spk2-u03   10   9  1  0  1      20.00%',
			'spk2-u04    0   0  0  0  2           —',
			'spk2-u05    2   2  0  0  0       0.00%',
			'overall    27  23  4  0  8      44.44%'
		]);
	});

	it('prints JSON whose counts equal sclite’s on the same normalized files', async () => {
		const run = await runCli(['--ref', 'ref.trn', '--hyp', 'hyp.trn', '--unit', 'mixed', '--ignore-case', '--strip-punct', '--fold-variants', '--json'], dir);
		expect(run.code).toBe(0);
		const body = JSON.parse(run.stdout);
		expect(body).toMatchObject({ ref: 'ref.trn', hyp: 'hyp.trn', unit: 'mixed', normalization: { foldCase: true, stripPunct: true, foldVariants: true, nfkc: false, foldWidth: false } });

		// The same files normalized by hand (Simplified, lower case, no punctuation), scored by sclite.
		writeFileSync(path.join(dir, 'ref.norm.trn'), '我们在这里 (spk1-u01)\nhello world (spk1-u02)\n我用iphone拍照 (spk2-u03)\n (spk2-u04)\n你好 (spk2-u05)\n');
		writeFileSync(path.join(dir, 'hyp.norm.trn'), 'hello there world (spk1-u02)\n我们在那里 (spk1-u01)\n我用iphone拍了照 (spk2-u03)\n多余 (spk2-u04)\n你好 (spk2-u05)\n');
		const out = execFileSync('sctk', ['sclite', '-r', 'ref.norm.trn', 'trn', '-h', 'hyp.norm.trn', 'trn', '-i', 'rm', '-e', 'utf-8', '-s', '-c', 'NOASCII', '-o', 'pralign', 'stdout'], { cwd: dir, encoding: 'utf8' });
		const theirs = [...out.matchAll(/^id: \((.*)\)\nScores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)$/gmu)].map((m) => [m[1], ...m.slice(2).map(Number)]);
		const ours = body.utterances.map((u: Record<string, number | string>) => [u.id, u.correct, u.substitutions, u.deletions, u.insertions]);
		expect(theirs).toHaveLength(5);
		expect(ours.sort()).toEqual(theirs.sort());
		expect(body.overall).toMatchObject({ refLength: 14, errors: 5, substitutions: 1, insertions: 4 });
	});

	it.each([
		[['--ref', 'nowhere.trn', '--hyp', 'hyp.trn'], 1, 'fangyan score: Cannot read the reference file nowhere.trn: no such file'],
		[['--ref', 'ref.trn', '--hyp', 'missing.trn'], 1, 'fangyan score: The files hold different utterances: 4 utterances (spk1-u02), (spk2-u03), (spk2-u04), (spk2-u05) in ref.trn but not in missing.trn; utterance (spk9-u99) in missing.trn but not in ref.trn'],
		[['--ref', 'ref.trn', '--hyp', 'bad.trn'], 1, 'fangyan score: bad.trn:3: no utterance id — a trn line ends with "(utterance-id)"'],
		[['--ref', 'ref.trn'], 2, 'Give the hypothesis file: --hyp HYP.trn']
	])('%j fails with exit %i and a clear message', async (args, code, message) => {
		const run = await runCli(args, dir);
		expect(run.code).toBe(code);
		expect(run.stderr.split('\n')[0]).toBe(message);
		expect(run.stdout).toBe('');
	});
});
