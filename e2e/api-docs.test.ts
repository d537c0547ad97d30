/**
 * The API reference at /api/docs in a real Chromium: it renders the generated document's
 * operations with nothing fetched from anywhere but this server (it must work offline).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

describe('API reference in Chromium', () => {
	let h: Harness;
	let page: Page;
	const elsewhere: string[] = [];

	beforeAll(async () => {
		h = await startHarness();
		page = await h.newPage({ viewport: { width: 1280, height: 800 } });
		// Anything not from this server is refused (and noted), as it would fail offline.
		await page.route('**/*', (route) => {
			const url = new URL(route.request().url());
			if (url.origin === new URL(h.url).origin) return route.continue();
			elsewhere.push(url.href);
			return route.abort();
		});
	});
	afterAll(() => h?.close());

	it('renders every tag and the operations of the generated document, fetching nothing from elsewhere', async () => {
		await page.goto(`${h.url}/api/docs`);
		await page.getByText('Liveness, database kind and ffmpeg version').first().waitFor();
		const document = await (await page.request.get(`${h.url}/api/openapi.json`)).json();
		for (const tag of document.tags as { name: string }[]) {
			await expect.poll(() => page.getByText(tag.name, { exact: true }).count()).toBeGreaterThan(0);
		}
		await page.getByText('segments', { exact: true }).first().click();
		const patch = document.paths['/api/segments/{id}'].patch.summary as string;
		await page.getByText(patch).first().click();
		await page.getByText('Stale version').first().waitFor();
		await expect.poll(() => page.getByText('version_conflict').count()).toBeGreaterThan(0);
		expect(elsewhere).toEqual([]);
	});
});
