/**
 * The optional spectrogram view: toggled in the editor, drawn by the server for the visible window
 * only, and lined up with the waveform's viewport (same width, redrawn for the new window after a zoom).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingDto } from '../src/lib/api/types.ts';
import { openEditor, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage } from './seed.ts';

function spectrogramRequests(page: Page) {
	const urls: URL[] = [];
	page.on('request', (req) => {
		if (req.url().includes('/spectrogram?')) urls.push(new URL(req.url()));
	});
	return urls;
}

describe('editor: spectrogram view', () => {
	let h: Harness;
	let dir: string;
	let page: Page;
	let recording: RecordingDto;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-spec-'));
		h = await startHarness();
		const admin = await seedAdmin(h);
		const project = await seedProject(h, admin.cookie, { name: 'Phonetics' });
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'spec.wav'));
		page = await signedInPage(h, admin.cookie);
	});
	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('shows the spectrogram of the visible window and follows zoom', async () => {
		const requests = spectrogramRequests(page);
		await openEditor(page, recording.id);
		expect(await page.getByTestId('spectrogram').count()).toBe(0);

		await page.getByTestId('spectrogram-toggle').click();
		const image = page.getByTestId('spectrogram').locator('img');
		await until(async () => (await image.count()) === 1 && (await image.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the first image');

		const frameWidth = await page.getByTestId('waveform-frame').evaluate((el) => el.clientWidth);
		const first = requests.at(-1)!;
		expect(Number(first.searchParams.get('start'))).toBe(0);
		expect(Number(first.searchParams.get('end'))).toBe(recording.durationMs);
		expect(Number(first.searchParams.get('width'))).toBe(frameWidth);
		expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(frameWidth);

		// Zoom in: a new image is asked for a narrower window.
		await page.getByTestId('waveform-frame').focus();
		for (let i = 0; i < 3; i++) await page.keyboard.press('+');
		await until(() => {
			const last = requests.at(-1)!;
			return Number(last.searchParams.get('end')) - Number(last.searchParams.get('start')) < recording.durationMs / 2;
		}, 'a request for the zoomed window');
		const last = requests.at(-1)!;
		const view = await page.getByTestId('waveform-frame').evaluate((el) => ({
			startMs: Number(el.getAttribute('data-start-ms')),
			pxPerSec: Number(el.getAttribute('data-px-per-sec'))
		}));
		expect(Number(last.searchParams.get('start'))).toBe(Math.round(view.startMs));
		const expectedEnd = Math.round(view.startMs + (frameWidth / view.pxPerSec) * 1000);
		expect(Math.abs(Number(last.searchParams.get('end')) - Math.min(recording.durationMs, expectedEnd))).toBeLessThanOrEqual(1);

		// Off again.
		await page.getByTestId('spectrogram-toggle').click();
		expect(await page.getByTestId('spectrogram').count()).toBe(0);
	});
});
