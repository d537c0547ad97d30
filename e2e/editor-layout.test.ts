/**
 * The editor as a workstation, measured in real Chromium: at 1280×800 and 1920×1080 the waveform
 * spans the window, the list's text column gets at least 40 % of the list and shows the text, the
 * page never scrolls, and typing in the last text field keeps every field and the waveform in
 * view. The splitters resize by pointer and by keyboard, and the sizes come back after a reload
 * and in a new browser context (from the user's settings on the server). 1024×768 still fits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, panelHeading, until, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, signedInPage, type SeededUser } from './seed.ts';

const LINES = [
	'早晨！今日啲菜好新鮮㗎，你要啲乜嘢呀？',
	'请问，去火车站怎么走？一直往前走，到第二个路口往左拐。',
	'阿婆，食飽吂？食飽了，你呢？',
	'呢度嘅嘢好平，不過要早啲嚟先有得揀，遲咗就冇晒喇。'
];

interface Box {
	top: number;
	bottom: number;
	left: number;
	right: number;
	width: number;
	height: number;
}

/** What the layout test reads off the page in one go. */
async function measure(page: Page) {
	return page.evaluate(() => {
		const box = (el: Element | null): Box | null => {
			if (!el) return null;
			const r = el.getBoundingClientRect();
			return {
				top: r.top,
				bottom: r.bottom,
				left: r.left,
				right: r.right,
				width: r.width,
				height: r.height
			};
		};
		const list = document.querySelector('aside [role="listbox"]');
		const listPane = document.querySelector('#segment-list-pane');
		const firstText = list?.querySelector<HTMLElement>('[role="option"] .text') ?? null;
		const se = document.scrollingElement!;
		return {
			innerWidth,
			innerHeight,
			scrollHeight: se.scrollHeight,
			scrollWidth: se.scrollWidth,
			scrollY,
			list: box(list),
			listPane: box(listPane),
			firstText: box(firstText),
			firstTextContent: firstText?.textContent ?? '',
			firstTextClipped: firstText ? firstText.scrollWidth > firstText.clientWidth : false,
			firstTextTitle: firstText?.title ?? '',
			frame: box(document.querySelector('[data-testid="waveform-frame"]')),
			panel: box(document.querySelector('[data-testid="panel"]')),
			fields: [...document.querySelectorAll('[data-testid="panel"] textarea[data-layer]')].map(
				(el) => box(el)!
			),
			active: document.activeElement?.getAttribute('data-testid') ?? null
		};
	});
}

type Measured = Awaited<ReturnType<typeof measure>>;

function expectInside(
	inner: Box,
	outer: { top: number; bottom: number; left: number; right: number },
	what: string
) {
	const slack = 0.5;
	expect(inner.top, `${what}: top`).toBeGreaterThanOrEqual(outer.top - slack);
	expect(inner.bottom, `${what}: bottom`).toBeLessThanOrEqual(outer.bottom + slack);
	expect(inner.left, `${what}: left`).toBeGreaterThanOrEqual(outer.left - slack);
	expect(inner.right, `${what}: right`).toBeLessThanOrEqual(outer.right + slack);
}

function expectNoPageScroll(m: Measured) {
	expect(m.scrollHeight).toBeLessThanOrEqual(m.innerHeight);
	expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
	expect(m.scrollY).toBe(0);
}

async function sizes(page: Page) {
	const m = await measure(page);
	return { list: Math.round(m.listPane!.width), wave: Math.round(m.frame!.height) };
}

describe('editor layout (workstation)', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-layout-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Yue market' });
		recording = await seedRecording(
			h,
			admin.cookie,
			project.id,
			makeTestAudio(dir, 40, 'market.wav')
		);
		for (let i = 0; i < 36; i++) {
			const res = await api<{ segment: ServerSegment }>(
				h,
				admin.cookie,
				'POST',
				`/api/recordings/${recording.id}/segments`,
				{
					startMs: i * 1000 + 50,
					endMs: i * 1000 + 950,
					texts: {
						transcript: `${i + 1}. ${LINES[i % LINES.length]}`,
						mandarin: '今天的菜很新鲜。'
					}
				}
			);
			expect(res.status).toBe(201);
		}
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	for (const [width, height] of [
		[1280, 800],
		[1920, 1080]
	] as const) {
		it(`at ${width}×${height}: full-width waveform, a readable text column, no page scroll, fields and waveform in view while typing`, async () => {
			const page = await signedInPage(h, admin.cookie, { viewport: { width, height } });
			await openEditor(page, recording.id);
			await until(
				async () => (await page.locator('aside [role="listbox"] [role="option"]').count()) > 10,
				'the list rows'
			);

			let m = await measure(page);
			expect(m.frame!.width).toBeGreaterThanOrEqual(0.9 * width);
			// The editing toolbar is one row of buttons (zoom and follow live in the player's bar).
			const toolbar = (await page.getByRole('toolbar', { name: 'Segment editing' }).boundingBox())!;
			const button = (await page.getByTestId('split').boundingBox())!;
			expect(toolbar.height).toBeLessThan(2 * button.height);
			expect(m.firstText!.width).toBeGreaterThanOrEqual(0.4 * m.list!.width);
			expect(m.firstText!.width).toBeGreaterThanOrEqual(200);
			expect(m.firstTextContent).toBe(`1. ${LINES[0]}`);
			// Cut short only by an ellipsis, with the whole text on hover.
			if (m.firstTextClipped) expect(m.firstTextTitle).toBe(m.firstTextContent);
			expectNoPageScroll(m);

			// Type in the last layer's field of a segment far down the list.
			await page.locator('aside [role="listbox"] [role="option"]').nth(5).click();
			await until(
				async () => (await panelHeading(page).textContent())?.includes('Segment 6 of 36'),
				'segment 6 selected'
			);
			const last = page.locator('[data-testid="panel"] textarea[data-layer]').last();
			expect(await last.getAttribute('data-layer')).toBe('mandarin');
			await last.click();
			await page.keyboard.press('Control+End');
			await page.keyboard.type(' 好的，谢谢。第二行还有更多的字。', { delay: 5 });
			await until(async () => (await last.inputValue()).includes('第二行'), 'the typed text');

			m = await measure(page);
			expect(m.active).toBe('field-mandarin');
			expectNoPageScroll(m);
			const screen = { top: 0, left: 0, bottom: m.innerHeight, right: m.innerWidth };
			expectInside(m.frame!, screen, 'waveform');
			expect(m.fields).toHaveLength(project.textLayers.length);
			for (const [i, field] of m.fields.entries()) {
				expectInside(field, screen, `field ${i + 1}`);
				expectInside(field, m.panel!, `field ${i + 1} in the panel`);
			}
			await page.context().close();
		});
	}

	it('at 1024×768 still fits one screen with the text readable', async () => {
		const page = await signedInPage(h, admin.cookie, { viewport: { width: 1024, height: 768 } });
		await openEditor(page, recording.id);
		await until(
			async () => (await page.locator('aside [role="listbox"] [role="option"]').count()) > 5,
			'the list rows'
		);
		const m = await measure(page);
		expectNoPageScroll(m);
		expect(m.frame!.width).toBeGreaterThanOrEqual(0.9 * 1024);
		expect(m.firstText!.width).toBeGreaterThanOrEqual(0.4 * m.list!.width);
		await page.context().close();
	});

	it('resizes the panes with the splitters (pointer and keys) and restores them from the user’s settings', async () => {
		const page = await signedInPage(h, admin.cookie, { viewport: { width: 1280, height: 800 } });
		await openEditor(page, recording.id);
		const before = await sizes(page);

		// Drag the list's splitter 120 px to the left: the list (right of it) grows by as much.
		const listBar = page.getByTestId('list-splitter');
		let bar = (await listBar.boundingBox())!;
		await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
		await page.mouse.down();
		for (let i = 1; i <= 6; i++)
			await page.mouse.move(bar.x + bar.width / 2 - i * 20, bar.y + bar.height / 2);
		await page.mouse.up();
		await until(
			async () => Math.abs((await sizes(page)).list - (before.list + 120)) <= 2,
			'the list 120 px wider'
		);

		// The waveform's splitter, dragged 60 px down: the waveform is 60 px taller.
		const waveBar = page.getByTestId('wave-splitter');
		bar = (await waveBar.boundingBox())!;
		await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
		await page.mouse.down();
		for (let i = 1; i <= 3; i++)
			await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2 + i * 20);
		await page.mouse.up();
		await until(
			async () => Math.abs((await sizes(page)).wave - (before.wave + 60)) <= 2,
			'the waveform 60 px taller'
		);

		// Keys on the focused splitter: ↑ shrinks the waveform by a step, ← widens the list; the
		// editor's own arrow shortcuts (seek, next segment) stay out of it.
		const time = await page.getByTestId('current-time').textContent();
		const heading = await panelHeading(page).textContent();
		await waveBar.focus();
		await page.keyboard.press('ArrowUp');
		await until(async () => (await sizes(page)).wave === before.wave + 60 - 16, 'one step shorter');
		await listBar.focus();
		await page.keyboard.press('ArrowLeft');
		await until(async () => (await sizes(page)).list === before.list + 120 + 16, 'one step wider');
		expect(await page.getByTestId('current-time').textContent()).toBe(time);
		expect(await panelHeading(page).textContent()).toBe(heading);
		expect(await listBar.getAttribute('aria-valuenow')).toBe(String(before.list + 136));
		const after = await sizes(page);
		expect(after).toEqual({ list: before.list + 136, wave: before.wave + 44 });
		expectNoPageScroll(await measure(page));

		// Saved in the user's settings on the server (debounced), not only in this browser.
		await until(async () => {
			const me = await api<{
				user: { settings: Record<string, { waveHeight?: number; listFraction?: number }> };
			}>(h, admin.cookie, 'GET', '/api/auth/me');
			return me.body.user.settings.editorLayout?.waveHeight === after.wave;
		}, 'the layout in the settings');

		await page.reload();
		await openEditor(page, recording.id);
		await until(
			async () => JSON.stringify(await sizes(page)) === JSON.stringify(after),
			'the sizes after a reload'
		);
		await page.context().close();

		// A new browser context has no local cache: the sizes come from the settings.
		const fresh = await signedInPage(h, admin.cookie, { viewport: { width: 1280, height: 800 } });
		await openEditor(fresh, recording.id);
		expect(
			await fresh.evaluate(() =>
				Object.keys(localStorage).filter((k) => k.includes('editorLayout'))
			)
		).toEqual([]);
		await until(
			async () => JSON.stringify(await sizes(fresh)) === JSON.stringify(after),
			'the sizes in a new context'
		);

		// Double click goes back to the default sizes (and that is saved too).
		await fresh.getByTestId('list-splitter').dblclick();
		await fresh.getByTestId('wave-splitter').dblclick();
		await until(
			async () => JSON.stringify(await sizes(fresh)) === JSON.stringify(before),
			'the default sizes'
		);
		await until(async () => {
			const me = await api<{ user: { settings: Record<string, { waveHeight?: number | null }> } }>(
				h,
				admin.cookie,
				'GET',
				'/api/auth/me'
			);
			return me.body.user.settings.editorLayout?.waveHeight === null;
		}, 'the default layout in the settings');
		await fresh.context().close();
	});
});
