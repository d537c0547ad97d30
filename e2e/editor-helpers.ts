/**
 * Helpers for the editor's end-to-end tests: reading the server's view through the API, drawing
 * segments on the waveform, and typing Chinese the way an input method does.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness.ts';

export interface ServerSegment {
	id: string;
	startMs: number;
	endMs: number;
	speakerId: string | null;
	dialectTagId: string | null;
	texts: Record<string, string>;
	status: string;
	version: number;
}

export interface ServerRevision {
	id: string;
	version: number;
	action: string;
	userName: string | null;
	after: ServerSegment | null;
	before: ServerSegment | null;
}

export async function api<T>(h: Harness, cookie: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
	const res = await fetch(h.url + pathname, {
		method,
		headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as T };
}

export async function serverSegments(h: Harness, cookie: string, recordingId: string): Promise<ServerSegment[]> {
	const res = await api<{ segments: ServerSegment[] }>(h, cookie, 'GET', `/api/recordings/${recordingId}/segments`);
	if (res.status !== 200) throw new Error(`segments → ${res.status}`);
	return res.body.segments;
}

export async function serverRevisions(h: Harness, cookie: string, segmentId: string): Promise<ServerRevision[]> {
	const res = await api<{ revisions: ServerRevision[] }>(h, cookie, 'GET', `/api/segments/${segmentId}/revisions`);
	if (res.status !== 200) throw new Error(`revisions → ${res.status}`);
	return res.body.revisions;
}

/** Polls `fn` until it returns something truthy (or throws after `timeoutMs`). */
export async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await fn();
			if (value) return value as NonNullable<T>;
		} catch (err) {
			last = err;
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Opens the editor of a recording and waits until the waveform and autosave are ready. */
export async function openEditor(page: Page, recordingId: string) {
	await page.goto(`/recordings/${recordingId}`);
	await page.locator('[data-testid="play-pause"]:not([disabled])').waitFor({ timeout: 20_000 });
	await page.locator('.fy-save-status').waitFor();
}

/** The segment canvas over the waveform. */
export function segmentCanvas(page: Page) {
	return page.locator('[data-testid="waveform-frame"] .segment-layer canvas');
}

/** Drags across the waveform from `fromMs` to `toMs` (times mapped through the frame's viewport). */
export async function dragSegment(page: Page, fromMs: number, toMs: number) {
	const frame = page.getByTestId('waveform-frame');
	const box = (await segmentCanvas(page).boundingBox())!;
	const startMs = Number(await frame.getAttribute('data-start-ms'));
	const pxPerSec = Number(await frame.getAttribute('data-px-per-sec'));
	const x = (ms: number) => box.x + ((ms - startMs) * pxPerSec) / 1000;
	const y = box.y + box.height / 2;
	await page.mouse.move(x(fromMs), y);
	await page.mouse.down();
	for (let i = 1; i <= 5; i++) await page.mouse.move(x(fromMs + ((toMs - fromMs) * i) / 5), y);
	await page.mouse.up();
}

/** The panel's "Segment n of total" heading. */
export function panelHeading(page: Page) {
	return page.locator('#panel-heading');
}

/**
 * Types `text` into the focused field as a Chinese IME does: compositionstart, updates with the
 * pinyin (input events with isComposing), an Enter that the IME consumes (isComposing, keyCode
 * 229), the committed characters, compositionend. Returns after compositionend.
 */
export async function composeInFocused(page: Page, pinyin: string, text: string) {
	await page.evaluate(
		([pinyin, text]) => {
			const el = document.activeElement as HTMLTextAreaElement;
			const before = el.value;
			el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
			for (let i = 1; i <= pinyin.length; i++) {
				const partial = pinyin.slice(0, i);
				el.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: partial }));
				el.value = before + partial;
				el.dispatchEvent(new InputEvent('input', { bubbles: true, data: partial, inputType: 'insertCompositionText', isComposing: true }));
			}
			// The user presses Enter to pick the candidate: the IME owns this key.
			el.dispatchEvent(
				new KeyboardEvent('keydown', { bubbles: true, cancelable: true, key: 'Enter', code: 'Enter', keyCode: 229, isComposing: true })
			);
			el.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: text }));
			el.value = before + text;
			el.dispatchEvent(new InputEvent('input', { bubbles: true, data: text, inputType: 'insertCompositionText', isComposing: true }));
			el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: text }));
		},
		[pinyin, text] as const
	);
}

export interface FrameView {
	startMs: number;
	pxPerSec: number;
	widthPx: number;
	/** The time at the right edge. */
	endMs: number;
}

/** The waveform's viewport as the frame reports it (data-start-ms is whole ms). */
export async function frameView(page: Page): Promise<FrameView> {
	return page.getByTestId('waveform-frame').evaluate((el) => {
		const startMs = Number(el.getAttribute('data-start-ms'));
		const pxPerSec = Number(el.getAttribute('data-px-per-sec'));
		const widthPx = (el as HTMLElement).clientWidth;
		return { startMs, pxPerSec, widthPx, endMs: startMs + (widthPx * 1000) / pxPerSec };
	});
}

/** Polls the waveform's viewport until `test` accepts it; returns that view. */
export async function waitForView(page: Page, test: (v: FrameView) => boolean, what: string, timeoutMs = 10_000): Promise<FrameView> {
	let last: FrameView | null = null;
	try {
		return await until(async () => {
			last = await frameView(page);
			return test(last) ? last : null;
		}, what, timeoutMs);
	} catch (err) {
		throw new Error(`${(err as Error).message}; the view was ${JSON.stringify(last)}`);
	}
}

/**
 * Resolves once the page has handled everything sent to it so far and rendered two frames since:
 * key presses are dispatched in order, so their handlers (and what they scheduled for the next
 * frame) have run. For checking that a key did *nothing*, where there is no event to wait for.
 */
export function settled(page: Page): Promise<void> {
	return page.evaluate(
		() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))
	);
}
