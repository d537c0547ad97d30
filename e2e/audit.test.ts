/**
 * The audit trail as a manager uses it: changes made through the app (a speaker, a recording
 * rename, a segment edit) listed newest first with who did what; filtering by action keeps the
 * filter in the URL; clicking a target filters by it; the CSV download holds the filtered rows;
 * the instance-wide page for admins. Screenshots in English and Chinese at two sizes.
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

describe('audit trail', () => {
	let h: Harness;
	let admin: SeededUser;
	let transcriber: SeededUser;
	let project: ProjectDto;
	let recordingId: string;
	let page: Page;

	const rows = () => page.getByTestId('audit-row');
	const actionsShown = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		h = await startHarness();
		admin = await seedAdmin(h, { name: 'Ada Admin' });
		transcriber = await seedUser(h, { role: 'transcriber', email: 'tx@example.org', name: '陈小明' });
		project = await seedProject(h, admin.cookie, { name: 'Taishanese stories' });
		await seedMember(h, project.id, transcriber, 'transcriber');
		recordingId = (await insertTestRecording(h.server.deps.db, { projectId: project.id, name: 'grandma-01.wav' })).id;
		const speaker = await api(h, admin.cookie, 'POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: '阿婆', place: '台山' });
		expect(speaker.status).toBe(201);
		expect((await api(h, admin.cookie, 'PATCH', `/api/recordings/${recordingId}`, { name: 'grandma-01-market.wav' })).status).toBe(200);
		const created = await api<{ segment: { id: string; version: number } }>(h, transcriber.cookie, 'POST', `/api/recordings/${recordingId}/segments`, {
			startMs: 0,
			endMs: 1500,
			texts: { transcript: '佢去街市买菜' }
		});
		expect(created.status).toBe(201);
		const seg = created.body.segment;
		expect((await api(h, transcriber.cookie, 'PATCH', `/api/segments/${seg.id}`, { version: seg.version, texts: { transcript: '佢去街市买餸' } })).status).toBe(200);
		page = await signedInPage(h, admin.cookie);
	});

	afterAll(async () => {
		await h?.close();
	});

	it('lists the changes newest first with who did what, from the project page', async () => {
		await page.goto(`/projects/${project.slug}`);
		await page.getByTestId('project-audit').click();
		await page.waitForURL(`**/projects/${project.slug}/audit`);
		await page.getByTestId('audit-table').waitFor();
		expect(await actionsShown()).toEqual(['segment.update', 'segment.create', 'recording.rename', 'speaker.create', 'project.create']);
		const first = rows().first();
		expect(await first.innerText()).toContain('陈小明');
		expect(await first.innerText()).toContain('Segment edited');
		const rename = page.locator('[data-testid="audit-row"][data-action="recording.rename"]');
		expect(await rename.innerText()).toContain('name: grandma-01.wav → grandma-01-market.wav');
		await page.getByTestId('audit-end').waitFor();
	});

	it('filters by action (kept in the URL) and by a clicked target, and downloads the filtered CSV', async () => {
		await page.getByTestId('filter-action').selectOption('segment');
		await page.getByTestId('filter-apply').click();
		await page.waitForURL(/action=segment/);
		await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-row"]')].every((r) => r.getAttribute('data-action')?.startsWith('segment.')));
		expect(await actionsShown()).toEqual(['segment.update', 'segment.create']);

		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
		const csv = readFileSync((await download.path())!, 'utf8').split('\r\n').filter(Boolean);
		expect(csv[0]).toBe('created_at,actor_id,actor_email,actor_name,action,target_type,target_id,project_id,details');
		expect(csv.slice(1).map((l) => l.split(',')[4])).toEqual(['segment.update', 'segment.create']);
		expect(csv[1]).toContain('陈小明');

		await page.getByTestId('filter-clear').click();
		await page.waitForURL((url) => url.search === '');
		await page.locator('[data-testid="audit-row"][data-action="project.create"]').waitFor();
		await page.locator('[data-testid="audit-row"][data-action="recording.rename"] .target button').click();
		await page.waitForURL(/target=/);
		await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 3);
		expect(await actionsShown()).toEqual(['segment.update', 'segment.create', 'recording.rename']);
	});

	it('shows the whole instance to admins, sign-ins included', async () => {
		await page.goto('/admin/audit');
		await page.getByTestId('audit-table').waitFor();
		const actions = await actionsShown();
		expect(actions).toContain('auth.sign_in');
		expect(actions).toContain('user.create');
		const other = await signedInPage(h, transcriber.cookie);
		await other.goto('/admin/audit');
		await other.getByText('Your account is not allowed to do this.').waitFor();
		await other.goto(`/projects/${project.slug}/audit`);
		await other.getByText('Your account is not allowed to do this.').waitFor();
		expect(await other.getByTestId('audit-table').count()).toBe(0);
	});

	it('reads well in English and Chinese at 1280×800 and 1920×1080', async () => {
		for (const locale of ['en-US', 'zh-CN']) {
			for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
				const p = await signedInPage(h, admin.cookie, { locale, viewport });
				await p.goto(`/projects/${project.slug}/audit`);
				await p.getByTestId('audit-table').waitFor();
				if (locale === 'zh-CN') expect(await p.getByTestId('audit-filters').innerText()).toContain('操作人');
				await p.screenshot({ path: path.join(SHOTS, `audit-${locale}-${viewport.width}.png`), fullPage: true });
				await p.context().close();
			}
		}
		expect(readFileSync(path.join(SHOTS, 'audit-zh-CN-1920.png')).length).toBeGreaterThan(10_000);
	});
});
