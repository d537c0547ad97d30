/**
 * Autosave against the real server in Chromium: edits made offline queue and replay in order,
 * two people editing one segment meet the conflict dialog, undo/redo of split and merge reach
 * the server, and a segment's history restores an earlier revision.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, openEditor, panelHeading, serverRevisions, serverSegments, until, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

describe('editor autosave against the server', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let project: ProjectDto;
	let audio: string;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-editor-sync-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Hakka fieldwork' });
		audio = makeTestAudio(dir, 6, 'hak.wav');
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	/** A fresh recording (same audio, its own name) with segments made through the API. */
	let recordingCount = 0;
	async function recordingWith(segments: { startMs: number; endMs: number; text?: string }[]): Promise<{ recording: RecordingDto; ids: string[] }> {
		// The same bytes twice are a duplicate: re-encode by renaming is not enough, so give each its own project.
		const p = recordingCount++ === 0 ? project : await seedProject(h, admin.cookie, { name: `Hakka ${recordingCount}` });
		const recording = await seedRecording(h, admin.cookie, p.id, audio);
		const ids: string[] = [];
		for (const s of segments) {
			const res = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
				startMs: s.startMs,
				endMs: s.endMs,
				texts: s.text ? { transcript: s.text } : {}
			});
			expect(res.status).toBe(201);
			ids.push(res.body.segment.id);
		}
		return { recording, ids };
	}

	async function status(page: Page) {
		return page.locator('.fy-save-status').getAttribute('data-status');
	}

	/** Waits for the save status to read `wanted`; a timeout names the status and text it showed. */
	async function statusBecomes(page: Page, wanted: string, timeoutMs?: number) {
		await until(async () => (await status(page)) === wanted, `${wanted} status`, timeoutMs).catch(async (err) => {
			throw new Error(`${err} (status ${await status(page)}: ${await page.locator('.fy-save-status').textContent()})`);
		});
	}

	async function focusSegment(page: Page, index: number) {
		await page.locator('[role="listbox"] [role="option"]').nth(index).click();
		await page.getByTestId('field-transcript').focus();
		await page.keyboard.press('Control+End');
		await until(async () => (await panelHeading(page).textContent())?.includes(`Segment ${index + 1} of`), `segment ${index + 1}`);
	}

	it('queues edits made offline in two segments and saves them in order when back online', async () => {
		const { recording, ids } = await recordingWith([
			{ startMs: 200, endMs: 1500 },
			{ startMs: 2000, endMs: 3500 }
		]);
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);
		await focusSegment(page, 0);
		await page.keyboard.insertText('阿');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[0].texts.transcript === '阿', 'first edit online');
		// The browser has its answer too: going offline must not cut a response still on its way.
		await statusBecomes(page, 'saved');

		await page.context().setOffline(true);
		await page.keyboard.insertText('婆');
		await page.waitForTimeout(300);
		await page.keyboard.insertText('讲');
		await page.keyboard.press('Enter');
		await until(async () => (await panelHeading(page).textContent())?.includes('Segment 2 of 2'), 'segment 2');
		await page.keyboard.insertText('客家');
		await page.waitForTimeout(300);
		await page.keyboard.insertText('话');
		await statusBecomes(page, 'offline', 15_000);
		const text = await page.locator('.fy-save-status [role="status"]').textContent();
		expect(text).toMatch(/^Offline – \d+ edits? queued$/);
		expect(Number(/(\d+)/.exec(text!)![1])).toBeGreaterThanOrEqual(2);
		// Nothing reached the server while offline.
		const during = await serverSegments(h, admin.cookie, recording.id);
		expect(during.map((s) => s.texts.transcript ?? '')).toEqual(['阿', '']);

		await page.context().setOffline(false);
		await statusBecomes(page, 'saved', 20_000);
		const after = await serverSegments(h, admin.cookie, recording.id);
		expect(after.map((s) => s.texts.transcript)).toEqual(['阿婆讲', '客家话']);

		// Every save is a revision, versions increase, and the last one carries the final text.
		for (const [i, id] of ids.entries()) {
			const revisions = await serverRevisions(h, admin.cookie, id);
			const versions = revisions.map((r) => r.version).reverse();
			expect(versions).toEqual([...versions].sort((a, b) => a - b));
			expect(new Set(versions).size).toBe(versions.length);
			expect(revisions[0].after?.texts.transcript).toBe(after[i].texts.transcript);
			expect(revisions[0].version).toBe(after[i].version);
		}
		await page.context().close();
	});

	it('shows a conflicting save side by side and resolves it with keep-mine and take-theirs', async () => {
		const { recording, ids } = await recordingWith([{ startMs: 500, endMs: 2500, text: '原来' }]);
		const reviewer = await seedUser(h, { role: 'transcriber', email: 'second@example.org', name: 'Second', memberOf: [recording.projectId] });
		const first = await signedInPage(h, admin.cookie);
		const second = await signedInPage(h, reviewer.cookie);
		await openEditor(first, recording.id);
		await openEditor(second, recording.id);

		await focusSegment(first, 0);
		await first.keyboard.insertText('甲');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[0].texts.transcript === '原来甲', 'first save');

		// The second person still has version 1: their save gets 409 and the dialog opens.
		await focusSegment(second, 0);
		await second.keyboard.insertText('乙');
		const dialog = second.getByRole('dialog');
		await dialog.waitFor({ timeout: 15_000 });
		expect(await status(second)).toBe('conflict');
		const shown = await dialog.textContent();
		expect(shown).toContain('原来乙');
		expect(shown).toContain('原来甲');
		await dialog.getByRole('button', { name: 'Keep mine' }).click();
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[0].texts.transcript === '原来乙', 'keep mine saved');
		await until(async () => (await status(second)) === 'saved', 'second saved');

		// Now the first person is behind: they take the server's version.
		await first.getByTestId('field-transcript').focus();
		await first.keyboard.press('Control+End');
		await first.keyboard.insertText('丙');
		const firstDialog = first.getByRole('dialog');
		await firstDialog.waitFor({ timeout: 15_000 });
		expect(await firstDialog.textContent()).toContain('原来甲丙');
		await firstDialog.getByRole('button', { name: 'Take theirs' }).click();
		await until(async () => (await status(first)) === 'saved', 'first saved');
		expect(await first.getByTestId('field-transcript').inputValue()).toBe('原来乙');
		const [final] = await serverSegments(h, admin.cookie, recording.id);
		expect(final.texts.transcript).toBe('原来乙');
		const revisions = await serverRevisions(h, admin.cookie, ids[0]);
		expect(revisions[0].userName).toBe('Second');
		await first.context().close();
		await second.context().close();
	});

	it('sends undo and redo of a split and a merge to the server, and restores a revision from the history', async () => {
		const { recording } = await recordingWith([
			{ startMs: 500, endMs: 3500, text: '原文' },
			{ startMs: 4000, endMs: 5500, text: '甲' }
		]);
		const page = await signedInPage(h, admin.cookie);
		await openEditor(page, recording.id);
		const times = async () => (await serverSegments(h, admin.cookie, recording.id)).map((s) => [s.startMs, s.endMs]);
		const expectTimes = (want: number[][], what: string) =>
			until(async () => JSON.stringify(await times()) === JSON.stringify(want), what);

		// Playhead to 2 s with the waveform's keys, then split with the shortcut.
		await page.locator('[role="listbox"] [role="option"]').first().click();
		const frame = page.getByTestId('waveform-frame');
		await frame.focus();
		await page.keyboard.press('Home');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		expect(await page.getByTestId('current-time').textContent()).toBe('0:02.00');
		await page.keyboard.press('s');
		await until(async () => (await page.locator('[role="listbox"] [role="option"]').count()) === 3, 'split in the editor');
		await expectTimes([[500, 2000], [2000, 3500], [4000, 5500]], 'split on the server').catch(async (err) => {
			throw new Error(`${err} (status ${await status(page)}: ${await page.locator('.fy-save-status').textContent()})`);
		});

		await page.keyboard.press('Control+z');
		await expectTimes([[500, 3500], [4000, 5500]], 'split undone on the server');
		await page.keyboard.press('Control+Shift+z');
		await expectTimes([[500, 2000], [2000, 3500], [4000, 5500]], 'split redone on the server');

		await page.locator('[role="listbox"] [role="option"]').first().click();
		await page.getByTestId('merge').click();
		await expectTimes([[500, 3500], [4000, 5500]], 'merge on the server');
		await page.getByTestId('undo').click();
		await expectTimes([[500, 2000], [2000, 3500], [4000, 5500]], 'merge undone on the server');
		await page.getByTestId('redo').click();
		await expectTimes([[500, 3500], [4000, 5500]], 'merge redone on the server');
		expect((await serverSegments(h, admin.cookie, recording.id))[0].texts.transcript).toBe('原文');

		// History: edit the last segment, then bring back its first version.
		await focusSegment(page, 1);
		await page.keyboard.insertText('乙');
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[1].texts.transcript === '甲乙', 'edit saved');
		await page.getByTestId('history-toggle').click();
		const restore = page.getByRole('button', { name: /^Restore version 1 from/ });
		await restore.waitFor();
		await restore.click();
		await until(async () => (await serverSegments(h, admin.cookie, recording.id))[1].texts.transcript === '甲', 'restored on the server');
		await until(async () => (await page.getByTestId('field-transcript').inputValue()) === '甲', 'restored in the editor');
		const segs = await serverSegments(h, admin.cookie, recording.id);
		const revisions = await serverRevisions(h, admin.cookie, segs[1].id);
		expect(revisions[0].action).toBe('restore');
		expect(revisions[0].version).toBe(segs[1].version);
		expect(revisions.map((r) => r.action).reverse()).toEqual(['create', 'update', 'restore']);
		await page.context().close();
	});
});
