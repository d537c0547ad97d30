import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJobs } from '../jobs/jobs.repository.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { makeTone } from '../media/test-audio.ts';
import { insertProject } from '../projects/projects.repository.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { checkFileName, extensionOf, importRecordingFromFile } from './recordings.service.ts';

const fixtures = mkdtempSync(path.join(os.tmpdir(), 'fangyan-svc-fixtures-'));
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
	return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
		.filter((d) => d.isFile())
		.map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
		.sort();
}

describe(checkFileName.name, () => {
	it.each(['tape 3.WAV', '粤语访谈.flac', 'a.b.c.mp3', 'x'])('accepts %j', (name) => {
		expect(checkFileName(name)).toBe(name.normalize('NFC'));
	});

	it('normalises to NFC', () => {
		expect(checkFileName('cafe\u0301.wav')).toBe('café.wav');
	});

	it.each(['', '   ', '../x.wav', 'a/b.wav', 'a\\b.wav', '..', 'x..wav', 'nul\u0000.wav', 'cr\r.wav', 'del\u007f.wav', 'a'.repeat(256)])(
		'rejects %j with invalid_file_name',
		(name) => {
			expect(() => checkFileName(name)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_file_name' }));
		}
	);
});

describe(extensionOf.name, () => {
	it.each([
		['Tape.WAV', 'wav'],
		['a.tar.flac', 'flac'],
		['noext', ''],
		['weird.ext with space', ''],
		['x.verylongext', '']
	])('%s → %j', (name, ext) => {
		expect(extensionOf(name)).toBe(ext);
	});
});

describe.each(DB_KINDS)('importRecordingFromFile on %s', (kind) => {
	let ctx: TestContext;
	let projectA: string;
	let projectB: string;
	let tone: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		projectA = newId();
		projectB = newId();
		for (const id of [projectA, projectB]) {
			await insertProject(ctx.deps.db, { id, slug: `p-${id}`, name: id, description: '', guidelines: '', createdBy: null });
		}
		tone = await makeTone(ctx.deps.media.ffmpeg, path.join(fixtures, `tone-${kind}.flac`), { seconds: 1.5, frequency: 700 });
	});
	afterAll(() => ctx.close());

	const rowCount = async () => (await ctx.deps.db.selectFrom('recording').select('id').execute()).length;

	it('copies the original, and writes the row and its ingest job together', async () => {
		let notified = 0;
		ctx.deps.notifyJobs = () => notified++;
		const recording = await importRecordingFromFile(ctx.deps, {
			projectId: `p-${projectA}`,
			filePath: tone,
			name: 'Tone.FLAC',
			userId: null,
			place: '  Taishan  ',
			metadata: { consent: 'signed' }
		});
		expect(recording).toMatchObject({ projectId: projectA, name: 'Tone.FLAC', place: 'Taishan', metadata: { consent: 'signed' }, state: 'queued' });
		expect(recording.durationMs).toBe(1500);
		expect(existsSync(tone)).toBe(true);
		expect(existsSync(ctx.deps.storage.originalPath(recording.sha256, 'flac'))).toBe(true);
		expect(await listJobs(ctx.deps.db)).toEqual([
			expect.objectContaining({ kind: 'ingest', state: 'queued', payload: JSON.stringify({ recordingId: recording.id }) })
		]);
		expect(notified).toBe(1);
	});

	it('stores identical bytes once across projects, and moves a file when asked', async () => {
		const moved = path.join(fixtures, `moved-${kind}.flac`);
		copyFileSync(tone, moved);
		const before = listFiles(path.join(ctx.dataDir, 'originals'));
		const recording = await importRecordingFromFile(ctx.deps, { projectId: projectB, filePath: moved, name: 'tone.flac', userId: null, move: true });
		expect(recording.projectId).toBe(projectB);
		expect(listFiles(path.join(ctx.dataDir, 'originals'))).toEqual(before);
		expect(existsSync(moved)).toBe(false);
	});

	it('leaves no row, job or file when the database write fails, and gives a moved file back', async () => {
		const other = await makeTone(ctx.deps.media.ffmpeg, path.join(fixtures, `other-${kind}.wav`), { seconds: 1, frequency: 1234 });
		const rowsBefore = await rowCount();
		const jobsBefore = (await listJobs(ctx.deps.db)).length;
		const filesBefore = listFiles(ctx.dataDir);
		for (const move of [false, true]) {
			// created_by must name a user: an unknown one makes the insert fail inside the transaction.
			const err = await importRecordingFromFile(ctx.deps, { projectId: projectA, filePath: other, name: 'other.wav', userId: 'no-such-user', move }).catch(
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(Error);
			expect(err).not.toBeInstanceOf(AppError);
			expect(await rowCount()).toBe(rowsBefore);
			expect((await listJobs(ctx.deps.db)).length).toBe(jobsBefore);
			expect(listFiles(ctx.dataDir)).toEqual(filesBefore);
			expect(existsSync(other)).toBe(true);
		}
	});

	it('lets one of two concurrent imports of the same bytes win; the other gets 409 duplicate', async () => {
		const same = await makeTone(ctx.deps.media.ffmpeg, path.join(fixtures, `race-${kind}.wav`), { seconds: 1, frequency: 321 });
		const rowsBefore = await rowCount();
		const results = await Promise.allSettled(
			[1, 2].map((i) => importRecordingFromFile(ctx.deps, { projectId: projectA, filePath: same, name: `race${i}.wav`, userId: null }))
		);
		const won = results.filter((r) => r.status === 'fulfilled');
		const lost = results.filter((r) => r.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(1);
		expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
			status: 409,
			code: 'duplicate',
			details: { recordingId: (won[0] as PromiseFulfilledResult<{ id: string }>).value.id }
		});
		expect(await rowCount()).toBe(rowsBefore + 1);
		const { sha256 } = (won[0] as PromiseFulfilledResult<{ sha256: string }>).value;
		expect(existsSync(ctx.deps.storage.originalPath(sha256, 'wav'))).toBe(true);
	});

	it.each([
		[{ name: '../evil.flac' }, 400, 'invalid_file_name'],
		[{ projectId: 'nope' }, 404, 'not_found'],
		[{ filePath: '/no/such/file.wav' }, 404, 'not_found'],
		[{ speakerId: 'nobody' }, 422, 'unknown_speaker']
	])('refuses %j with %i %s before writing anything', async (override, status, code) => {
		const filesBefore = listFiles(ctx.dataDir);
		const rowsBefore = await rowCount();
		const err = await importRecordingFromFile(ctx.deps, { projectId: projectA, filePath: tone, name: 'x.flac', userId: null, ...override }).catch(
			(e: unknown) => e
		);
		expect(err).toMatchObject({ status, code });
		expect(await rowCount()).toBe(rowsBefore);
		expect(listFiles(ctx.dataDir)).toEqual(filesBefore);
	});
});
