/**
 * The project dashboard as a manager reads it: two transcribers' segments, a reviewer's decisions,
 * then the page from the project page, its charts drawn (by Chart.js, on canvases with pixels),
 * the per-transcriber table with the CER against the reviewer, narrowing quality to one
 * transcriber (kept in the URL), a table's CSV download; screenshots in English and Chinese.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestRecording } from '../server/segments/test-fixtures.ts';
import type { ProjectDto } from '../src/lib/api/types.ts';
import { api } from './editor-helpers.ts';
import { startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedMember, seedProject, seedUser, signedInPage, type SeededUser } from './seed.ts';

const SHOTS = path.resolve('test-results/e2e');

describe('project dashboard', () => {
	let h: Harness;
	let admin: SeededUser;
	let ana: SeededUser;
	let project: ProjectDto;
	let page: Page;

	/** Whether the chart's canvas has anything drawn on it. */
	const drawn = (p: Page, testid: string) =>
		p.waitForFunction((id) => {
			const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`);
			if (!canvas || canvas.width === 0) return false;
			const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
			for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
			return false;
		}, testid);

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		h = await startHarness();
		admin = await seedAdmin(h, { name: 'Ada Admin' });
		ana = await seedUser(h, { role: 'transcriber', email: 'ana@example.org', name: '李安娜' });
		const bo = await seedUser(h, { role: 'transcriber', email: 'bo@example.org', name: 'Bo Chen' });
		const reviewer = await seedUser(h, { role: 'reviewer', email: 'qc@example.org', name: '质检员' });
		project = await seedProject(h, admin.cookie, { name: 'Hakka market talk' });
		await seedMember(h, project.id, ana, 'transcriber');
		await seedMember(h, project.id, bo, 'transcriber');
		await seedMember(h, project.id, reviewer, 'reviewer');
		const rec = (await insertTestRecording(h.server.deps.db, { projectId: project.id, durationMs: 600_000 })).id;
		const [t1, t2] = [project.dialectTags[0]!.id, project.dialectTags[1]!.id];
		const post = async (who: SeededUser, body: Record<string, unknown>) => {
			const res = await api<{ segment: { id: string } }>(h, who.cookie, 'POST', `/api/recordings/${rec}/segments`, body);
			expect(res.status).toBe(201);
			return res.body.segment.id;
		};
		const a1 = await post(ana, { startMs: 0, endMs: 60_000, dialectTagId: t1, texts: { transcript: '今日去街市' } });
		const a2 = await post(ana, { startMs: 60_000, endMs: 120_000, dialectTagId: t2, texts: { transcript: '食咗饭未' } });
		const b1 = await post(bo, { startMs: 120_000, endMs: 300_000, dialectTagId: t1, texts: { transcript: 'ngai hi' } });
		const review = async (id: string, body: Record<string, unknown>) =>
			expect((await api(h, reviewer.cookie, 'POST', `/api/segments/${id}/reviews`, { baseVersion: 1, ...body })).status).toBe(201);
		await review(a1, { decision: 'accept' });
		await review(a2, { decision: 'correct', corrected: { texts: { transcript: '食咗饭未呀' } }, categories: ['omission'] });
		await review(b1, { decision: 'reject', categories: ['tone'] });
		page = await signedInPage(h, admin.cookie);
	});

	afterAll(async () => {
		await h?.close();
	});

	it('opens from the project page and draws every chart', async () => {
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('project-dashboard').click();
		await page.waitForURL(`**/projects/${project.slug}/dashboard`);
		for (const chart of ['chart-progress', 'chart-quality', 'chart-categories', 'chart-dialects']) await drawn(page, chart);
		// 1 + 1 + 3 minutes segmented and transcribed; all reviewed; 2 minutes accepted.
		expect(await page.getByTestId('total-segmentedHours').innerText()).toBe('0.08');
		expect(await page.getByTestId('total-acceptedHours').innerText()).toBe('0.03');
		expect(await page.getByTestId('dash-queue').innerText()).toContain('no task queue');
	});

	it('lists each transcriber with their CER against the reviewer', async () => {
		const anaRow = page.locator(`[data-testid="transcriber-row"][data-user="${ana.user.id}"]`);
		expect(await anaRow.innerText()).toContain('李安娜');
		// 今日去街市 accepted (0 of 5) and 食咗饭未 vs 食咗饭未呀 (1 of 5): 10 %.
		expect(await anaRow.getByTestId('cer').innerText()).toBe('10.0 %');
	});

	it('narrows quality to one transcriber (in the URL) and downloads a table as CSV', async () => {
		await page.getByTestId('dashboard-user').selectOption(ana.user.id);
		await page.getByTestId('dashboard-apply').click();
		await page.waitForURL(/user=/);
		await drawn(page, 'chart-quality');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-dialects').click()]);
		const lines = readFileSync((await download.path())!, 'utf8').split('\r\n').filter(Boolean);
		expect(lines[0]).toBe('tagId,code,nameEn,nameZh,segments,hours,reviewed,agreement,kappa,alpha,doubleUnits');
		expect(lines).toHaveLength(3);
	});

	it('reads well in English and Chinese at 1280×800 and 1920×1080', async () => {
		for (const locale of ['en-US', 'zh-CN']) {
			for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
				const p = await signedInPage(h, admin.cookie, { locale, viewport });
				await p.goto(`/projects/${project.slug}/dashboard`);
				for (const chart of ['chart-progress', 'chart-quality', 'chart-categories', 'chart-dialects']) await drawn(p, chart);
				if (locale === 'zh-CN') expect(await p.getByTestId('dash-progress').innerText()).toContain('进度');
				await p.screenshot({ path: path.join(SHOTS, `dashboard-${locale}-${viewport.width}.png`), fullPage: true });
				await p.context().close();
			}
		}
		expect(readFileSync(path.join(SHOTS, 'dashboard-zh-CN-1280.png')).length).toBeGreaterThan(10_000);
	});
});
