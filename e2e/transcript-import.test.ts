/**
 * Importing a transcript in real Chromium: the editor's "Import transcript" dialog takes a
 * TextGrid, shows what would change (detected format, counts, the speaker it would create), and
 * after Import the editor reloads with the file's segments — checked in the list and on the server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type InteropSegment } from '../server/interop/model.ts';
import { writeTextGrid } from '../server/interop/textgrid.ts';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, serverSegments, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage, type SeededUser } from './seed.ts';

const seg = (startMs: number, endMs: number, speaker: string, transcript: string): InteropSegment => ({
	startMs,
	endMs,
	speaker,
	dialect: null,
	texts: { transcript },
	status: null,
	origin: 'human'
});

describe('transcript import', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;
	let s1: { id: string };

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-import-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Import' });
		s1 = (await api<{ speaker: { id: string } }>(h, admin.cookie, 'POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'Ah Ming' })).body.speaker;
		project = (await api<{ project: ProjectDto }>(h, admin.cookie, 'GET', `/api/projects/${project.id}`)).body.project;
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'talk.wav'));
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('previews a TextGrid in the dialog and shows its segments in the editor after Import', async () => {
		const created = await api<{ segment: { id: string } }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
			startMs: 200,
			endMs: 1000,
			speakerId: s1.id,
			texts: { transcript: '旧的' }
		});
		expect(created.status).toBe(201);
		const existing = created.body.segment;

		const textGrid = await collect(
			writeTextGrid(
				{
					segments: [seg(200, 1000, 'S1', '新的'), seg(1500, 3000, 'Mei', '早晨'), seg(3500, 5000, 'S1', '食咗饭未')],
					events: [{ startMs: 2000, endMs: null, tier: 'bell', speaker: null, text: 'ding' }]
				},
				{ durationMs: 6000, statusTier: false }
			)
		);

		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);
		const rows = page.locator('[role="listbox"] [role="option"]');
		await until(async () => (await rows.count()) === 1, 'the one existing segment in the list');

		await page.getByTestId('import-transcript').click();
		const dialog = page.getByTestId('transcript-import-dialog');
		await dialog.waitFor();
		await page.getByTestId('import-file-input').setInputFiles({ name: 'talk.TextGrid', mimeType: 'text/plain', buffer: Buffer.from(textGrid) });

		await dialog.getByTestId('import-preview').waitFor();
		expect(await dialog.getByTestId('import-format').textContent()).toBe('Praat TextGrid');
		const total = (kind: string) => dialog.locator(`[data-testid="import-totals"] [data-kind="${kind}"] .n`).textContent();
		expect([await total('added'), await total('changed'), await total('removed'), await total('unchanged')]).toEqual(['2', '1', '0', '0']);
		expect(await dialog.getByTestId('import-creates').textContent()).toContain('Mei');
		expect(await dialog.getByTestId('import-events').textContent()).toContain('1 added');
		expect(await dialog.getByTestId('import-samples').textContent()).toContain('旧的');

		await dialog.getByTestId('import-apply').click();
		await dialog.waitFor({ state: 'hidden' });
		// The editor reloads its segments from the server: the list shows the file's three.
		await until(async () => (await rows.count()) === 3 && (await rows.allTextContents()).join(' ').includes('早晨'), 'the imported segments in the list', 20_000);
		const texts = (await rows.allTextContents()).join('\n');
		expect(texts).toContain('新的');
		expect(texts).toContain('食咗饭未');
		expect(texts).not.toContain('旧的');

		const segments = await serverSegments(h, admin.cookie, recording.id);
		expect(segments.map((s) => [s.startMs, s.endMs, s.texts.transcript])).toEqual([
			[200, 1000, '新的'],
			[1500, 3000, '早晨'],
			[3500, 5000, '食咗饭未']
		]);
		expect(segments[0].id).toBe(existing.id);
		expect(segments[0].version).toBe(2);
		const events = await api<{ events: { timeMs: number; tier: string; label: string }[] }>(h, admin.cookie, 'GET', `/api/recordings/${recording.id}/events`);
		expect(events.body.events.map((e) => [e.timeMs, e.tier, e.label])).toEqual([[2000, 'bell', 'ding']]);
		// Nothing the old editor held came back: the save status is settled and the server still has three.
		await until(async () => (await page.locator('.fy-save-status').getAttribute('data-status')) === 'saved', 'saved status');
		expect(await serverSegments(h, admin.cookie, recording.id)).toHaveLength(3);
	});
});
