import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type DbHandle, type DbKind } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { clipSampleCount } from '../interop/clip-args.ts';
import { collect } from '../interop/model.ts';
import { checkKaldiDir } from '../interop/testing/kaldi-check.ts';
import { probeSamples } from '../interop/testing/wav.ts';
import { writeTextGrid } from '../interop/textgrid.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { makeTone } from '../media/test-audio.ts';
import { createProject } from '../projects/projects.service.ts';
import { createTestDb, DB_KINDS } from '../test/db.ts';
import { parseArgs } from './export.ts';

const CLI = fileURLToPath(new URL('../../scripts/fangyan.mjs', import.meta.url));
const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH });

describe(parseArgs.name, () => {
	it('needs a project, a format and a folder, and refuses unknown options', () => {
		expect(parseArgs(['-p', 'x', '-f', 'csv', '-o', 'out', '--speaker', 'A,B'])).toMatchObject({ project: 'x', out: 'out', raw: { format: 'csv', speaker: 'A,B' } });
		expect(parseArgs(['--help'])).toEqual({ help: true });
		expect(parseArgs(['-f', 'csv', '-o', 'out'])).toEqual({ error: 'Name the project: --project <slug>' });
		expect(parseArgs(['-p', 'x', '-o', 'out'])).toMatchObject({ error: expect.stringContaining('--format') });
		expect(parseArgs(['-p', 'x', '-f', 'csv'])).toEqual({ error: 'Name the output folder: --out <dir>' });
		expect(parseArgs(['-p', 'x', '-f', 'csv', '-o', 'o', '--force'])).toMatchObject({ error: expect.stringContaining('--force') });
	});
});

function run(args: string[], env: Record<string, string>) {
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', FANGYAN_WORKERS: '2', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe.each(DB_KINDS)('npx fangyan export on %s', (kind: DbKind) => {
	let root: string;
	let handle: DbHandle;
	let env: Record<string, string>;
	const slug = `cli-export-${Date.now().toString(36)}`;

	beforeAll(async () => {
		root = mkdtempSync(path.join(os.tmpdir(), 'fangyan-cli-export-'));
		const dataDir = path.join(root, 'data');
		const input = path.join(root, 'input');
		mkdirSync(input, { recursive: true });
		await makeTone(media.ffmpeg, path.join(input, '访谈.wav'), { seconds: 6, frequency: 440, sampleRate: 44100, channels: 2 });
		const segments = [
			{ startMs: 0, endMs: 1500, speaker: 'S1', dialect: null, texts: { transcript: '第一句' }, status: 'transcribed', origin: 'human' as const },
			{ startMs: 1500, endMs: 3210, speaker: 'S2', dialect: null, texts: { transcript: '第二句' }, status: 'new', origin: 'human' as const },
			{ startMs: 4000, endMs: 5999, speaker: 'S1', dialect: null, texts: { transcript: '第三句' }, status: 'transcribed', origin: 'human' as const }
		];
		writeFileSync(path.join(input, '访谈.TextGrid'), await collect(writeTextGrid({ segments }, { durationMs: 6000 })));
		if (kind === 'sqlite') {
			mkdirSync(dataDir, { recursive: true });
			handle = createDb({ url: path.join(dataDir, 'fangyan.db') });
			await migrateToLatest(handle.db);
			env = { FANGYAN_DATA_DIR: dataDir };
		} else {
			handle = await createTestDb('postgres');
			const url = new URL(inject('pgUrl'));
			url.searchParams.set('options', `-c search_path=${handle.schema}`);
			env = { FANGYAN_DATA_DIR: dataDir, DATABASE_URL: url.toString() };
		}
		const created = await createProject(handle.db, { name: 'CLI export', slug, createdBy: null });
		if (!created.ok) throw new Error('no project');
		const imported = await run(['import', '--project', slug, input], env);
		expect(imported.code, imported.stderr + imported.stdout).toBe(0);
	});
	afterAll(async () => {
		await handle.close();
		rmSync(root, { recursive: true, force: true });
	});

	it('writes a Kaldi directory and the recordings with a summary; filters by review state', async () => {
		const out = path.join(root, 'kaldi');
		const result = await run(['export', '--project', slug, '--format', 'kaldi', '--out', out, '--status', 'transcribed', '--splits', '1,0,0'], env);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^Exported 2 segment\(s\), 0\.001 h, from 1 recording\(s\): \d+ files/);
		expect(result.stdout).toMatch(/train\s+2\s+0\.001/);
		// Not a terminal: progress as plain lines.
		expect(result.stderr).toMatch(/kaldi \d+%/);
		const files = Object.fromEntries(readdirSync(path.join(out, 'data', 'train')).map((f) => [f, readFileSync(path.join(out, 'data', 'train', f), 'utf8')]));
		expect(checkKaldiDir(files)).toEqual([]);
		expect(files.text).toContain('第一句');
		const wav = path.join(out, files['wav.scp'].split(' ')[1].trim());
		expect(probeSamples(media, wav)).toBe(clipSampleCount(0, 6000, 16000));
		expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).filter).toEqual({ statuses: ['transcribed'] });
	});

	it('cuts clips by speaker for Common Voice at the rate asked for', async () => {
		const out = path.join(root, 'cv');
		const result = await run(['export', '-p', slug, '-f', 'common-voice', '-o', out, '--speaker', 'S2', '--rate', '8000'], env);
		expect(result.code, result.stderr).toBe(0);
		const rows = readFileSync(path.join(out, 'validated.tsv'), 'utf8').trim().split('\n').slice(1);
		expect(rows).toHaveLength(1);
		expect(probeSamples(media, path.join(out, 'clips', rows[0].split('\t')[1]))).toBe(clipSampleCount(1500, 3210, 8000));
	});

	it('refuses an unknown speaker, a bad option and a folder in use, with exit code 2 and nothing written', async () => {
		const out = path.join(root, 'bad');
		const unknown = await run(['export', '-p', slug, '-f', 'csv', '-o', out, '--speaker', 'NOPE'], env);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('no speaker "NOPE" in this project');
		const badRate = await run(['export', '-p', slug, '-f', 'audiofolder', '-o', out, '--rate', 'fast'], env);
		expect(badRate.code).toBe(2);
		expect(existsSync(out)).toBe(false);
		mkdirSync(out);
		writeFileSync(path.join(out, 'keep.txt'), 'x');
		const busy = await run(['export', '-p', slug, '-f', 'csv', '-o', out], env);
		expect(busy.code).toBe(2);
		expect(readdirSync(out)).toEqual(['keep.txt']);
	});
});
