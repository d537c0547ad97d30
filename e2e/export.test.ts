/**
 * Exporting in real Chromium: the project page's Export dialog (both languages) narrows the
 * selection, shows how much it selects, runs the job with a progress bar and offers the zip, whose
 * contents are checked with an independent zip reader; a recording row opens the dialog for that
 * recording only. Screenshots at 1280×800 and 1920×1080 go to test-results/e2e.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipTo } from '../server/interop/testing/unzip.ts';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage, type SeededUser } from './seed.ts';

const SHOTS = path.resolve('test-results/e2e');

describe('export dialog', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;
	let speakers: Record<string, string>;

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-export-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Export 导出' });
		speakers = {};
		for (const code of ['S1', 'S2']) {
			speakers[code] = (await api<{ speaker: { id: string } }>(h, admin.cookie, 'POST', `/api/projects/${project.id}/speakers`, { code, name: `说话人 ${code}` })).body.speaker.id;
		}
		project = (await api<{ project: ProjectDto }>(h, admin.cookie, 'GET', `/api/projects/${project.id}`)).body.project;
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'talk.wav'));
		const lines: [number, number, string, string][] = [
			[200, 1400, 'S1', '早晨'],
			[1500, 2600, 'S2', '食咗饭未'],
			[3000, 4200, 'S1', '好耐冇见'],
			[4300, 5600, 'S2', '系啊']
		];
		for (const [startMs, endMs, s, transcript] of lines) {
			const res = await api(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, { startMs, endMs, speakerId: speakers[s], texts: { transcript }, status: 'transcribed' });
			expect(res.status).toBe(201);
		}
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('exports an audiofolder of one speaker with a progress bar and a download, in English and Chinese', async () => {
		for (const [locale, viewport] of [
			['en-US', { width: 1280, height: 800 }],
			['zh-CN', { width: 1920, height: 1080 }]
		] as const) {
			const page = await signedInPage(h, admin.cookie, { locale, viewport, acceptDownloads: true });
			await page.goto(`/projects/${project.slug}`);
			await page.getByTestId('export-project').click();
			const dialog = page.getByTestId('export-dialog');
			await dialog.waitFor();
			const count = dialog.getByTestId('export-count');
			await until(async () => /4/.test((await count.textContent()) ?? ''), 'the count of the whole project');
			await dialog.getByTestId('export-format-audiofolder').check();
			await dialog.locator('[data-testid="export-filters"] > summary').click();
			await dialog.getByTestId('export-speaker-S1').check();
			await until(async () => /\b2\b/.test((await count.textContent()) ?? '') && !/\b4\b/.test((await count.textContent()) ?? ''), 'the count of one speaker');
			await dialog.getByTestId('export-split-train').fill('100');
			await dialog.getByTestId('export-split-dev').fill('0');
			await dialog.getByTestId('export-split-test').fill('0');
			await page.screenshot({ path: path.join(SHOTS, `export-dialog-${locale}-${viewport.width}.png`) });

			await dialog.getByTestId('export-start').click();
			const job = dialog.getByTestId('export-job');
			await job.waitFor();
			await until(async () => (await job.getAttribute('data-state')) === 'done', 'the export to finish', 60_000);
			await page.screenshot({ path: path.join(SHOTS, `export-done-${locale}-${viewport.width}.png`) });

			const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
			const file = path.join(dir, `${locale}.zip`);
			await download.saveAs(file);
			const out = path.join(dir, locale);
			mkdirSync(out);
			const names = await unzipTo(readFileSync(file), out);
			expect(names).toContain('train/metadata.jsonl');
			const rows = readFileSync(path.join(out, 'train/metadata.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { transcription: string; speaker: string; file_name: string });
			expect(rows.map((r) => r.transcription)).toEqual(['早晨', '好耐冇见']);
			expect(rows.every((r) => r.speaker === 'S1' && names.includes(`train/${r.file_name}`))).toBe(true);
			expect(await dialog.getByTestId('export-recent').isVisible()).toBe(true);
			await page.context().close();
		}
	});

	it('exports one recording from its row as a TextGrid', async () => {
		const page = await signedInPage(h, admin.cookie);
		await page.goto(`/projects/${project.slug}`);
		await page.locator('[data-action="export"]').first().click();
		const dialog = page.getByTestId('export-dialog');
		await dialog.waitFor();
		expect(await dialog.locator('h2, [id$="-title"]').first().textContent()).toContain('talk.wav');
		await dialog.getByTestId('export-format-textgrid').check();
		await dialog.getByTestId('export-start').click();
		const job = dialog.getByTestId('export-job');
		await until(async () => (await job.getAttribute('data-state')) === 'done', 'the TextGrid export to finish', 60_000);
		const list = await api<{ exports: { format: string; filter: { recordingIds?: string[] }; summary: { segments: number } | null }[] }>(h, admin.cookie, 'GET', `/api/projects/${project.id}/exports`);
		expect(list.body.exports[0]).toMatchObject({ format: 'textgrid', filter: { recordingIds: [recording.id] }, summary: { segments: 4 } });
		await page.context().close();
	});
});
