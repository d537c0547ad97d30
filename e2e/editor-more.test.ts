/**
 * More of the editor in real Chromium: the autosave outbox survives a reload while the segment
 * writes are blocked, closing the tab with unsent edits warns, the segment list filters and finds
 * and scrolls the waveform, the dialect tag picker searches code/English/Chinese, zoom reaches
 * 1000 px/s and the whole recording (and stays right at the end), and pre-segmentation previews
 * and applies proposals. Outcomes are checked through the API, the DOM and the page's state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBurstAudio } from '../server/presegment/test-audio.ts';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, panelHeading, serverRevisions, serverSegments, until, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, testFfmpeg, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage, type SeededUser } from './seed.ts';

/** Aborts the segment writes (PATCH/POST/DELETE on /api/segments/**, POST on /api/recordings/x/segments); reads pass. */
async function blockSegmentWrites(page: Page) {
	const handler = (route: Route) => (route.request().method() === 'GET' ? route.continue() : route.abort('internetdisconnected'));
	await page.route('**/api/segments/**', handler);
	await page.route('**/api/recordings/*/segments', handler);
	return async () => {
		await page.unroute('**/api/segments/**', handler);
		await page.unroute('**/api/recordings/*/segments', handler);
	};
}

function saveStatus(page: Page) {
	return page.locator('.fy-save-status').getAttribute('data-status');
}

function rows(page: Page) {
	return page.locator('aside [role="listbox"] [role="option"]');
}

async function focusSegment(page: Page, index: number) {
	await rows(page).nth(index).click();
	await until(async () => (await panelHeading(page).textContent())?.includes(`Segment ${index + 1} of`), `segment ${index + 1}`);
	await page.getByTestId('field-transcript').click();
	await page.keyboard.press('Control+End');
}

async function frameView(page: Page) {
	const frame = page.getByTestId('waveform-frame');
	return {
		startMs: Number(await frame.getAttribute('data-start-ms')),
		pxPerSec: Number(await frame.getAttribute('data-px-per-sec')),
		widthPx: await frame.evaluate((el) => el.clientWidth)
	};
}

/** The autosave outbox as IndexedDB holds it (JSON of its entries), read in the page. */
function outboxInStorage(page: Page): Promise<string> {
	return page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const open = indexedDB.open('fangyan-autosave');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('outbox')) return resolve('[]');
					const all = db.transaction('outbox').objectStore('outbox').getAll();
					all.onsuccess = () => {
						resolve(JSON.stringify(all.result));
						db.close();
					};
					all.onerror = () => reject(all.error);
				};
			})
	);
}

describe('editor: outbox, unload warning, list, tags, zoom, pre-segmentation', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let speakers: { id: string; code: string }[];

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-more-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Min fieldwork' });
		speakers = [];
		for (const code of ['S1', 'S2', 'S3']) {
			const res = await api<{ speaker: { id: string; code: string } }>(h, admin.cookie, 'POST', `/api/projects/${project.id}/speakers`, {
				code,
				name: `Speaker ${code}`
			});
			expect(res.status).toBe(201);
			speakers.push(res.body.speaker);
		}
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	async function recordingWith(seconds: number, segments: { startMs: number; endMs: number; speakerId?: string; text?: string }[]) {
		const recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, seconds, `min-${seconds}.wav`));
		const ids: string[] = [];
		for (const s of segments) {
			const res = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
				startMs: s.startMs,
				endMs: s.endMs,
				...(s.speakerId ? { speakerId: s.speakerId } : {}),
				texts: s.text ? { transcript: s.text } : {}
			});
			expect(res.status).toBe(201);
			ids.push(res.body.segment.id);
		}
		return { recording, ids };
	}

	describe('autosave', () => {
		let recording: RecordingDto;
		let ids: string[];

		beforeAll(async () => {
			({ recording, ids } = await recordingWith(6, [
				{ startMs: 200, endMs: 1500 },
				{ startMs: 2000, endMs: 3500 }
			]));
		});

		it('keeps unsent edits across a reload while writes are blocked, then sends them in order', async () => {
			const page = await signedInPage(h, admin.cookie);
			await openEditor(page, recording.id);
			const unblock = await blockSegmentWrites(page);

			await focusSegment(page, 0);
			await page.keyboard.insertText('第一');
			await until(async () => (await saveStatus(page)) === 'offline', 'offline after the first blocked save', 15_000);
			await page.keyboard.insertText('句');
			await page.keyboard.press('Enter');
			await until(async () => (await panelHeading(page).textContent())?.includes('Segment 2 of 2'), 'segment 2');
			await page.keyboard.insertText('第二句');
			await until(async () => /edits? queued/.test((await page.locator('.fy-save-status [role="status"]').textContent()) ?? ''), 'queued count');
			// The last keystrokes are in IndexedDB (the outbox persists before anything is sent): read it there.
			await until(async () => (await outboxInStorage(page)).includes('第二句'), 'the last edit stored in IndexedDB');

			await page.reload();
			await openEditor(page, recording.id);
			// The editor shows the unsent text (overlaid from the outbox), and says it is queued.
			await until(async () => (await rows(page).first().textContent())?.includes('第一句'), 'row 1 shows the unsent text');
			expect(await rows(page).nth(1).textContent()).toContain('第二句');
			await rows(page).first().click();
			expect(await page.getByTestId('field-transcript').inputValue()).toBe('第一句');
			await until(async () => (await saveStatus(page)) === 'offline', 'offline status after the reload', 20_000);
			expect(await page.locator('.fy-save-status [role="status"]').textContent()).toMatch(/^Offline – \d+ edits? queued$/);
			expect((await serverSegments(h, admin.cookie, recording.id)).map((s) => s.texts.transcript ?? '')).toEqual(['', '']);

			await unblock();
			await until(async () => (await saveStatus(page)) === 'saved', 'saved once the writes pass', 40_000);
			const after = await serverSegments(h, admin.cookie, recording.id);
			expect(after.map((s) => s.texts.transcript)).toEqual(['第一句', '第二句']);
			for (const [i, id] of ids.entries()) {
				const revisions = (await serverRevisions(h, admin.cookie, id)).reverse();
				const versions = revisions.map((r) => r.version);
				for (let k = 1; k < versions.length; k++) expect(versions[k]).toBeGreaterThan(versions[k - 1]);
				// In order: each saved text extends the one before.
				const texts = revisions.map((r) => r.after?.texts.transcript ?? '');
				for (let k = 1; k < texts.length; k++) expect(texts[k].startsWith(texts[k - 1])).toBe(true);
				expect(texts.at(-1)).toBe(after[i].texts.transcript);
				expect(versions.at(-1)).toBe(after[i].version);
			}
			await page.context().close();
		});

		it('warns before closing the tab with an unsaved edit, and not when everything is saved', async () => {
			const page = await signedInPage(h, admin.cookie);
			await openEditor(page, recording.id);
			const dialogs: string[] = [];
			page.on('dialog', (d) => {
				dialogs.push(d.type());
				void d.dismiss();
			});
			const unblock = await blockSegmentWrites(page);
			await focusSegment(page, 1);
			await page.keyboard.type('x');
			await until(async () => (await saveStatus(page)) !== 'saved', 'a pending edit');
			await page.close({ runBeforeUnload: true });
			await until(() => dialogs.length > 0, 'the beforeunload dialog');
			expect(dialogs).toEqual(['beforeunload']);
			expect(page.isClosed()).toBe(false);

			await unblock();
			await until(async () => (await saveStatus(page)) === 'saved', 'saved', 40_000);
			expect((await serverSegments(h, admin.cookie, recording.id))[1].texts.transcript).toBe('第二句x');
			const closed = page.waitForEvent('close', { timeout: 10_000 });
			await page.close({ runBeforeUnload: true });
			await closed;
			expect(dialogs).toEqual(['beforeunload']);
			await page.context().close();
		});
	});

	describe('list, tags and zoom on a 60 s recording with 30 segments', () => {
		let recording: RecordingDto;
		let ids: string[];
		let page: Page;

		beforeAll(async () => {
			({ recording, ids } = await recordingWith(
				60,
				Array.from({ length: 30 }, (_, i) => ({
					startMs: i * 2000 + 100,
					endMs: i * 2000 + 1700,
					speakerId: speakers[i % 3].id,
					text: i === 25 ? '找到我' : i % 3 === 0 ? `句子${i}` : undefined
				}))
			));
			page = await signedInPage(h, admin.cookie);
			await openEditor(page, recording.id);
		});

		const count = () => page.locator('aside .filters .count').textContent();

		it('filters by speaker and "no text yet", finds text, and a chosen row scrolls the waveform to it', async () => {
			expect(await count()).toBe('30');
			const speakerFilter = page.locator('aside .filters select[aria-label="Speaker"]');
			await speakerFilter.selectOption(speakers[1].id);
			await until(async () => (await count()) === '10 / 30', 'speaker filter');
			const shown = await rows(page).allTextContents();
			expect(shown.length).toBeGreaterThan(0);
			for (const text of shown) expect(text).toContain('S2');
			await speakerFilter.selectOption('*');
			await until(async () => (await count()) === '30', 'speaker filter off');

			await page.locator('aside .filters .notext input').check();
			// 10 segments have 句子n, one has 找到我 (i = 25, not a multiple of 3): 19 without text.
			await until(async () => (await count()) === '19 / 30', 'no-text filter');
			for (const text of await rows(page).allTextContents()) expect(text).toContain('No text yet');
			await page.locator('aside .filters .notext input').uncheck();

			// Zoom in first, so the view shows only a few seconds near the start (three presses: about
			// ×2 each on a minute; more would show less than one 1.6-s segment).
			const frame = page.getByTestId('waveform-frame');
			await frame.focus();
			await page.keyboard.press('Home');
			for (let i = 0; i < 3; i++) await page.keyboard.press('=');
			const zoomed = await frameView(page);
			expect(zoomed.startMs).toBeLessThan(5000);
			expect((zoomed.widthPx * 1000) / zoomed.pxPerSec).toBeLessThan(20_000);

			await page.getByRole('searchbox', { name: 'Find text' }).fill('找到');
			await until(async () => (await count()) === '1 / 30', 'find');
			expect(await rows(page).first().textContent()).toContain('找到我');
			await rows(page).first().click();
			await until(async () => (await panelHeading(page).textContent())?.includes('Segment 26 of 30'), 'segment 26 selected');
			const view = await until(async () => {
				const v = await frameView(page);
				return v.startMs !== zoomed.startMs ? v : null;
			}, 'the waveform to scroll');
			const viewEnd = view.startMs + (view.widthPx * 1000) / view.pxPerSec;
			expect(view.startMs).toBeLessThanOrEqual(25 * 2000 + 100);
			expect(viewEnd).toBeGreaterThanOrEqual(25 * 2000 + 1700);
			expect(view.pxPerSec).toBe(zoomed.pxPerSec);
			await page.getByRole('searchbox', { name: 'Find text' }).fill('');
			await until(async () => (await count()) === '30', 'find cleared');
		});

		it('finds the dialect tag by code, English and Chinese name, and saves the choice', async () => {
			const yue = project.dialectTags.find((t) => t.code === 'yue')!;
			const input = page.getByTestId('tag-input');
			const options = page.locator('.tag-picker [role="listbox"] [role="option"]');
			for (const query of ['yue', 'Canton', '粤']) {
				await input.fill(query);
				await until(async () => (await options.first().textContent())?.includes('yue · Cantonese'), `tag for "${query}"`);
			}
			await options.first().click();
			const selectedId = ids[25];
			await until(
				async () => (await serverSegments(h, admin.cookie, recording.id)).find((s) => s.id === selectedId)?.dialectTagId === yue.id,
				'the tag on the server'
			);
			expect(await page.getByTestId('tag-current').textContent()).toContain('Cantonese');
			// The list's tag filter now finds it.
			await page.locator('aside .filters select[aria-label="Dialect tag"]').selectOption(yue.id);
			await until(async () => (await count()) === '1 / 30', 'tag filter');
			await page.locator('aside .filters select[aria-label="Dialect tag"]').selectOption('*');
		});

		it('zooms with keys and ctrl+wheel to 1000 px/s and out to the whole recording, and keeps the end in view', async () => {
			const frame = page.getByTestId('waveform-frame');
			await frame.focus();
			for (let i = 0; i < 30 && !(await page.getByTestId('zoom-in').isDisabled()); i++) await page.keyboard.press('=');
			expect((await frameView(page)).pxPerSec).toBe(1000);
			for (let i = 0; i < 30 && !(await page.getByTestId('zoom-out').isDisabled()); i++) await page.keyboard.press('-');
			let v = await frameView(page);
			expect(v.startMs).toBe(0);
			expect(v.pxPerSec).toBeCloseTo((v.widthPx * 1000) / recording.durationMs!, 3);

			// Ctrl + wheel over the waveform.
			const box = (await frame.boundingBox())!;
			await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
			await page.keyboard.down('Control');
			for (let i = 0; i < 20 && (await frameView(page)).pxPerSec < 1000; i++) {
				await page.mouse.wheel(0, -400);
			}
			expect((await frameView(page)).pxPerSec).toBe(1000);
			for (let i = 0; i < 20 && !(await page.getByTestId('zoom-out').isDisabled()); i++) await page.mouse.wheel(0, 400);
			await page.keyboard.up('Control');
			v = await frameView(page);
			expect(v.startMs).toBe(0);
			expect(v.pxPerSec).toBeCloseTo((v.widthPx * 1000) / recording.durationMs!, 3);

			// At the deepest zoom, the end and the last second stay drawn inside the view.
			await frame.focus();
			for (let i = 0; i < 30 && !(await page.getByTestId('zoom-in').isDisabled()); i++) await page.keyboard.press('=');
			const duration = recording.durationMs!;
			for (const [key, at] of [
				['End', duration],
				['ArrowLeft', duration - 1000]
			] as const) {
				await page.keyboard.press(key);
				await until(
					() => page.getByTestId('audio').evaluate((a: HTMLAudioElement, ms) => Math.abs(a.currentTime * 1000 - ms) < 5, at),
					`seek to ${at}`
				);
				v = await frameView(page);
				expect(v.pxPerSec).toBe(1000);
				const viewEnd = v.startMs + (v.widthPx * 1000) / v.pxPerSec;
				expect(viewEnd).toBeLessThanOrEqual(duration + 1);
				expect(v.startMs).toBeLessThanOrEqual(at);
				expect(viewEnd).toBeGreaterThanOrEqual(at);
				const x = await until(async () => {
					const t = await page.locator('[data-testid="waveform-frame"] > .playhead').getAttribute('style');
					const m = /translateX\(([-\d.e]+)px\)/.exec(t ?? '');
					return m ? { x: Number(m[1]) } : null;
				}, 'the playhead');
				expect(x.x).toBeGreaterThanOrEqual(0);
				expect(x.x).toBeLessThanOrEqual(v.widthPx);
				expect(Math.abs(x.x - ((at - v.startMs) * v.pxPerSec) / 1000)).toBeLessThan(2);
				// The drawn waveform slice covers the view.
				const host = await page.locator('[data-testid="waveform-frame"] > .host').evaluate((el) => ({
					left: parseFloat((el as HTMLElement).style.left),
					width: parseFloat((el as HTMLElement).style.width)
				}));
				expect(host.left).toBeLessThanOrEqual(1);
				expect(host.left + host.width).toBeGreaterThanOrEqual(v.widthPx - 2);
			}
		});
	});

	it('previews pre-segmentation proposals and applies them as segments on the server', async () => {
		const bursts = [
			{ startMs: 500, endMs: 1500, amplitude: 0.5 },
			{ startMs: 2500, endMs: 4000, amplitude: 0.5 },
			{ startMs: 5500, endMs: 6500, amplitude: 0.5 }
		];
		const file = path.join(dir, 'bursts.wav');
		await writeBurstAudio(testFfmpeg(), file, { durationMs: 8000, bursts });
		const recording = await seedRecording(h, admin.cookie, project.id, file);
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);
		await page.getByTestId('presegment-toggle').click();
		await page.getByTestId('presegment-preview').click();
		const panel = page.getByTestId('presegment-panel');
		await until(async () => (await panel.getByRole('status').textContent())?.includes('3 segments proposed'), 'the preview count');
		expect(await page.getByTestId('ghost').count()).toBe(3);
		expect(await serverSegments(h, admin.cookie, recording.id)).toEqual([]);
		// Closed from the toolbar, the proposals go with the panel; opened again, a preview brings them back.
		await page.getByTestId('presegment-toggle').click();
		await until(async () => (await page.getByTestId('ghost').count()) === 0, 'no proposals once closed');
		await page.getByTestId('presegment-toggle').click();
		await page.getByTestId('presegment-preview').click();
		await until(async () => (await page.getByTestId('ghost').count()) === 3, 'the proposals again');

		await page.getByTestId('presegment-apply').click();
		const segs = await until(async () => {
			const s = await serverSegments(h, admin.cookie, recording.id);
			return s.length === 3 ? s : null;
		}, 'the applied segments');
		for (const [i, b] of bursts.entries()) {
			expect(Math.abs(segs[i].startMs - b.startMs)).toBeLessThanOrEqual(250);
			expect(Math.abs(segs[i].endMs - b.endMs)).toBeLessThanOrEqual(250);
		}
		await until(async () => (await rows(page).count()) === 3, 'three rows in the list');
		expect(await page.getByTestId('ghost').count()).toBe(0);
		await expect.poll(() => page.getByTestId('notice').textContent()).toContain('3 segments added');

		// The applied segments are ordinary segments: a text typed into one is saved.
		await focusSegment(page, 1);
		await page.keyboard.insertText('甲');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[1].texts.transcript === '甲', 'text on an applied segment');
		expect(await saveStatus(page)).not.toBe('conflict');
		await page.context().close();
	});
});
