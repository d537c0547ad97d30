/**
 * The platform in a real Chromium against the production build and the real server, on a fresh
 * install: first-run setup, a project, an upload that is ingested by ffmpeg, the recording page
 * drawing its waveform from served peaks and playing the rendition, the language switch, and
 * signing out and in again. The steps share one install and run in order.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';

const ADMIN = { name: 'Lin Wen', email: 'lin@example.org', password: 'correct horse battery' };
const PROJECT = 'Cantonese fieldwork';
const SHOTS = path.resolve('test-results/e2e');

describe('platform in Chromium', () => {
	// The steps build on each other; after a failure the rest stop at once instead of timing out.
	let failedStep = '';
	const step = (name: string, fn: () => Promise<void>) =>
		it(name, async () => {
			expect(failedStep, `an earlier step failed: ${failedStep}`).toBe('');
			try {
				await fn();
			} catch (err) {
				failedStep = name;
				await shot(`failed-${name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
				throw err;
			}
		});

	let h: Harness;
	let page: Page;
	let workDir: string;
	let audioFile: string;
	let projectPath = '';
	let recordingPath = '';
	const requests: Request[] = [];

	const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		workDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-files-'));
		audioFile = makeTestAudio(workDir, 5);
		h = await startHarness();
		page = await h.newPage();
		page.setDefaultTimeout(15_000);
		page.on('request', (r) => requests.push(r));
	});

	afterAll(async () => {
		await h?.close();
		if (workDir) rmSync(workDir, { recursive: true, force: true });
	});

	step('sends the first visitor of a fresh install to setup and creates the admin there', async () => {
		await page.goto('/');
		await page.waitForURL('**/setup');
		await expect(page.getByRole('heading', { name: 'Create the admin account' }).isVisible()).resolves.toBe(true);

		// The client checks before the server does, in the user's language.
		await page.getByLabel('Name').fill(ADMIN.name);
		await page.getByLabel('Email').fill(ADMIN.email);
		await page.getByLabel('Password', { exact: true }).fill('short');
		await page.getByLabel('Repeat password').fill('short');
		await page.getByRole('button', { name: 'Create account and sign in' }).click();
		await expect(page.getByText('Use at least 10 characters.').isVisible()).resolves.toBe(true);

		await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
		await page.getByLabel('Repeat password').fill(ADMIN.password);
		await shot('01-setup');
		await page.getByRole('button', { name: 'Create account and sign in' }).click();
		await page.waitForURL(h.url + '/');
		await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
		expect(await page.getByTestId('user-menu').textContent()).toContain(ADMIN.name);

		// Setup is a one-time page now.
		await page.goto('/setup');
		await page.waitForURL(h.url + '/');
	});

	step('lets the admin create a project', async () => {
		await page.getByTestId('new-project').click();
		await page.getByLabel('Name', { exact: true }).fill(PROJECT);
		await page.getByLabel('Description').fill('Guangzhou and Taishan speakers, 2026 field trip');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.waitForURL('**/projects/*');
		projectPath = new URL(page.url()).pathname;
		await page.getByRole('heading', { name: PROJECT, level: 1 }).waitFor();
		expect(projectPath).toMatch(/^\/projects\/[a-z0-9-]+$/);

		await page.goto('/');
		const row = page.getByTestId('project-table').getByRole('row', { name: new RegExp(PROJECT) });
		await row.waitFor();
		expect(await row.textContent()).toContain(PROJECT);
		await shot('02-projects');
	});

	step('uploads several files with progress, processes the audio and explains the file that is not audio', async () => {
		await page.goto(projectPath);
		// One file through the picker, one dropped on the drop zone (a text file named .wav).
		await page.getByTestId('file-input').setInputFiles([audioFile]);
		await page.getByTestId('dropzone').evaluate((zone) => {
			const dt = new DataTransfer();
			dt.items.add(new File(['this is a text file with an audio extension\n'.repeat(50)], 'notes.wav', { type: 'audio/wav' }));
			zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
			zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
		});
		const items = page.getByTestId('upload-item');
		await items.first().waitFor();
		expect(await items.count()).toBe(2);

		const good = items.filter({ hasText: path.basename(audioFile) });
		const bad = items.filter({ hasText: 'notes.wav' });
		await bad.getByTestId('upload-error').waitFor({ timeout: 30_000 });
		expect(await bad.getByTestId('upload-error').textContent()).toContain('This file is not audio.');

		// Its progress bar ran, then the server's processing state is shown until it is ready.
		await page
			.locator('[data-testid="upload-item"][data-phase="ready"]', { hasText: path.basename(audioFile) })
			.waitFor({ timeout: 60_000 });
		expect(await good.getByRole('link', { name: 'Open recording' }).isVisible()).toBe(true);
		const row = page.getByTestId('recording-row').filter({ hasText: path.basename(audioFile) });
		await row.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
		expect(await row.textContent()).toContain('0:05');
		expect(await page.getByTestId('recording-row').count()).toBe(1);
		await shot('03-project-uploaded');

		await row.getByRole('link').click();
		await page.waitForURL('**/recordings/*');
		recordingPath = new URL(page.url()).pathname;
	});

	step('draws the waveform from the served peaks without the browser fetching the audio to decode it', async () => {
		const playButton = page.getByTestId('play-pause');
		await playButton.waitFor();
		await page.waitForFunction(() => !(document.querySelector('[data-testid="play-pause"]') as HTMLButtonElement).disabled);
		const paint = () => page.evaluate(() => {
			const host = document.querySelector('[data-testid="waveform-frame"] .host > div');
			const canvases = [...(host?.shadowRoot?.querySelectorAll('canvas') ?? [])];
			let inked = 0;
			let total = 0;
			const columnHeights: number[] = [];
			for (const canvas of canvases) {
				if (!canvas.width || !canvas.height) continue;
				const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
				total += width * height;
				for (let x = 0; x < width; x++) {
					let column = 0;
					for (let y = 0; y < height; y++) if (data[(y * width + x) * 4 + 3] > 0) column++;
					inked += column;
					columnHeights.push(column);
				}
			}
			// The test audio ends in 1.5 s of silence: the last tenth of the drawing must be flat.
			const tail = columnHeights.slice(Math.floor(columnHeights.length * 0.9));
			return {
				canvases: canvases.length,
				inked,
				total,
				tallest: Math.max(0, ...columnHeights),
				tailTallest: Math.max(0, ...tail)
			};
		});
		// The first frame is painted once the canvases hold ink (waited for, not assumed after a delay).
		let painted = await paint();
		await expect.poll(async () => ((painted = await paint()), painted.canvases > 0 && painted.inked / painted.total > 0.01), { timeout: 10_000 }).toBe(true);
		expect(painted.canvases).toBeGreaterThan(0);
		expect(painted.inked / painted.total).toBeGreaterThan(0.01);
		expect(painted.tallest).toBeGreaterThan(20);
		expect(painted.tailTallest).toBeLessThan(painted.tallest / 10);

		const id = recordingPath.split('/').pop();
		const peaks = requests.filter((r) => r.url().endsWith(`/api/recordings/${id}/peaks`));
		expect(peaks.length).toBeGreaterThanOrEqual(1);
		const audio = requests.filter((r) => new URL(r.url()).pathname === `/api/recordings/${id}/audio`);
		// Only the media element asks for audio, and always by Range: nothing fetches the file to decode it.
		for (const r of audio) {
			expect(r.resourceType()).toBe('media');
			expect(r.headers()['range']).toMatch(/^bytes=\d+-/);
		}
		expect(await page.getByTestId('audio').getAttribute('preload')).toBe('metadata');
		await shot('04-recording');
	});

	step('plays the rendition: the audio element advances and the time display follows', async () => {
		await page.getByTestId('play-pause').click();
		await page.waitForFunction(
			() => (document.querySelector('[data-testid="audio"]') as HTMLAudioElement).currentTime > 0.5,
			undefined,
			{ timeout: 15_000 }
		);
		expect(await page.getByTestId('play-pause').getAttribute('aria-label')).toBe('Pause');
		expect(await page.getByTestId('current-time').textContent()).not.toBe('0:00.00');
		await page.getByTestId('play-pause').click();
		const t = await page.evaluate(() => (document.querySelector('[data-testid="audio"]') as HTMLAudioElement).currentTime);
		expect(t).toBeGreaterThan(0.5);

		// Keyboard: the waveform is focusable; Home seeks to the start, + zooms, Space plays, and
		// the view pages along with the playhead.
		const frame = page.getByTestId('waveform-frame');
		await frame.focus();
		await page.keyboard.press('Home');
		await page.waitForFunction(() => (document.querySelector('[data-testid="audio"]') as HTMLAudioElement).currentTime === 0);
		const fitted = Number(await frame.getAttribute('data-px-per-sec'));
		await page.keyboard.press('+');
		await page.keyboard.press('+');
		await page.waitForFunction((px) => Number(document.querySelector('[data-testid="waveform-frame"]')!.getAttribute('data-px-per-sec')) > px * 1.9, fitted);
		expect(await frame.getAttribute('data-start-ms')).toBe('0');
		await page.keyboard.press(' ');
		await page.waitForFunction(
			() => (document.querySelector('[data-testid="audio"]') as HTMLAudioElement).currentTime > 3,
			undefined,
			{ timeout: 15_000 }
		);
		await page.keyboard.press(' ');
		expect(Number(await frame.getAttribute('data-start-ms'))).toBeGreaterThan(1000);
		expect(await page.getByTestId('zoom-out').isEnabled()).toBe(true);
		await shot('05-recording-zoomed');
	});

	step('switches the UI to Simplified Chinese and remembers it in the account', async () => {
		await page.getByTestId('language-switch').selectOption('zh-CN');
		await page.getByRole('button', { name: '播放' }).waitFor();
		expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
		await page.waitForFunction(async () => {
			const res = await fetch('/api/auth/me');
			return (await res.json()).user.settings.locale === 'zh-CN';
		});
		await page.reload();
		await page.getByRole('link', { name: '项目', exact: true }).waitFor();
		await shot('06-recording-zh');

		await page.getByTestId('language-switch').selectOption('en');
		await page.getByRole('link', { name: 'Projects', exact: true }).waitFor();
	});

	step('signs out, guards pages behind sign-in, and signs in again back to where the user was', async () => {
		await page.getByTestId('user-menu').click();
		await page.getByTestId('sign-out').click();
		await page.waitForURL('**/login');

		await page.goto(projectPath);
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === projectPath);

		await page.getByLabel('Email').fill(ADMIN.email);
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByTestId('form-error').waitFor({ timeout: 15_000 });
		expect(await page.getByTestId('form-error').textContent()).toContain('Wrong email or password');
		await shot('07-login-error');

		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(h.url + projectPath);
		await page.getByRole('heading', { name: PROJECT, level: 1 }).waitFor();
		expect(await page.getByTestId('recording-row').count()).toBe(1);
	});
});
