/**
 * Review in real Chromium: a reviewer opens a recording in review mode (the editor, its text fields
 * replaced by the decision panel), corrects one segment with a category and a comment (Ctrl+Enter),
 * rejects one (Alt+X) and accepts one; the transcriber then sees, segment by segment, what changed
 * and why. Each outcome is checked on the server; the screens are shot in both languages at two sizes.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, serverSegments, until, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedMember, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

const SHOTS = path.resolve('test-results/e2e');
const SIZES = [
	{ width: 1280, height: 800 },
	{ width: 1920, height: 1080 }
];

type Review = { decision: string; categories: string[]; comment: string; corrected: { texts?: Record<string, string> } | null };

describe('review', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let reviewer: SeededUser;
	let transcriber: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;
	let segments: ServerSegment[];

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-review-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		reviewer = await seedUser(h, { role: 'reviewer', email: 'reviewer@example.org', name: 'Lin (QC)' });
		transcriber = await seedUser(h, { role: 'transcriber', email: 'transcriber@example.org', name: 'Chan' });
		project = await seedProject(h, admin.cookie, { name: 'Yue review' });
		await seedMember(h, project.id, reviewer, 'reviewer');
		await seedMember(h, project.id, transcriber, 'transcriber');
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'yue.wav'));
		const tag = project.dialectTags.find((t) => t.code === 'yue-gz')!.id;
		const texts = ['我哋今日去饮茶', '佢话唔得闲', '好耐冇见'];
		for (const [i, text] of texts.entries()) {
			const res = await api(h, transcriber.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
				startMs: 300 + i * 1800,
				endMs: 1800 + i * 1800,
				dialectTagId: tag,
				texts: { transcript: text }
			});
			expect(res.status).toBe(201);
		}
		segments = await serverSegments(h, admin.cookie, recording.id);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	const reviewsOf = async (segmentId: string) =>
		(await api<{ reviews: Review[] }>(h, admin.cookie, 'GET', `/api/segments/${segmentId}/reviews`)).body.reviews;

	async function shoot(page: Page, name: string) {
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.getByTestId('editor').waitFor();
			await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
		}
	}

	it('a reviewer corrects, rejects and accepts segments; the original stays as the transcriber wrote it', async () => {
		const page = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0] });
		await openEditor(page, recording.id);
		await until(() => page.getByTestId('review-mode').getAttribute('aria-pressed').then((v) => v === 'true'), 'review mode on for a reviewer');
		await page.locator('[role="listbox"] [role="option"]').first().click();
		await page.getByTestId('review-panel').waitFor();
		expect(await page.getByTestId('original-transcript').textContent()).toBe('我哋今日去饮茶');

		const correction = page.getByTestId('correction-transcript');
		await correction.fill('我哋今日去飲茶');
		await page.getByTestId('diff-transcript').locator('del', { hasText: '饮' }).waitFor();
		await page.getByTestId('diff-transcript').locator('ins', { hasText: '飲' }).waitFor();
		await page.getByTestId('category-substitution').click();
		expect(await page.getByTestId('category-substitution').getAttribute('aria-pressed')).toBe('true');
		await page.getByTestId('review-comment').fill('本项目用繁体「飲」');
		await correction.focus();
		await shoot(page, 'review-reviewer-en');
		await page.setViewportSize(SIZES[0]);
		await correction.press('Control+Enter');
		await until(async () => (await reviewsOf(segments[0].id)).length === 1, 'the correction on the server');
		expect(await reviewsOf(segments[0].id)).toMatchObject([
			{ decision: 'correct', categories: ['substitution'], comment: '本项目用繁体「飲」', corrected: { texts: { transcript: '我哋今日去飲茶' } } }
		]);

		// The panel moved on to the second segment, its correction field focused: Alt+X rejects.
		await until(() => page.getByTestId('original-transcript').textContent().then((t) => t === '佢话唔得闲'), 'the next segment');
		await until(() => page.evaluate(() => document.activeElement?.getAttribute('data-review-layer')), 'focus in the correction');
		await page.getByTestId('category-omission').click();
		await page.getByTestId('review-comment').fill('漏了「佢」后面的字');
		await page.getByTestId('correction-transcript').press('Alt+x');
		await until(async () => (await reviewsOf(segments[1].id))[0]?.decision === 'reject', 'the rejection on the server');

		await until(() => page.getByTestId('original-transcript').textContent().then((t) => t === '好耐冇见'), 'the third segment');
		await page.getByTestId('review-accept').click();
		await until(async () => (await reviewsOf(segments[2].id))[0]?.decision === 'accept', 'the acceptance on the server');
		await until(() => page.getByTestId('count-accepted').textContent().then((t) => t === '1'), 'the summary counts');
		expect(await page.getByTestId('count-corrected').textContent()).toBe('1');
		expect(await page.getByTestId('count-rejected').textContent()).toBe('1');
		await until(() => page.getByTestId('summary-cer').textContent().then((t) => t !== '–' && t!.includes('%')), 'the CER in the summary');

		// Nothing was written over the transcriber's text.
		const after = await serverSegments(h, admin.cookie, recording.id);
		expect(after.map((s) => s.texts.transcript)).toEqual(['我哋今日去饮茶', '佢话唔得闲', '好耐冇见']);
		expect(after.map((s) => s.version)).toEqual(segments.map((s) => s.version));

		// The history shows the review decisions beside the revisions.
		await page.locator('[role="listbox"] [role="option"]').first().click();
		await page.getByTestId('history-toggle').click();
		await page.getByTestId('review-history-item').first().waitFor();
		await page.close();

		const zh = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await openEditor(zh, recording.id);
		await until(() => zh.locator('html').getAttribute('lang').then((l) => l === 'zh-CN'), 'the Chinese interface');
		await zh.locator('[role="listbox"] [role="option"]').nth(1).click();
		await zh.getByTestId('review-panel').waitFor();
		await zh.getByTestId('correction-transcript').fill('佢话佢唔得闲');
		await zh.getByTestId('diff-transcript').locator('ins').first().waitFor();
		await shoot(zh, 'review-reviewer-zh');
		await zh.close();
	});

	it('the transcriber sees segment by segment what changed and why', async () => {
		const page = await signedInPage(h, transcriber.cookie, { viewport: SIZES[0] });
		await openEditor(page, recording.id);
		expect(await page.getByTestId('review-mode').count()).toBe(0);
		await page.getByTestId('feedback-toggle').click();
		const feedback = page.getByTestId('review-feedback');
		await feedback.waitFor();
		await until(() => feedback.getByTestId('feedback-item').count().then((n) => n === 2), 'two segments with feedback');
		const first = feedback.getByTestId('feedback-item').first();
		expect(await first.getByTestId('feedback-diff-transcript').locator('del').textContent()).toContain('饮');
		expect(await first.getByTestId('feedback-diff-transcript').locator('ins').textContent()).toContain('飲');
		expect(await first.getByTestId('feedback-comment').textContent()).toBe('本项目用繁体「飲」');
		expect(await first.getByTestId('feedback-category').textContent()).toBe('Substitution');
		expect(await feedback.getByTestId('feedback-item').nth(1).getByTestId('feedback-comment').textContent()).toBe('漏了「佢」后面的字');
		// The counts are theirs to see; the CER and kappa comparing transcribers are not.
		await until(() => feedback.getByTestId('count-corrected').textContent().then((t) => t === '1'), 'the summary counts');
		expect(await page.getByTestId('summary-cer').count()).toBe(0);
		// A row selects its segment; the panel shows the same note above the text fields.
		await feedback.getByTestId('feedback-select').nth(1).click();
		await page.getByTestId('review-note').waitFor();
		expect(await page.getByTestId('field-transcript').inputValue()).toBe('佢话唔得闲');
		await shoot(page, 'review-feedback-en');
		await page.close();

		const zh = await signedInPage(h, transcriber.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await openEditor(zh, recording.id);
		await until(() => zh.locator('html').getAttribute('lang').then((l) => l === 'zh-CN'), 'the Chinese interface');
		await zh.getByTestId('feedback-toggle').click();
		await zh.getByTestId('feedback-item').first().waitFor();
		expect(await zh.getByTestId('feedback-category').first().textContent()).toBe('替换');
		await zh.getByTestId('feedback-select').first().click();
		await zh.getByTestId('review-note').waitFor();
		await shoot(zh, 'review-feedback-zh');
		await zh.close();
	});

	it('a reviewer draws a seeded QA sample, opens a sampled segment, and the batch is decided from the sample CER', async () => {
		const page = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0] });
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('project-qa').click();
		await page.getByTestId('qa-percent').fill('100');
		await page.getByTestId('qa-seed').fill('week-49');
		await page.getByTestId('qa-draw').click();
		await until(() => page.getByTestId('qa-item').count().then((n) => n === 3), 'three sampled segments');
		await page.getByTestId('qa-batch-row').first().waitFor();
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.screenshot({ path: path.join(SHOTS, `review-qa-en-${size.width}x${size.height}.png`), fullPage: true });
		}
		await page.setViewportSize(SIZES[0]);
		// These recordings were not given out as tasks: the decision says it moves none.
		expect(await page.getByTestId('qa-tasks').textContent()).toContain('moves no tasks');
		// Every sampled segment was decided above (one rejected): the sample CER is over the threshold.
		await page.getByTestId('qa-decide').click();
		const verdict = page.getByTestId('qa-verdict');
		await verdict.waitFor();
		expect(await verdict.textContent()).toContain('returned');
		const { body } = await api<{ batches: { state: string; errorRate: number; seed: string }[] }>(h, reviewer.cookie, 'GET', `/api/projects/${project.id}/qa-batches`);
		expect(body.batches[0]).toMatchObject({ state: 'returned', seed: 'week-49' });
		expect(body.batches[0].errorRate).toBeGreaterThan(0.05);

		// A sampled segment's link opens the editor on that segment.
		const link = page.getByTestId('qa-item').first().locator('a');
		const href = (await link.getAttribute('href'))!;
		const wanted = new URL(href, h.url).searchParams.get('segment')!;
		await link.click();
		await page.getByTestId('review-panel').waitFor({ timeout: 20_000 });
		const n = segments.findIndex((s) => s.id === wanted) + 1;
		await until(() => page.locator('#panel-heading').textContent().then((t) => t?.includes(`Segment ${n} of 3`)), 'the sampled segment selected');
		await page.close();

		const zh = await signedInPage(h, reviewer.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await zh.goto(`/projects/${project.slug}/qa`);
		await zh.getByTestId('qa-batch-row').first().waitFor();
		await until(() => zh.locator('html').getAttribute('lang').then((l) => l === 'zh-CN'), 'the Chinese interface');
		await zh.getByTestId('qa-batch-row').first().getByRole('button').click();
		await zh.getByTestId('qa-verdict').waitFor();
		for (const size of SIZES) {
			await zh.setViewportSize(size);
			await zh.screenshot({ path: path.join(SHOTS, `review-qa-zh-${size.width}x${size.height}.png`), fullPage: true });
		}
		await zh.close();
	});

	it('a manager names the review stages and edits the error categories on the settings page', async () => {
		const page = await signedInPage(h, admin.cookie, { viewport: SIZES[0] });
		await page.goto(`/projects/${project.slug}/settings?tab=review`);
		const section = page.getByTestId('settings-review');
		await section.getByTestId('stage-row').first().waitFor();
		await section.getByTestId('stage-en').first().fill('First check');
		await section.getByTestId('stage-zh').first().fill('一审');
		await section.getByTestId('add-stage').click();
		await section.getByTestId('stage-en').nth(1).fill('Second check');
		await section.getByTestId('stage-zh').nth(1).fill('二审');
		await page.getByTestId('qa-threshold').fill('3');
		await page.getByTestId('review-save').click();
		await until(() => page.getByTestId('review-status').getAttribute('data-status').then((s) => s === 'saved'), 'the settings saved');
		const { body } = await api<{ settings: { stages: { nameEn: string; nameZh: string }[]; qaThreshold: number } }>(
			h,
			reviewer.cookie,
			'GET',
			`/api/projects/${project.id}/review-settings`
		);
		expect(body.settings.stages).toEqual([
			{ nameEn: 'First check', nameZh: '一审' },
			{ nameEn: 'Second check', nameZh: '二审' }
		]);
		expect(body.settings.qaThreshold).toBeCloseTo(0.03);
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.screenshot({ path: path.join(SHOTS, `review-settings-en-${size.width}x${size.height}.png`), fullPage: true });
		}
		await page.close();

		const zh = await signedInPage(h, admin.cookie, { viewport: SIZES[0], locale: 'zh-CN' });
		await zh.goto(`/projects/${project.slug}/settings?tab=review`);
		await zh.getByTestId('settings-review').getByTestId('stage-row').nth(1).waitFor();
		await until(() => zh.locator('html').getAttribute('lang').then((l) => l === 'zh-CN'), 'the Chinese interface');
		for (const size of SIZES) {
			await zh.setViewportSize(size);
			await zh.screenshot({ path: path.join(SHOTS, `review-settings-zh-${size.width}x${size.height}.png`), fullPage: true });
		}
		await zh.close();
	});
});
