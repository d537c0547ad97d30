/**
 * Behaviour of the platform pages beyond the happy path of platform.test.ts: what a non-admin
 * sees, the recording page while the audio is still processing, and a session that expires
 * while someone works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

describe('platform pages', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-pages-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Wu fieldwork', description: 'Shanghai and Suzhou' });
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 3, 'wu.wav'));
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('shows a transcriber the projects and recordings without the admin controls', async () => {
		const transcriber = await seedUser(h, { role: 'transcriber', email: 'tx@example.org', name: 'Chen Yu', memberOf: [project.id] });
		const page = await signedInPage(h, transcriber.cookie);
		await page.goto('/');
		await page.getByRole('link', { name: 'Wu fieldwork' }).waitFor();
		expect(await page.getByTestId('new-project').count()).toBe(0);

		await page.getByRole('link', { name: 'Wu fieldwork' }).click();
		await page.getByTestId('recording-row').waitFor();
		expect(await page.getByTestId('dropzone').count()).toBe(0);
		expect(await page.getByTestId('recording-row').textContent()).toContain('wu.wav');

		await page.getByTestId('user-menu').click();
		expect(await page.locator('#user-menu-panel').textContent()).toContain('Member');
		await page.keyboard.press('Escape');
		expect(await page.locator('#user-menu-panel').count()).toBe(0);
		await page.context().close();
	});

	it('shows the processing state on the recording page and draws the waveform once it is ready', async () => {
		const page = await signedInPage(h, admin.cookie);
		// The server says "processing" (and peaks 409) for the first answers, as during a real ingest.
		let pending = 2;
		await page.route(`**/api/recordings/${recording.id}`, async (route: Route) => {
			const res = await route.fetch();
			const body = (await res.json()) as { recording: RecordingDto };
			if (pending > 0) body.recording = { ...body.recording, state: 'processing' };
			await route.fulfill({ response: res, json: body });
		});
		await page.route(`**/api/recordings/${recording.id}/peaks`, async (route: Route) => {
			if (pending-- > 0) {
				await route.fulfill({ status: 409, json: { error: { code: 'not_ready', message: 'processing', state: 'processing' } } });
			} else await route.continue();
		});

		await page.goto(`/recordings/${recording.id}`);
		await page.getByTestId('processing').waitFor();
		expect(await page.getByTestId('recording-state').textContent()).toBe('Processing');

		await page.locator('[data-testid="play-pause"]:not([disabled])').waitFor({ timeout: 20_000 });
		expect(await page.getByTestId('recording-state').textContent()).toBe('Ready');
		expect(await page.getByTestId('processing').count()).toBe(0);
		await page.context().close();
	});

	it('sends someone whose session expired to sign in, then back to the page they were on', async () => {
		const page = await signedInPage(h, admin.cookie);
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('recording-row').waitFor();

		// The session ends on the server (expiry, sign-out elsewhere); the next API call gets 401.
		await h.server.deps.db.deleteFrom('session').execute();
		await page.getByRole('link', { name: 'wu.wav' }).click();
		await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/recordings/${recording.id}`);

		await page.getByLabel('Email').fill(admin.email);
		await page.getByLabel('Password').fill(admin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => u.pathname === `/recordings/${recording.id}`);
		await page.locator('[data-testid="play-pause"]:not([disabled])').waitFor();
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('wu.wav');
		await page.context().close();
	});

	it('redirects a failing action (not only a navigation) to sign-in when the session is gone', async () => {
		const page = await signedInPage(h, await seedAdminSession());
		await page.goto('/');
		await page.getByTestId('new-project').click();
		await h.server.deps.db.deleteFrom('session').execute();
		await page.getByLabel('Name', { exact: true }).fill('Never created');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.waitForURL((u) => u.pathname === '/login');
		const res = await fetch(`${h.url}/api/projects`, { headers: { cookie: admin.cookie } });
		expect(res.status).toBe(401);
		await page.context().close();
	});

	/** A fresh session for the admin (earlier tests deleted theirs). */
	async function seedAdminSession(): Promise<string> {
		const res = await fetch(`${h.url}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: admin.email, password: admin.password })
		});
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('fangyan_session='));
		admin.cookie = cookie!.split(';')[0];
		return admin.cookie;
	}
});
