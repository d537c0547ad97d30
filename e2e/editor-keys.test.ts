/**
 * The editor's keyboard loop in real Chromium with the default keymap: play/pause, ±2 s, speed
 * steps with pitch kept, replay and loop of a segment, mark start/end while playing, speaker keys,
 * Esc between the text and the waveform, no shortcut during IME composition — and rebinding a key
 * in the help overlay (saved to the user's settings, applied after a reload). Outcomes are read
 * from the <audio> element, the DOM and the server's API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto, UserDto } from '../src/lib/api/types.ts';
import { api, openEditor, panelHeading, serverSegments, settled, until, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

interface AudioState {
	paused: boolean;
	currentTime: number;
	playbackRate: number;
	preservesPitch: boolean;
}

function audio(page: Page): Promise<AudioState> {
	return page.evaluate(() => {
		const a = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')!;
		return { paused: a.paused, currentTime: a.currentTime, playbackRate: a.playbackRate, preservesPitch: a.preservesPitch };
	});
}

/** Waits (in the page, every frame) until the audio element satisfies `predicate` (a JS expression over `a`). */
async function waitAudio(page: Page, predicate: string, what: string, timeout = 10_000) {
	try {
		await page.waitForFunction(
			(expr) => {
				const a = document.querySelector<HTMLAudioElement>('[data-testid="audio"]');
				return !!a && new Function('a', `return (${expr});`)(a);
			},
			predicate,
			{ timeout }
		);
	} catch (err) {
		throw new Error(`audio never got ${what} (${predicate}): ${JSON.stringify(await audio(page))}; ${err}`);
	}
}

/** Starts recording the audio's currentTime on every timeupdate and the time of every keydown. */
async function startTrace(page: Page) {
	await page.evaluate(() => {
		const w = window as unknown as { __trace: number[]; __keys: { key: string; t: number }[]; __traceInstalled?: boolean };
		w.__trace = [];
		w.__keys = [];
		if (w.__traceInstalled) return;
		w.__traceInstalled = true;
		const a = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')!;
		a.addEventListener('timeupdate', () => w.__trace.push(a.currentTime));
		const sample = () => {
			if (!a.paused) w.__trace.push(a.currentTime);
			requestAnimationFrame(sample);
		};
		requestAnimationFrame(sample);
		window.addEventListener('keydown', (e) => w.__keys.push({ key: e.key, t: a.currentTime }), true);
	});
}

/**
 * Presses `key` and waits for the seek it causes to finish: its 'seeked' event, which the media
 * element fires after that seek's 'timeupdate'. A trace started after this cannot catch a
 * timeupdate of the old position.
 */
async function pressAndSeek(page: Page, key: string) {
	await page.evaluate(() => {
		const a = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')!;
		const w = window as unknown as { __seeked: boolean };
		w.__seeked = false;
		a.addEventListener('seeked', () => (w.__seeked = true), { once: true });
	});
	await page.keyboard.press(key);
	await page.waitForFunction(() => (window as unknown as { __seeked: boolean }).__seeked);
}

/** Records the media element's play and pause events from now on, in order. */
async function recordPlayPause(page: Page) {
	await page.evaluate(() => {
		const a = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')!;
		const w = window as unknown as { __events: string[] };
		w.__events = [];
		a.addEventListener('play', () => w.__events.push('play'));
		a.addEventListener('pause', () => w.__events.push('pause'));
	});
}

function trace(page: Page): Promise<{ times: number[]; keys: { key: string; t: number }[] }> {
	return page.evaluate(() => {
		const w = window as unknown as { __trace: number[]; __keys: { key: string; t: number }[] };
		return { times: w.__trace, keys: w.__keys };
	});
}

function activeTestId(page: Page) {
	return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
}

describe('editor keyboard loop', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let recording: RecordingDto;
	let speakers: { id: string; code: string }[];
	let ids: string[];
	let page: Page;

	const frame = () => page.getByTestId('waveform-frame');
	const rows = () => page.locator('[role="listbox"] [role="option"]');

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-keys-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Wu fieldwork' });
		speakers = [];
		for (const code of ['A', 'B']) {
			const res = await api<{ speaker: { id: string; code: string } }>(h, admin.cookie, 'POST', `/api/projects/${project.id}/speakers`, {
				code,
				name: `Speaker ${code}`
			});
			expect(res.status).toBe(201);
			speakers.push(res.body.speaker);
		}
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 10, 'wuu.wav'));
		ids = [];
		for (const [startMs, endMs] of [
			[1000, 2500],
			[4000, 6000]
		]) {
			const res = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, { startMs, endMs });
			expect(res.status).toBe(201);
			ids.push(res.body.segment.id);
		}
		page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);
		await until(async () => (await rows().count()) === 2, 'two rows');
		await startTrace(page);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('toggles play/pause, moves ±2 s and steps the speed within 0.5–2× with pitch preserved', async () => {
		await frame().focus();
		await page.keyboard.press('Home');
		expect((await audio(page)).paused).toBe(true);
		await page.keyboard.press('k');
		await waitAudio(page, '!a.paused && a.currentTime > 0.1', 'playing');
		await page.keyboard.press('k');
		await waitAudio(page, 'a.paused', 'paused');

		// To 5 s with the waveform's own arrows (1 s each), then the shortcuts J / L (2 s).
		await page.keyboard.press('Home');
		for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
		await waitAudio(page, 'Math.abs(a.currentTime - 5) < 0.01', 'at 5 s');
		await page.keyboard.press('j');
		await waitAudio(page, 'Math.abs(a.currentTime - 3) < 0.05', 'back 2 s');
		await page.keyboard.press('j');
		await waitAudio(page, 'Math.abs(a.currentTime - 1) < 0.05', 'back 2 s again');
		await page.keyboard.press('l');
		await waitAudio(page, 'Math.abs(a.currentTime - 3) < 0.05', 'forward 2 s');
		expect((await audio(page)).paused).toBe(true);

		// Speed: one step faster, then down to the floor, then up to the ceiling.
		expect((await audio(page)).playbackRate).toBe(1);
		await page.keyboard.press('.');
		let state = await audio(page);
		expect(state.playbackRate).toBeCloseTo(1.1, 5);
		expect(state.preservesPitch).toBe(true);
		const down: number[] = [];
		for (let i = 0; i < 12; i++) {
			await page.keyboard.press(',');
			down.push((await audio(page)).playbackRate);
		}
		expect(down.slice(0, 5)).toEqual([1, 0.9, 0.75, 0.6, 0.5]);
		expect(Math.min(...down)).toBe(0.5);
		const up: number[] = [];
		for (let i = 0; i < 12; i++) {
			await page.keyboard.press('.');
			up.push((await audio(page)).playbackRate);
		}
		expect(up.slice(0, 9)).toEqual([0.6, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2]);
		expect(Math.max(...up)).toBe(2);
		for (let i = 1; i < up.length; i++) expect(up[i]).toBeGreaterThanOrEqual(up[i - 1]);
		state = await audio(page);
		expect(state.preservesPitch).toBe(true);
		// Back to normal speed for the timing checks below.
		while ((await audio(page)).playbackRate > 1) await page.keyboard.press(',');
		expect((await audio(page)).playbackRate).toBe(1);
	});

	it('replays the selected segment from its start to its end, and loops it', async () => {
		await rows().first().click();
		await until(async () => (await panelHeading(page).textContent())?.includes('Segment 1 of 2'), 'segment 1 selected');
		// Away from the segment first, so the replay must seek; and only once that seek is over does
		// the trace start (its timeupdate, at the end of the file, used to land in the trace).
		await frame().focus();
		await pressAndSeek(page, 'End');
		await startTrace(page);
		await page.keyboard.press('r');
		await waitAudio(page, '!a.paused', 'replay started');
		await waitAudio(page, 'a.paused', 'replay stopped at the segment end');
		const { times } = await trace(page);
		const end = (await audio(page)).currentTime;
		expect(Math.abs(end - 2.5)).toBeLessThanOrEqual(0.1);
		const played = times.filter((t) => t > 0.9 && t < 2.7);
		expect(played.length).toBeGreaterThan(3);
		expect(Math.min(...played)).toBeLessThan(1.2);
		expect(Math.max(...times)).toBeLessThanOrEqual(2.6);

		// Loop: Shift+L plays the segment and starts it again at its end.
		await startTrace(page);
		await page.keyboard.press('Shift+L');
		await expect.poll(() => page.getByTestId('loop').getAttribute('aria-pressed')).toBe('true');
		await until(
			async () => {
				const t = (await trace(page)).times;
				// A wrap: near the start, then near the end, then near the start again (a sample of
				// the replay's end that arrived late must not count as the loop's end).
				const start = t.findIndex((x) => x < 1.3);
				const end = start < 0 ? -1 : t.findIndex((x, i) => i > start && x > 2.3);
				return end >= 0 && t.slice(end).some((x) => x < 1.3);
			},
			'the loop to wrap to the segment start',
			15_000
		);
		const looped = (await trace(page)).times;
		expect(Math.max(...looped)).toBeLessThanOrEqual(2.6);
		await page.keyboard.press('Shift+L');
		await expect.poll(() => page.getByTestId('loop').getAttribute('aria-pressed')).toBe('false');
		await waitAudio(page, 'a.paused', 'loop off: playback stops at the segment end', 10_000);
	});

	it('marks start and end while playing and creates a segment at those times', async () => {
		await frame().focus();
		await page.keyboard.press('Home');
		for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
		await waitAudio(page, 'Math.abs(a.currentTime - 6) < 0.01', 'at 6 s');
		await startTrace(page);
		await page.keyboard.press('k');
		await waitAudio(page, 'a.currentTime >= 6.4', 'past 6.4 s');
		await page.keyboard.press('i');
		await page.getByTestId('pending-mark').waitFor();
		await waitAudio(page, 'a.currentTime >= 7.3', 'past 7.3 s');
		await page.keyboard.press('o');
		await page.keyboard.press('k');
		await waitAudio(page, 'a.paused', 'paused');
		const { keys } = await trace(page);
		const markIn = keys.find((k) => k.key === 'i')!.t * 1000;
		const markOut = keys.find((k) => k.key === 'o')!.t * 1000;
		const created = await until(async () => {
			const segs = await serverSegments(h, admin.cookie, recording.id);
			return segs.length === 3 ? segs : null;
		}, 'the marked segment on the server');
		const seg = created.find((s) => !ids.includes(s.id))!;
		expect(Math.abs(seg.startMs - markIn)).toBeLessThanOrEqual(100);
		expect(Math.abs(seg.endMs - markOut)).toBeLessThanOrEqual(100);
		expect(await page.getByTestId('pending-mark').count()).toBe(0);
	});

	it('sets the selected segment’s speaker with the number keys outside a text field', async () => {
		await rows().first().click();
		await until(async () => (await panelHeading(page).textContent())?.includes('Segment 1 of 3'), 'segment 1 selected');
		await page.keyboard.press('2');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[0].speakerId === speakers[1].id, 'speaker 2 saved');
		await page.keyboard.press('1');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[0].speakerId === speakers[0].id, 'speaker 1 saved');
		expect(await page.getByTestId('speaker-select').inputValue()).toBe(speakers[0].id);
		// A project without a ninth speaker: nothing changes, the editor says why.
		await page.keyboard.press('9');
		await expect.poll(() => page.getByTestId('notice').textContent()).toContain('no speaker 9');
		const [first] = await serverSegments(h, admin.cookie, recording.id);
		expect(first.speakerId).toBe(speakers[0].id);
	});

	it('Esc leaves the text field for the waveform and comes back', async () => {
		await page.getByTestId('field-transcript').focus();
		await page.keyboard.press('Escape');
		expect(await activeTestId(page)).toBe('waveform-frame');
		await page.keyboard.press('Escape');
		await until(async () => (await activeTestId(page)) === 'field-transcript', 'focus back in the text field');
		// Focusing the field plays the segment; let it finish.
		await waitAudio(page, 'a.paused && a.currentTime >= 2.4', 'segment playback over');
	});

	it('fires no shortcut while an input method is composing', async () => {
		expect(await activeTestId(page)).toBe('field-transcript');
		expect((await audio(page)).paused).toBe(true);
		await page.evaluate(() => {
			const el = document.activeElement!;
			el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
			el.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: 'k' }));
			el.dispatchEvent(
				new KeyboardEvent('keydown', { bubbles: true, cancelable: true, key: 'k', code: 'KeyK', altKey: true, keyCode: 229, isComposing: true })
			);
		});
		// Real key presses mid-composition too: play/pause, Esc and F2 all belong to the IME now.
		await page.keyboard.press('Alt+k');
		await page.keyboard.press('Control+Space');
		await page.keyboard.press('Escape');
		await page.keyboard.press('F2');
		await settled(page);
		let state = await audio(page);
		expect(state.paused).toBe(true);
		expect(Math.abs(state.currentTime - 2.5)).toBeLessThan(0.05);
		expect(await activeTestId(page)).toBe('field-transcript');

		// After compositionend the same key works: the guard, not the key, held it back. The guard
		// also holds a key that comes within its grace period after compositionend (30 ms).
		const endedAt = await page.evaluate(() => {
			document.activeElement!.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '' }));
			return performance.now();
		});
		await page.waitForFunction((t) => performance.now() - t > 100, endedAt);
		await page.keyboard.press('Alt+k');
		await waitAudio(page, '!a.paused', 'playing after the composition');
		await page.keyboard.press('Alt+k');
		await waitAudio(page, 'a.paused', 'paused again');

		// A quick tap-tap (both presses before the media's 'play' event): plays, then pauses.
		// The pause event of the press before may still be queued: only a pause after a play counts.
		await recordPlayPause(page);
		await page.evaluate(() => {
			const el = document.activeElement!;
			for (let i = 0; i < 2; i++) {
				el.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, key: 'k', code: 'KeyK', altKey: true }));
			}
		});
		await page.waitForFunction(() => {
			const events = (window as unknown as { __events: string[] }).__events;
			return events.includes('play') && events.lastIndexOf('pause') > events.indexOf('play');
		});
		await settled(page);
		expect((await audio(page)).paused).toBe(true);
		expect(await page.getByTestId('play-pause').getAttribute('aria-label')).toBe('Play');
		state = await audio(page);
		expect(state.paused).toBe(true);
	});

	it('rebinds play/pause in the help overlay, saves it to the user, and uses it after a reload', async () => {
		const user = await seedUser(h, { role: 'transcriber', email: 'keys@example.org', name: 'Keys', memberOf: [recording.projectId] });
		const p = await signedInPage(h, user.cookie);
		await openEditor(p, recording.id);
		await p.getByTestId('waveform-frame').focus();
		await p.keyboard.press('?');
		const dialog = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
		await dialog.waitFor();
		await dialog.getByRole('button', { name: 'Remove K from Play / pause' }).click();
		await dialog.getByRole('button', { name: 'Add a key for Play / pause' }).click();
		await dialog.getByRole('textbox', { name: /Press the new key combination for Play \/ pause/ }).waitFor();
		await p.keyboard.press('p');
		await dialog.getByRole('button', { name: 'Save shortcuts' }).click();
		// The dialog says so once the client has the answer (the server has it a moment earlier).
		await dialog.getByRole('status').filter({ hasText: 'Shortcuts saved.' }).waitFor();
		const saved = await until(async () => {
			const me = await api<{ user: UserDto }>(h, user.cookie, 'GET', '/api/auth/me');
			return (me.body.user.settings as { keymap?: Record<string, string[]> }).keymap?.playPause;
		}, 'the keymap in the user settings');
		expect(saved).toContain('P');
		expect(saved).not.toContain('K');
		expect(saved).toContain('Alt+K');
		// Focus stays in the dialog after saving, so Esc closes it.
		expect(await p.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
		await p.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });

		await p.reload();
		await openEditor(p, recording.id);
		await p.getByTestId('waveform-frame').focus();
		await p.keyboard.press('k');
		await settled(p);
		expect((await audio(p)).paused).toBe(true);
		await p.keyboard.press('p');
		await waitAudio(p, '!a.paused', 'playing with the new key');
		await p.keyboard.press('p');
		await waitAudio(p, 'a.paused', 'paused with the new key');
		await p.context().close();
	});
});
