/**
 * The transcription loop in real Chromium: drawing segments on the waveform, typing Chinese
 * through an input method's composition, Enter to save and move on, autosave, and a reload —
 * each outcome checked on the server through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import {
	composeInFocused,
	dragSegment,
	openEditor,
	panelHeading,
	serverSegments,
	until
} from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage, type SeededUser } from './seed.ts';

describe('transcription editor', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-editor-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Yue fieldwork' });
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'yue.wav'));
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('draws segments, types through an IME, saves on Enter only after composition, and keeps the text after a reload', async () => {
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);

		await dragSegment(page, 300, 1800);
		await dragSegment(page, 2200, 3800);
		await until(async () => (await serverSegments(h, admin.cookie, recording.id)).length === 2, 'two segments on the server');
		const created = await serverSegments(h, admin.cookie, recording.id);
		expect(created[0].startMs).toBeGreaterThanOrEqual(200);
		expect(created[0].endMs).toBeLessThanOrEqual(1900);
		expect(created[1].startMs).toBeGreaterThanOrEqual(2100);

		// The first row of the list, then its text field: focusing plays the segment.
		await page.locator('[role="listbox"] [role="option"]').first().click();
		await page.getByTestId('field-transcript').focus();
		expect(await panelHeading(page).textContent()).toContain('Segment 1 of 2');
		await until(() => page.getByTestId('play-pause').getAttribute('aria-label').then((l) => l === 'Pause'), 'segment playback');

		await composeInFocused(page, 'nei', '你');
		// The IME's Enter (isComposing, keyCode 229) picked a candidate: still on segment 1.
		expect(await panelHeading(page).textContent()).toContain('Segment 1 of 2');
		await composeInFocused(page, 'hou', '好');
		expect(await page.getByTestId('field-transcript').inputValue()).toBe('你好');
		expect(await panelHeading(page).textContent()).toContain('Segment 1 of 2');

		// A plain Enter after compositionend saves and moves on, focusing the next field.
		await page.waitForTimeout(60);
		await page.keyboard.press('Enter');
		await until(async () => (await panelHeading(page).textContent())?.includes('Segment 2 of 2'), 'segment 2 selected');
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('field-transcript');
		expect(await page.getByTestId('field-transcript').inputValue()).toBe('');

		await until(async () => (await page.locator('.fy-save-status').getAttribute('data-status')) === 'saved', 'saved status');
		expect(await page.locator('.fy-save-status [role="status"]').textContent()).toBe('All changes saved');
		const saved = await until(async () => {
			const segs = await serverSegments(h, admin.cookie, recording.id);
			return segs[0].texts.transcript === '你好' ? segs : null;
		}, 'text on the server');
		expect(saved[0].texts.transcript).toBe('你好');
		expect(saved[1].texts.transcript ?? '').toBe('');

		await page.reload();
		await openEditor(page, recording.id);
		await page.locator('[role="listbox"] [role="option"]').first().click();
		expect(await page.getByTestId('field-transcript').inputValue()).toBe('你好');
		expect(await page.locator('[role="listbox"] [role="option"]').first().textContent()).toContain('你好');
		await page.context().close();
	});
});
