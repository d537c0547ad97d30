/**
 * Editing on long recordings in real Chromium: zoom steps that reach 1000 px/s from the whole of
 * a 10-hour file in a few presses, zoom to the selected segment, "follow" (a fixed window around
 * each segment as Enter moves on, its length saved in the user's settings), the boundary keys
 * (nudge, boundary at the playhead) saving to the server, the details card following drags and
 * undo, status messages that clear when they stop being true, and pre-segmentation of more than
 * a thousand proposals undone and redone as one step. The 1- and 10-hour recordings are seeded
 * without an ingest (seedLongRecording). Outcomes are read from the DOM, the viewport the
 * waveform reports and the server's API.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto, UserDto } from '../src/lib/api/types.ts';
import { formatClock } from '../src/lib/utils/format-duration.ts';
import {
	api,
	frameView,
	openEditor,
	panelHeading,
	segmentCanvas,
	serverSegments,
	settled,
	until,
	waitForView,
	type FrameView,
	type ServerSegment
} from './editor-helpers.ts';
import { startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedLongRecording, seedProject, signedInPage, type SeededUser } from './seed.ts';

const HOUR = 3_600_000;

/** The segments of the 1-hour recording: far apart, one of them longer than the follow window. */
const SPANS: [number, number][] = [
	[600_000, 602_000],
	[1_200_000, 1_201_500],
	[1_800_000, 1_803_000],
	[2_400_000, 2_440_000],
	[3_000_000, 3_001_000]
];

const visibleMs = (v: FrameView) => v.endMs - v.startMs;
const xOf = (v: FrameView, ms: number) => ((ms - v.startMs) * v.pxPerSec) / 1000;

function rows(page: Page) {
	return page.locator('aside [role="listbox"] [role="option"]');
}

function notice(page: Page) {
	return page.getByTestId('notice').textContent();
}

/** The card's "Segment n of N", digits only (big counts may be grouped: 1,250). */
async function heading(page: Page) {
	return ((await panelHeading(page).textContent()) ?? '').replace(/(\d),(\d)/g, '$1$2');
}

async function selectRow(page: Page, index: number, total: number) {
	await rows(page).nth(index).click();
	await until(async () => (await heading(page)).includes(`Segment ${index + 1} of ${total}`), `segment ${index + 1} selected`);
}

/** The view shows `windowMs` (±1 %) with the segment centred on it (±2 px). */
function isWindowAround(v: FrameView, [s, e]: [number, number], windowMs: number) {
	return Math.abs(visibleMs(v) - windowMs) < windowMs * 0.01 && Math.abs(xOf(v, (s + e) / 2) - v.widthPx / 2) <= 2;
}

/** "Zoom to segment": the segment fills the view but for a margin of 20 px to a tenth of the width. */
function isZoomedTo(v: FrameView, [s, e]: [number, number]) {
	const left = xOf(v, s);
	const right = v.widthPx - xOf(v, e);
	return left >= 20 && left <= v.widthPx * 0.1 + 1 && right >= 20 && right <= v.widthPx * 0.1 + 1;
}

describe('editing on long recordings', () => {
	let h: Harness;
	let admin: SeededUser;
	let project: ProjectDto;
	let hour: RecordingDto;
	let tenHours: RecordingDto;
	let bursts: RecordingDto;
	let ids: string[];

	beforeAll(async () => {
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Long recordings' });
		hour = await seedLongRecording(h, admin.cookie, project.id, { name: 'one-hour.ogg', durationMs: HOUR });
		tenHours = await seedLongRecording(h, admin.cookie, project.id, { name: 'ten-hours.ogg', durationMs: 10 * HOUR });
		// 25 minutes of 0.6-s bursts every 1.2 s: 1,250 stretches of "speech" for pre-segmentation.
		bursts = await seedLongRecording(h, admin.cookie, project.id, { name: 'bursts.ogg', durationMs: 25 * 60_000, periodMs: 1200, burstMs: 600 });
		ids = [];
		for (const [startMs, endMs] of SPANS) {
			const res = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${hour.id}/segments`, { startMs, endMs });
			expect(res.status).toBe(201);
			ids.push(res.body.segment.id);
		}
	});

	afterAll(async () => {
		await h?.close();
	});

	it('reaches 1000 px/s from the whole 10-hour recording in at most 6 presses, and comes back', async () => {
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, tenHours.id);
		const fit = await frameView(page);
		expect(fit.startMs).toBe(0);
		expect(fit.pxPerSec).toBeCloseTo((fit.widthPx * 1000) / (10 * HOUR), 9);
		await page.getByTestId('waveform-frame').focus();
		const steps: number[] = [];
		while (steps.length < 10 && steps.at(-1) !== 1000) {
			const before = (await frameView(page)).pxPerSec;
			await page.keyboard.press('=');
			steps.push((await waitForView(page, (v) => v.pxPerSec > before, 'a zoom step')).pxPerSec);
		}
		expect(steps.at(-1)).toBe(1000);
		expect(steps.length).toBeLessThanOrEqual(6);
		// Geometric: every press multiplies by about the same factor, more than ×2.
		const factors = steps.slice(0, -1).map((px, i) => px / (i === 0 ? fit.pxPerSec : steps[i - 1]));
		for (const f of factors) {
			expect(f).toBeGreaterThan(2);
			expect(f).toBeCloseTo(factors[0], 6);
		}
		// The zoom-out button walks the same levels back to the whole recording.
		for (let i = 0; i < steps.length; i++) await page.getByTestId('zoom-out').click();
		const back = await waitForView(page, (v) => v.pxPerSec === fit.pxPerSec, 'the whole recording again');
		expect(back.startMs).toBe(0);
		expect(await page.getByTestId('zoom-out').isDisabled()).toBe(true);
		await page.context().close();
	});

	describe('on a 1-hour recording with five segments', () => {
		let page: Page;

		beforeAll(async () => {
			page = await signedInPage(h, admin.cookie);
			await openEditor(page, hour.id);
			await until(async () => (await rows(page).count()) === SPANS.length, 'the five rows');
		});

		it('zooms to the selected segment with a margin, by key and by button', async () => {
			const whole = await frameView(page);
			expect(whole.pxPerSec).toBeLessThan(1);
			await selectRow(page, 2, 5);
			await page.keyboard.press('Alt+z');
			const v = await waitForView(page, (x) => isZoomedTo(x, SPANS[2]), 'the zoom to the segment');
			expect(xOf(v, SPANS[2][1]) - xOf(v, SPANS[2][0])).toBeGreaterThanOrEqual(v.widthPx * 0.8);

			await selectRow(page, 0, 5);
			await page.getByTestId('zoom-segment').click();
			const v0 = await waitForView(page, (x) => isZoomedTo(x, SPANS[0]), 'zoomed to segment 1');
			expect(xOf(v0, SPANS[0][1]) - xOf(v0, SPANS[0][0])).toBeGreaterThanOrEqual(v0.widthPx * 0.8);
		});

		it('follows: Enter keeps a 10-s window around each next segment; the window is saved for the user', async () => {
			await page.getByTestId('zoom-out').click();
			await page.getByTestId('follow').click();
			await expect.poll(() => page.getByTestId('follow').getAttribute('aria-pressed')).toBe('true');
			await expect.poll(() => notice(page)).toContain('10 s');
			// Turning it on shows the window around the selected segment at once.
			await waitForView(page, (v) => isWindowAround(v, SPANS[0], 10_000), 'the window around segment 1');

			await page.getByTestId('field-transcript').click();
			for (const i of [1, 2]) {
				await page.keyboard.press('Enter');
				await until(async () => (await panelHeading(page).textContent())?.includes(`Segment ${i + 1} of 5`), `segment ${i + 1}`);
				await waitForView(page, (v) => isWindowAround(v, SPANS[i], 10_000), `the window around segment ${i + 1}`);
			}
			// A segment longer than the window: its start stays in view, a tenth in from the left.
			await page.keyboard.press('Enter');
			await until(async () => (await panelHeading(page).textContent())?.includes('Segment 4 of 5'), 'segment 4');
			const long = await waitForView(page, (v) => Math.abs(visibleMs(v) - 10_000) < 100 && v.startMs < SPANS[3][0], 'the start of segment 4');
			expect(xOf(long, SPANS[3][0])).toBeCloseTo(long.widthPx * 0.1, -1);

			// A 6-s window, typed in the toolbar: used from the next segment on and saved for the user.
			await page.getByTestId('follow-window').fill('6');
			await page.getByTestId('follow-window').press('Enter');
			await waitForView(page, (v) => Math.abs(visibleMs(v) - 6000) < 60, 'the 6-s window');
			const saved = await until(async () => {
				const me = await api<{ user: UserDto }>(h, admin.cookie, 'GET', '/api/auth/me');
				const view = (me.body.user.settings as { editorView?: { follow: boolean; followWindowMs: number } }).editorView;
				return view?.followWindowMs === 6000 ? view : null;
			}, 'the window in the user settings');
			expect(saved.follow).toBe(true);
			await page.getByTestId('field-transcript').click();
			await page.keyboard.press('Shift+Enter');
			await until(async () => (await panelHeading(page).textContent())?.includes('Segment 3 of 5'), 'back to segment 3');
			await waitForView(page, (v) => isWindowAround(v, SPANS[2], 6000), 'the 6-s window around segment 3');

			// After a reload the editor follows with the saved window.
			await page.reload();
			await openEditor(page, hour.id);
			expect(await page.getByTestId('follow').getAttribute('aria-pressed')).toBe('true');
			expect(await page.getByTestId('follow-window').inputValue()).toBe('6');
			await selectRow(page, 4, 5);
			await waitForView(page, (v) => isWindowAround(v, SPANS[4], 6000), 'the 6-s window around segment 5 after a reload');

			// F (outside the text) turns it off: choosing a row only scrolls again.
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('f');
			await expect.poll(() => page.getByTestId('follow').getAttribute('aria-pressed')).toBe('false');
			await until(async () => {
				const me = await api<{ user: UserDto }>(h, admin.cookie, 'GET', '/api/auth/me');
				return (me.body.user.settings as { editorView?: { follow: boolean } }).editorView?.follow === false;
			}, 'follow off in the user settings');
			const before = await frameView(page);
			await selectRow(page, 0, 5);
			const after = await waitForView(page, (v) => v.startMs <= SPANS[0][0] && v.endMs >= SPANS[0][1], 'segment 1 revealed');
			expect(after.pxPerSec).toBe(before.pxPerSec);
		});

		it('moves the boundaries with the nudge keys and sets them at the playhead, saving each to the server', async () => {
			const id = ids[0];
			const card = () => page.getByTestId('segment-times').textContent();
			const onServer = async (startMs: number, endMs: number, what: string) => {
				let seg: ServerSegment | undefined;
				await until(async () => {
					seg = (await serverSegments(h, admin.cookie, hour.id)).find((s) => s.id === id);
					return seg?.startMs === startMs && seg.endMs === endMs;
				}, what).catch(async (err: Error) => {
					throw new Error(`${err.message}: the server has ${seg?.startMs}–${seg?.endMs}, the card "${await card()}", the notice "${await notice(page)}"`);
				});
				await expect.poll(card).toBe(`${formatClock(startMs, 2)} – ${formatClock(endMs, 2)}`);
			};
			// Outside the text: [ ] move the start, ; ' the end, 10 ms a press, 100 ms with Shift.
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('[');
			await onServer(599_990, 602_000, 'start −10 ms');
			await page.keyboard.press(']');
			await page.keyboard.press(']');
			await page.keyboard.press('Shift+[');
			await page.keyboard.press(';');
			await page.keyboard.press('Shift+Quote');
			await onServer(599_910, 602_090, 'start +20 −100 ms, end −10 +100 ms');

			// In the text field the Alt combinations do the same; during IME composition nothing fires.
			await page.getByTestId('field-transcript').click();
			await page.keyboard.press('Alt+BracketRight');
			await onServer(599_920, 602_090, 'start +10 ms from the text field');
			await page.evaluate(() => document.activeElement!.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' })));
			await page.keyboard.press('Alt+BracketLeft');
			await page.keyboard.press('Alt+Quote');
			await settled(page);
			const endedAt = await page.evaluate(() => {
				document.activeElement!.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
				return performance.now();
			});
			expect(await card()).toBe(`${formatClock(599_920, 2)} – ${formatClock(602_090, 2)}`);
			// The key that ends a composition belongs to the IME too, for a short grace period after it.
			await page.waitForFunction((t) => performance.now() - t > 100, endedAt);

			// Boundary at the playhead: seek by clicking the empty waveform beside the segment (zoomed
			// to it just before, so the click lands where the view says), choose the segment again in
			// the list, then Alt+Shift+I / Alt+Shift+O.
			// Focusing the text played the segment: let that finish (a click while playing seeks and plays on).
			await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('[data-testid="audio"]')!.paused);
			const seekBeside = async (segment: [number, number], ms: number) => {
				await page.keyboard.press('Alt+z');
				const v = await waitForView(page, (x) => isZoomedTo(x, segment), 'zoomed to the segment');
				const box = (await segmentCanvas(page).boundingBox())!;
				await page.mouse.click(box.x + xOf(v, ms), box.y + box.height / 2);
				return until(
					() => page.getByTestId('audio').evaluate((a: HTMLAudioElement, t) => (!a.seeking && Math.abs(a.currentTime * 1000 - t) < 20 ? a.currentTime * 1000 : 0), ms),
					`the playhead at ${ms}`
				);
			};
			const endAt = Math.round(await seekBeside([599_920, 602_090], 602_250));
			await selectRow(page, 0, 5);
			await page.keyboard.press('Alt+Shift+O');
			await onServer(599_920, endAt, 'the end at the playhead');
			const startAt = Math.round(await seekBeside([599_920, endAt], 599_800));
			await selectRow(page, 0, 5);
			await page.keyboard.press('Alt+Shift+I');
			await onServer(startAt, endAt, 'the start at the playhead');
			// Nudges are one undo step per boundary and burst; undo walks them back.
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('Control+z');
			await onServer(599_920, endAt, 'undo of the start at the playhead');
		});

		it('shows new times in the details card after a drag and after undo', async () => {
			await selectRow(page, 2, 5);
			await page.keyboard.press('Alt+z');
			const v = await waitForView(page, (x) => isZoomedTo(x, SPANS[2]), 'zoomed to segment 3');
			const box = (await segmentCanvas(page).boundingBox())!;
			const x = (ms: number) => box.x + xOf(v, ms);
			const y = box.y + box.height / 2;
			const card = () => page.getByTestId('segment-times').textContent();
			expect(await card()).toBe(`${formatClock(SPANS[2][0], 2)} – ${formatClock(SPANS[2][1], 2)}`);
			// Drag the body 500 ms to the right.
			await page.mouse.move(x(1_801_500), y);
			await page.mouse.down();
			for (let i = 1; i <= 5; i++) await page.mouse.move(x(1_801_500 + i * 100), y);
			await page.mouse.up();
			const moved = await until(async () => {
				const seg = (await serverSegments(h, admin.cookie, hour.id)).find((s) => s.id === ids[2])!;
				return seg.startMs !== SPANS[2][0] ? seg : null;
			}, 'the moved segment on the server');
			expect(Math.abs(moved.startMs - (SPANS[2][0] + 500))).toBeLessThanOrEqual(Math.ceil(2000 / v.pxPerSec) + 1);
			expect(moved.endMs - moved.startMs).toBe(3000);
			await expect.poll(card).toBe(`${formatClock(moved.startMs, 2)} – ${formatClock(moved.endMs, 2)}`);

			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('Control+z');
			await expect.poll(card).toBe(`${formatClock(SPANS[2][0], 2)} – ${formatClock(SPANS[2][1], 2)}`);
			await expect.poll(() => notice(page)).toBe('Undone: Move');
			await until(async () => (await serverSegments(h, admin.cookie, hour.id)).find((s) => s.id === ids[2])?.startMs === SPANS[2][0], 'the undo on the server');
			// Redo selects what it changed and shows it, here and in the list.
			await selectRow(page, 0, 5);
			await page.keyboard.press('Control+Shift+z');
			await until(async () => (await panelHeading(page).textContent())?.includes('Segment 3 of 5'), 'redo selects segment 3');
			await expect.poll(card).toBe(`${formatClock(moved.startMs, 2)} – ${formatClock(moved.endMs, 2)}`);
			const shown = await frameView(page);
			expect(shown.startMs).toBeLessThanOrEqual(moved.startMs);
			expect(shown.endMs).toBeGreaterThanOrEqual(moved.endMs);
			expect(await rows(page).nth(2).getAttribute('aria-selected')).toBe('true');
			await until(async () => (await serverSegments(h, admin.cookie, hour.id)).find((s) => s.id === ids[2])?.startMs === moved.startMs, 'the redo on the server');
		});

		it('clears status messages when they stop being true', async () => {
			// Empty space beside segment 3 (where the redo left it): a click there selects nothing.
			const seg = (await serverSegments(h, admin.cookie, hour.id)).find((s) => s.id === ids[2])!;
			await page.keyboard.press('Alt+z');
			const v = await waitForView(page, (x) => isZoomedTo(x, [seg.startMs, seg.endMs]), 'zoomed to segment 3');
			const box = (await segmentCanvas(page).boundingBox())!;
			await page.mouse.click(box.x + xOf(v, (v.startMs + seg.startMs) / 2), box.y + box.height / 2);
			await expect.poll(() => page.getByTestId('no-selection').count()).toBe(1);
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('m');
			await expect.poll(() => notice(page)).toBe('Select a segment first');
			await selectRow(page, 1, 5);
			await expect.poll(() => notice(page)).toBe('');

			// "Start marked" lasts while the mark does: cancelled, or made into a segment.
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('i');
			await expect.poll(() => notice(page)).toContain('Segment start marked');
			await page.getByTestId('cancel-mark').click();
			await expect.poll(() => notice(page)).toBe('');
			expect(await page.getByTestId('pending-mark').count()).toBe(0);
			// At the very start, where there is room for a new segment.
			await page.getByTestId('waveform-frame').focus();
			await page.keyboard.press('Home');
			await page.keyboard.press('i');
			await expect.poll(() => notice(page)).toContain('Segment start marked');
			await page.keyboard.press('ArrowRight');
			await page.keyboard.press('o');
			await until(async () => (await panelHeading(page).textContent())?.includes('of 6'), 'the marked segment');
			await expect.poll(() => notice(page)).toBe('');

			// A confirmation goes by itself.
			await page.keyboard.press('Control+z');
			await expect.poll(() => notice(page)).toBe('Undone: New segment');
			await expect.poll(() => notice(page), { timeout: 10_000 }).toBe('');
			await until(async () => (await serverSegments(h, admin.cookie, hour.id)).length === 5, 'the undone segment gone from the server');
		});

		afterAll(async () => {
			await page?.context().close();
		});
	});

	it('applies 1,000+ pre-segmentation proposals as one step: undo deletes them all on the server, redo brings them back', async () => {
		const mine = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${bursts.id}/segments`, {
			startMs: 100,
			endMs: 500
		});
		expect(mine.status).toBe(201);
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, bursts.id);
		await selectRow(page, 0, 1);
		await page.getByTestId('presegment-toggle').click();
		await page.getByTestId('presegment-apply').click();
		const applied = await until(
			async () => {
				const segs = await serverSegments(h, admin.cookie, bursts.id);
				return segs.length > 1000 ? segs : null;
			},
			'the applied segments on the server',
			120_000
		);
		const total = applied.length;
		const created = applied.filter((s) => s.id !== mine.body.segment.id).map((s) => s.id);
		expect(created.length).toBeGreaterThanOrEqual(1200);
		await expect.poll(() => notice(page)).toBe(`${created.length.toLocaleString('en')} segments added`);
		// The details card counts them, though the selection did not change.
		await until(async () => (await heading(page)).includes(`Segment 1 of ${total}`), 'the new count in the card');

		await page.getByTestId('waveform-frame').focus();
		await page.keyboard.press('Control+z');
		await expect.poll(() => notice(page)).toBe('Undone: Pre-segmentation');
		await until(async () => (await heading(page)) === 'Segment 1 of 1', 'one segment left in the card');
		const left = await until(
			async () => {
				const segs = await serverSegments(h, admin.cookie, bursts.id);
				return segs.length === 1 ? segs : null;
			},
			'the proposals deleted on the server',
			180_000
		);
		expect(left[0].id).toBe(mine.body.segment.id);

		await page.getByTestId('waveform-frame').focus();
		await page.keyboard.press('Control+Shift+z');
		await expect.poll(() => notice(page)).toBe('Redone: Pre-segmentation');
		const back = await until(
			async () => {
				const segs = await serverSegments(h, admin.cookie, bursts.id);
				return segs.length === total ? segs : null;
			},
			'the proposals back on the server',
			240_000
		);
		expect(new Set(back.map((s) => s.id))).toEqual(new Set(applied.map((s) => s.id)));
		for (const s of back) {
			const before = applied.find((a) => a.id === s.id)!;
			expect([s.startMs, s.endMs]).toEqual([before.startMs, before.endMs]);
		}
		await expect.poll(() => rows(page).count()).toBeGreaterThan(0);
		await page.context().close();
	}, 600_000);
});
