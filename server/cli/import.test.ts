import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb, type DbHandle, type DbKind } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { makeTone } from '../media/test-audio.ts';
import { createProject } from '../projects/projects.service.ts';
import { createTestDb, DB_KINDS } from '../test/db.ts';
import { collect } from '../interop/model.ts';
import { writeTextGrid } from '../interop/textgrid.ts';
import { collectFiles, findSidecar, parseArgs } from './import.ts';

const CLI = fileURLToPath(new URL('../../scripts/fangyan.mjs', import.meta.url));
const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH });

describe(parseArgs.name, () => {
	it.each([
		[['--project', 'hakka', 'a.wav', 'dir'], { project: 'hakka', paths: ['a.wav', 'dir'], transcripts: true, clipTranscripts: false }],
		[['a.wav', '--project=wu'], { project: 'wu', paths: ['a.wav'], transcripts: true, clipTranscripts: false }],
		[['-p', 'wu', '--', '--odd-name.wav'], { project: 'wu', paths: ['--odd-name.wav'], transcripts: true, clipTranscripts: false }],
		[['-p', 'wu', '--no-transcripts', '--clip-transcripts', 'a'], { project: 'wu', paths: ['a'], transcripts: false, clipTranscripts: true }],
		[['--help'], { help: true }],
		[['a.wav'], { error: 'Name the project: --project <slug>' }],
		[['--project', 'x'], { error: 'Name at least one file or folder to import' }],
		[['--project', 'x', '--force', 'a'], { error: 'Unknown option --force' }]
	])('%j', (args, expected) => {
		expect(parseArgs(args)).toEqual(expected);
	});
});

function run(args: string[], options: { cwd: string; env: Record<string, string> }) {
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], {
			cwd: options.cwd,
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', FANGYAN_WORKERS: '2', ...options.env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe.each(DB_KINDS)('npx fangyan import on %s', (kind: DbKind) => {
	let root: string;
	let dataDir: string;
	let input: string;
	let handle: DbHandle;
	let env: Record<string, string>;
	const slug = `cli-${Date.now().toString(36)}`;

	beforeAll(async () => {
		root = mkdtempSync(path.join(os.tmpdir(), 'fangyan-cli-'));
		dataDir = path.join(root, 'data');
		input = path.join(root, 'input');
		mkdirSync(path.join(input, 'sub', 'deeper'), { recursive: true });
		mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
		await makeTone(media.ffmpeg, path.join(input, 'one.wav'), { seconds: 2, frequency: 500 });
		await makeTone(media.ffmpeg, path.join(input, 'sub', 'two.FLAC'), { seconds: 1, frequency: 600, channels: 2 });
		await makeTone(media.ffmpeg, path.join(input, 'sub', 'deeper', 'three.ogg'), {
			seconds: 1.5,
			frequency: 700,
			codecArgs: ['-c:a', 'libopus']
		});
		copyFileSync(path.join(input, 'one.wav'), path.join(input, 'sub', 'one-again.wav'));
		writeFileSync(path.join(input, 'sub', 'fake.mp3'), 'this is a text file pretending to be an MP3\n');
		writeFileSync(path.join(input, 'sub', 'notes.txt'), 'not picked up: not an audio extension\n');
		await makeTone(media.ffmpeg, path.join(root, 'evil.wav'), { seconds: 1, frequency: 800 });

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
		const created = await createProject(handle.db, { name: 'CLI', slug, createdBy: null });
		if (!created.ok) throw new Error('no project');
	});
	afterAll(async () => {
		await handle.close();
		rmSync(root, { recursive: true, force: true });
	});

	it('finds audio files recursively by extension', async () => {
		const { files, missing } = await collectFiles([input, path.join(root, 'nope')]);
		expect(files.map((f) => path.relative(input, f))).toEqual([
			'one.wav',
			'sub/deeper/three.ogg',
			'sub/fake.mp3',
			'sub/one-again.wav',
			'sub/two.FLAC'
		]);
		expect(missing).toEqual([path.join(root, 'nope')]);
	});

	it('imports a tree, processes it, reports each failure, and exits 1', async () => {
		// Run from a/b with a path that climbs out of it: the name is the base name, and nothing is written outside the data dir.
		const before = readdirSync(root).sort();
		const result = await run(['import', '--project', slug, '../../input', '../../evil.wav'], { cwd: path.join(root, 'a', 'b'), env });
		expect(result.stdout).toContain('Imported 4, duplicates 1, failed 1');
		expect(result.stdout).toMatch(/Already in the project:\n {2}\S*one-again\.wav \(recording \w+\)/);
		expect(result.stdout).toMatch(/Failed:\n {2}\S*fake\.mp3: not_audio: Not an audio file/);
		expect(result.code).toBe(1);
		// Not a terminal: plain progress lines, no carriage returns.
		expect(result.stderr).toMatch(/\[\d\/6\] three\.ogg: ready \(1\.5 s\)/);
		expect(result.stderr).not.toContain('\r');

		const rows = await handle.db.selectFrom('recording').select(['name', 'state', 'duration_ms']).orderBy('name').execute();
		expect(rows).toEqual([
			{ name: 'evil.wav', state: 'ready', duration_ms: 1000 },
			{ name: 'one.wav', state: 'ready', duration_ms: 2000 },
			{ name: 'three.ogg', state: 'ready', duration_ms: 1500 },
			{ name: 'two.FLAC', state: 'ready', duration_ms: 1000 }
		]);
		expect(readdirSync(root).sort()).toEqual([...new Set([...before, 'data'])].sort());
		expect(readdirSync(path.join(root, 'a', 'b'))).toEqual([]);
		expect(readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
		expect(readdirSync(path.join(dataDir, 'media'))).toHaveLength(4);
	});

	it('imports the transcript beside each audio file as its segments; a bad one fails alone, the audio stays', async () => {
		const corpus = path.join(root, 'corpus');
		mkdirSync(corpus);
		await makeTone(media.ffmpeg, path.join(corpus, 'talk.wav'), { seconds: 2, frequency: 310 });
		await makeTone(media.ffmpeg, path.join(corpus, 'broken.wav'), { seconds: 1, frequency: 320 });
		await makeTone(media.ffmpeg, path.join(corpus, 'short.wav'), { seconds: 1, frequency: 330 });
		await makeTone(media.ffmpeg, path.join(corpus, 'plain.wav'), { seconds: 1, frequency: 340 });
		const speech = (startMs: number, endMs: number, speaker: string, transcript: string) => ({
			startMs,
			endMs,
			speaker,
			dialect: null,
			texts: { transcript },
			status: null,
			origin: 'human' as const
		});
		writeFileSync(
			path.join(corpus, 'talk.TextGrid'),
			await collect(
				writeTextGrid(
					{ segments: [speech(100, 900, 'A', '你好'), speech(1000, 1900, 'B', '早晨')], events: [{ startMs: 950, endMs: null, tier: 'bell', speaker: null, text: 'ding' }] },
					{ durationMs: 2000, statusTier: false }
				)
			)
		);
		writeFileSync(path.join(corpus, 'broken.eaf'), '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT>\n<TIER TIER_ID="a">\n</ANNOTATION_DOCUMENT>\n');
		writeFileSync(path.join(corpus, 'short.srt'), '1\n00:00:00,000 --> 00:00:03,000\nfar too long\n');

		expect(await findSidecar(path.join(corpus, 'talk.wav'))).toEqual({ file: path.join(corpus, 'talk.TextGrid'), kind: 'pending' });
		expect(await findSidecar(path.join(corpus, 'plain.wav'))).toBeUndefined();

		const result = await run(['import', '--project', slug, corpus], { cwd: root, env });
		expect(result.stdout).toContain('Imported 4, duplicates 0, failed 0');
		expect(result.stdout).toContain('Transcripts: imported 1, failed 2, skipped 0');
		expect(result.stdout).toMatch(/talk\.TextGrid: 2 segment\(s\), 2 new speaker\(s\)/);
		expect(result.stdout).toMatch(/broken\.eaf: failed: malformed_file: line 4, column \d+: /);
		expect(result.stdout).toMatch(/short\.srt: failed: past_the_end: The transcript reaches 0:00:03\.000 but the recording is 0:00:01\.000 long.*\(--clip-transcripts cuts it/);
		expect(result.stderr).toMatch(/talk\.wav: ready \(2\.0 s\); talk\.TextGrid: 2 segment\(s\)/);
		expect(result.code).toBe(1);

		const recordings = await handle.db.selectFrom('recording').select(['id', 'name', 'state']).where('name', 'in', ['talk.wav', 'broken.wav', 'short.wav', 'plain.wav']).execute();
		expect(recordings.map((r) => r.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
		const talk = recordings.find((r) => r.name === 'talk.wav')!;
		const segments = await handle.db
			.selectFrom('segment')
			.innerJoin('speaker', 'speaker.id', 'segment.speaker_id')
			.select(['segment.start_ms', 'segment.end_ms', 'speaker.code', 'segment.texts', 'segment.origin', 'segment.recording_id'])
			.orderBy('segment.start_ms')
			.execute();
		expect(segments).toEqual([
			{ start_ms: 100, end_ms: 900, code: 'A', texts: '{"transcript":"你好"}', origin: 'import', recording_id: talk.id },
			{ start_ms: 1000, end_ms: 1900, code: 'B', texts: '{"transcript":"早晨"}', origin: 'import', recording_id: talk.id }
		]);
		expect(await handle.db.selectFrom('segment_revision').select('action').where('recording_id', '=', talk.id).execute()).toEqual([{ action: 'create' }, { action: 'create' }]);
		expect(await handle.db.selectFrom('recording_event').select(['time_ms', 'tier', 'label']).execute()).toEqual([{ time_ms: 950, tier: 'bell', label: 'ding' }]);

		// Again: the recordings are there, so their transcripts are left alone; cutting is on request.
		const again = await run(['import', '--project', slug, '--clip-transcripts', corpus], { cwd: root, env });
		expect(again.stdout).toContain('Imported 0, duplicates 4, failed 0');
		expect(again.stdout).toContain('Transcripts: imported 0, failed 0, skipped 3');
		expect(again.code).toBe(0);
	});

	it('exits 0 when everything is already there, and 2 for an unknown project', async () => {
		const again = await run(['import', `--project=${slug}`, path.join(input, 'one.wav')], { cwd: root, env });
		expect(again.stdout).toContain('Imported 0, duplicates 1, failed 0');
		expect(again.code).toBe(0);
		const unknown = await run(['import', '--project', 'no-such-project', input], { cwd: root, env });
		expect(unknown.stderr).toContain('No project "no-such-project"');
		expect(unknown.code).toBe(2);
	});
});
