/**
 * The queue in real Chromium: a manager creates tasks and sees them all; a transcriber presses Next
 * task, lands in the editor at the task's window with the task bar (state, lease), edits a segment
 * and submits; the server has the task submitted and the edit saved. Screens in both languages at
 * two sizes: the tasks page (manager and transcriber), the editor with its task bar, the settings tab.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, serverSegments, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedMember, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

const SHOTS = path.resolve('test-results/e2e');
const SIZES = [
	{ width: 1280, height: 800 },
	{ width: 1920, height: 1080 }
];

type Task = { id: string; state: string; assigneeId: string | null; recordingId: string; startMs: number; endMs: number };

describe('tasks and the queue', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let transcriber: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-tasks-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		transcriber = await seedUser(h, { role: 'transcriber', email: 'chan@example.org', name: 'Chan' });
		project = await seedProject(h, admin.cookie, { name: 'Yue queue' });
		await seedMember(h, project.id, transcriber, 'transcriber');
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'yue.wav'));
		const res = await api(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, { startMs: 500, endMs: 2500, texts: {} });
		expect(res.status).toBe(201);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	async function shoot(page: Page, name: string, ready: string) {
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.getByTestId(ready).first().waitFor();
			await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
		}
		await page.setViewportSize(SIZES[0]);
	}

	it('a manager creates tasks; a transcriber takes the next one, edits it in the editor and submits it', async () => {
		const manager = await signedInPage(h, admin.cookie, { viewport: SIZES[0] });
		await manager.goto(`/projects/${project.slug}`);
		await manager.getByTestId('project-tasks').click();
		await manager.getByTestId('tasks-empty').waitFor();
		await manager.getByTestId('create-tasks').click();
		await manager.getByTestId('task-row').first().waitFor();
		expect(await manager.getByTestId('tasks-message').textContent()).toContain('1 task created');
		await shoot(manager, 'tasks-manager-en', 'task-row');

		const page = await signedInPage(h, transcriber.cookie, { viewport: SIZES[0] });
		await page.goto(`/projects/${project.slug}/tasks`);
		await page.getByTestId('tasks-empty').waitFor();
		await page.getByTestId('next-task').click();
		// The editor at the task's window, with the task bar.
		await page.getByTestId('task-bar').waitFor({ timeout: 20_000 });
		await page.locator('[data-testid="play-pause"]:not([disabled])').waitFor({ timeout: 20_000 });
		expect(new URL(page.url()).searchParams.get('task')).toBeTruthy();
		expect(await page.getByTestId('task-state').textContent()).toBe('In progress');
		expect(await page.getByTestId('task-lease').textContent()).toMatch(/Lease: (29|30):\d\d left/);
		const taskId = new URL(page.url()).searchParams.get('task')!;
		const held = (await api<{ task: Task }>(h, admin.cookie, 'GET', `/api/tasks/${taskId}`)).body.task;
		expect(held).toMatchObject({ state: 'in_progress', assigneeId: transcriber.user.id, recordingId: recording.id });

		await page.locator('[role="listbox"] [role="option"]').first().click();
		const field = page.locator('textarea[data-layer="transcript"]');
		await field.fill('我哋去饮茶');
		await shoot(page, 'tasks-editor-en', 'task-bar');
		await page.getByTestId('task-submit').click();
		await until(() => page.getByTestId('task-state').textContent().then((t) => t === 'Submitted'), 'the task bar shows it submitted');
		const submitted = (await api<{ task: Task }>(h, admin.cookie, 'GET', `/api/tasks/${taskId}`)).body.task;
		expect(submitted.state).toBe('submitted');
		// Submit sent the edit first.
		expect((await serverSegments(h, admin.cookie, recording.id)).map((s) => s.texts.transcript)).toEqual(['我哋去饮茶']);

		// Nothing more in the queue: the bar says so; the transcriber's list has their task.
		await page.getByTestId('task-next').click();
		await until(() => page.getByTestId('task-message').textContent().then((t) => t?.includes('no task for you')), 'the empty queue');
		await page.goto(`/projects/${project.slug}/tasks`);
		await page.getByTestId('task-row').waitFor();
		expect(await page.getByTestId('task-row').count()).toBe(1);
		await shoot(page, 'tasks-transcriber-en', 'task-row');

		// The same screens in Chinese, and the settings tab.
		const zh = await signedInPage(h, transcriber.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await zh.goto(`/projects/${project.slug}/tasks`);
		await zh.getByTestId('task-row').waitFor();
		expect(await zh.getByTestId('next-task').textContent()).toBe('下一个任务');
		await shoot(zh, 'tasks-transcriber-zh', 'task-row');
		await zh.goto(`/recordings/${recording.id}?task=${taskId}`);
		await zh.getByTestId('task-bar').waitFor({ timeout: 20_000 });
		expect(await zh.getByTestId('task-state').textContent()).toBe('已提交');
		await shoot(zh, 'tasks-editor-zh', 'task-bar');

		await manager.goto(`/projects/${project.slug}/settings?tab=tasks`);
		await manager.getByTestId('task-setting-chunkMinutes').waitFor();
		expect(await manager.getByTestId('task-setting-chunkMinutes').inputValue()).toBe('10');
		await manager.getByTestId('task-setting-goldPercent').fill('5');
		await manager.getByTestId('tasks-save').click();
		await until(async () => (await api<{ settings: { goldPercent: number } }>(h, admin.cookie, 'GET', `/api/projects/${project.id}/tasks/settings`)).body.settings.goldPercent === 5, 'the saved setting');
		await shoot(manager, 'tasks-settings-en', 'settings-tasks');
		const managerZh = await signedInPage(h, admin.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await managerZh.goto(`/projects/${project.slug}/tasks`);
		await managerZh.getByTestId('task-row').waitFor();
		await shoot(managerZh, 'tasks-manager-zh', 'task-row');
		await managerZh.goto(`/projects/${project.slug}/settings?tab=tasks`);
		await managerZh.getByTestId('task-setting-chunkMinutes').waitFor();
		await shoot(managerZh, 'tasks-settings-zh', 'settings-tasks');
	});
});
