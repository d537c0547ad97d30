import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable, parsePresegmentArgs } from '../cli/presegment.ts';
import { createDb, type DbHandle } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { resolveMediaTools } from '../media/ffmpeg.ts';
import { createStorage } from '../storage/paths.ts';
import { insertBurstRecording } from './test-audio.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const { DATABASE_URL: _ignored, ...inherited } = process.env;
	return new Promise((resolve, reject) => {
		const child = spawn('npx', ['tsx', 'server/cli/main.ts', 'presegment', ...args], {
			cwd: ROOT,
			env: { ...inherited, LOG_LEVEL: 'error', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
		child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe('npx fangyan presegment (SQLite in a temp data dir)', () => {
	let dataDir: string;
	let handle: DbHandle;
	let recordingId: string;
	let env: Record<string, string>;

	beforeAll(async () => {
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-cli-'));
		env = { FANGYAN_DATA_DIR: dataDir };
		handle = createDb({ url: path.join(dataDir, 'fangyan.db') });
		await migrateToLatest(handle.db);
		const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH });
		({ recordingId } = await insertBurstRecording(handle.db, createStorage(dataDir), media.ffmpeg, {
			durationMs: 10_000,
			bursts: [
				{ startMs: 1000, endMs: 3000, amplitude: 0.5 },
				{ startMs: 5000, endMs: 6000, amplitude: 0.5 },
				{ startMs: 8000, endMs: 9000, amplitude: 0.01 } // −40 dBFS: only heard at −50 dB
			]
		}));
	});
	afterAll(async () => {
		await handle.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('prints a table of proposals and changes nothing', async () => {
		const { code, stdout } = await runCli([recordingId], env);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^1 {2}0:00:00\.9\d\d – 0:00:03\.1\d\d/m);
		expect(stdout).toMatch(/^2 {2}0:00:04\.9\d\d – 0:00:06\.1\d\d/m);
		expect(stdout).toMatch(/^2 proposed segments, /m);
		const rows = await handle.db.selectFrom('segment').select('id').execute();
		expect(rows).toHaveLength(0);
	});

	it('takes options, negative values included, and prints JSON', async () => {
		const { code, stdout } = await runCli([recordingId, '--threshold-db', '-50', '--pad-ms', '0', '--json'], env);
		expect(code).toBe(0);
		const { proposals } = JSON.parse(stdout) as { proposals: { startMs: number; endMs: number }[] };
		expect(proposals).toHaveLength(3);
		expect(Math.abs(proposals[2].startMs - 8000)).toBeLessThanOrEqual(50);
		expect(Math.abs(proposals[2].endMs - 9000)).toBeLessThanOrEqual(50);
	});

	it('inserts with --apply, and skips what is already there on a second run', async () => {
		const first = await runCli([recordingId, '--apply'], env);
		expect(first.code).toBe(0);
		expect(first.stdout).toBe('Inserted 2 segments.\n');
		const rows = await handle.db.selectFrom('segment').select(['start_ms', 'created_by']).orderBy('start_ms').execute();
		expect(rows).toHaveLength(2);
		expect(rows[0].created_by).toBeNull();
		const revisions = await handle.db.selectFrom('segment_revision').select('action').execute();
		expect(revisions.map((r) => r.action)).toEqual(['create', 'create']);

		const second = await runCli([recordingId, '--apply'], env);
		expect(second.code).toBe(0);
		expect(second.stdout).toBe('Inserted 0 segments (skipped 2 that overlap existing segments).\n');
	});

	it.each<[string, string[], number, RegExp]>([
		// Usage errors in detail are parsePresegmentArgs' tests below; one spawn shows the exit code.
		['an unknown recording', ['nosuchrecording'], 3, /Recording not found/],
		['an out-of-range threshold', ['x', '--threshold-db', '-5'], 2, /--threshold-db: /]
	])('exits with a code for %s', async (_name, args, expected, message) => {
		const { code, stderr } = await runCli(args, env);
		expect(code).toBe(expected);
		expect(stderr).toMatch(message);
	});
});

describe(parsePresegmentArgs.name, () => {
	it.each<[string[], unknown]>([
		[['r1'], { recordingId: 'r1', apply: false, json: false, options: { thresholdDb: -35, minSilenceMs: 300, minSegmentMs: 300, padMs: 100, maxSegmentMs: 15_000, bandPass: true } }],
		[
			['--threshold-db', '-42.5', 'r1', '--min-silence-ms=500', '--min-segment-ms', '200', '--pad-ms', '0', '--max-segment-ms', '8000', '--no-band-pass', '--apply', '--json'],
			{ recordingId: 'r1', apply: true, json: true, options: { thresholdDb: -42.5, minSilenceMs: 500, minSegmentMs: 200, padMs: 0, maxSegmentMs: 8000, bandPass: false } }
		],
		[['--help'], { help: true }],
		[['r1', '-h'], { help: true }],
		[['r1', 'r2'], { error: 'Give exactly one recording id' }],
		[['r1', '--pad-ms'], { error: '--pad-ms needs a number' }],
		[['r1', '--pad-ms', 'lots'], { error: '--pad-ms needs a number' }],
		[['r1', '--pad-ms', '1.5'], { error: expect.stringMatching(/^--pad-ms: /) }],
		[['r1', '--min-segment-ms', '5000', '--max-segment-ms', '6000'], { error: expect.stringMatching(/^--max-segment-ms: .*twice/) }]
	])('%j', (args, expected) => {
		expect(parsePresegmentArgs(args)).toEqual(expected);
	});
});

describe(formatTable.name, () => {
	it('numbers the rows, aligns them, and totals the speech', () => {
		const table = formatTable(
			Array.from({ length: 10 }, (_, i) => ({ startMs: i * 400_000, endMs: i * 400_000 + 1500 }))
		);
		const lines = table.trimEnd().split('\n');
		expect(lines[0]).toBe(' 1  0:00:00.000 – 0:00:01.500    1.500 s');
		expect(lines[9]).toBe('10  1:00:00.000 – 1:00:01.500    1.500 s');
		expect(lines[10]).toBe('10 proposed segments, 0:00:15.000 of speech.');
	});

	it('explains an empty result', () => {
		expect(formatTable([])).toMatch(/No speech found/);
	});
});
