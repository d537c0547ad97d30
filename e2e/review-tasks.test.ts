/**
 * Review of tasks in real Chromium: a transcriber's submitted task is taken with "Next review", two
 * of its segments corrected and the task returned with a comment; the transcriber sees the diff and
 * the comment; after the resubmission the reviewer accepts the task. Checked on the server; the task
 * bar is shot in both languages at two sizes.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedMember, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

const SHOTS = path.resolve('test-results/e2e');
const SIZES = [
	{ width: 1280, height: 800 },
	{ width: 1920, height: 1080 }
];

type Task = { id: string; state: string; recordingId: string; reviewStage: number };

describe('review of tasks', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let reviewer: SeededUser;
	let transcriber: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;
	let task: Task;

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-review-tasks-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		reviewer = await seedUser(h, { role: 'reviewer', email: 'qc@example.org', name: 'Lin (QC)' });
		transcriber = await seedUser(h, { role: 'transcriber', email: 't@example.org', name: 'Chan' });
		project = await seedProject(h, admin.cookie, { name: 'Task review' });
		await seedMember(h, project.id, reviewer, 'reviewer');
		await seedMember(h, project.id, transcriber, 'transcriber');
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'yue.wav'));
		expect((await api(h, admin.cookie, 'POST', `/api/projects/${project.id}/tasks`, {})).status).toBe(201);
		// The transcriber takes the next task, transcribes three segments and submits it.
		task = (await api<{ task: Task }>(h, transcriber.cookie, 'POST', `/api/projects/${project.id}/tasks/next`)).body.task;
		for (const [i, text] of ['我哋今日去饮茶', '佢话唔得闲', '好耐冇见'].entries()) {
			const res = await api(h, transcriber.cookie, 'POST', `/api/recordings/${recording.id}/segments`, { startMs: 300 + i * 1800, endMs: 1800 + i * 1800, texts: { transcript: text } });
			expect(res.status).toBe(201);
		}
		expect((await api(h, transcriber.cookie, 'POST', `/api/tasks/${task.id}/transitions`, { action: 'submit' })).status).toBe(200);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	const taskState = async () => (await api<{ task: Task }>(h, admin.cookie, 'GET', `/api/tasks/${task.id}`)).body.task;

	async function correctSelected(page: import('playwright-core').Page, text: string) {
		await page.getByTestId('correction-transcript').fill(text);
		await page.getByTestId('category-substitution').click();
		await page.getByTestId('correction-transcript').press('Control+Enter');
	}

	it('a reviewer takes the task, corrects two segments and returns it with a comment; the transcriber sees why', async () => {
		const page = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0] });
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('next-review').click();
		await page.getByTestId('task-review-bar').waitFor({ timeout: 20_000 });
		await page.locator('.fy-save-status').waitFor();
		expect((await taskState()).state).toBe('in_review');
		await until(() => page.getByTestId('review-mode').getAttribute('aria-pressed').then((v) => v === 'true'), 'review mode for the task');
		await page.locator('[role="listbox"] [role="option"]').first().click();
		await page.getByTestId('review-panel').waitFor();
		await correctSelected(page, '我哋今日去飲茶');
		await until(() => page.getByTestId('original-transcript').textContent().then((t) => t === '佢话唔得闲'), 'the second segment');
		await correctSelected(page, '佢話唔得閒');
		await until(() => page.getByTestId('original-transcript').textContent().then((t) => t === '好耐冇见'), 'the third segment');
		expect(await page.getByTestId('task-accept').isDisabled()).toBe(true);
		await page.getByTestId('review-accept').click();
		await until(() => page.getByTestId('task-decided').textContent().then((t) => t?.includes('3 of 3')), 'every segment decided');
		await page.getByTestId('task-return-toggle').click();
		await page.getByTestId('task-return-comment').fill('繁体字：飲、話、閒');
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.screenshot({ path: path.join(SHOTS, `review-task-en-${size.width}x${size.height}.png`) });
		}
		await page.setViewportSize(SIZES[0]);
		await page.getByTestId('task-return').click();
		await until(async () => (await taskState()).state === 'returned', 'the task returned');
		await page.close();

		const mine = await signedInPage(h, transcriber.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await openEditor(mine, recording.id);
		await mine.goto(`/recordings/${recording.id}?task=${task.id}`);
		await mine.locator('.fy-save-status').waitFor();
		await mine.getByTestId('feedback-toggle').click();
		const note = mine.getByTestId('return-note');
		await note.waitFor();
		expect(await note.textContent()).toContain('繁体字：飲、話、閒');
		const aside = mine.getByTestId('review-feedback');
		await until(() => aside.getByTestId('feedback-item').count().then((n) => n === 2), 'the two corrections');
		const inserted = await aside.getByTestId('feedback-item').nth(1).getByTestId('feedback-diff-transcript').locator('ins').allTextContents();
		expect(inserted).toHaveLength(2);
		expect(inserted[0]).toContain('話');
		expect(inserted[1]).toContain('閒');
		for (const size of SIZES) {
			await mine.setViewportSize(size);
			await mine.screenshot({ path: path.join(SHOTS, `review-task-returned-zh-${size.width}x${size.height}.png`) });
		}
		await mine.close();
	});

	it('after the resubmission the reviewer accepts the task: the earlier decisions still hold', async () => {
		expect((await api(h, transcriber.cookie, 'POST', `/api/tasks/${task.id}/transitions`, { action: 'start' })).status).toBe(200);
		expect((await api(h, transcriber.cookie, 'POST', `/api/tasks/${task.id}/transitions`, { action: 'submit' })).status).toBe(200);
		const page = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('next-review').click();
		await page.getByTestId('task-review-bar').waitFor({ timeout: 20_000 });
		await until(() => page.getByTestId('task-decided').textContent().then((t) => t?.includes('3 / 3')), 'the decisions of the first round');
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.screenshot({ path: path.join(SHOTS, `review-task-zh-${size.width}x${size.height}.png`) });
		}
		await page.getByTestId('task-accept').click();
		await until(async () => (await taskState()).state === 'accepted', 'the task accepted');
		await page.getByTestId('task-review-message').waitFor();
		await page.close();
	});
});
