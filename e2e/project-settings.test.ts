/**
 * Setting a project up in the UI, as an admin does it for a new corpus: create the project, add
 * speakers, build a two-level dialect taxonomy (JSON import, typing, one drag re-parent and the
 * keyboard moves), add, rename and reorder a text layer, write guidelines; then see all of it in
 * a recording's editor; and rename and delete a recording from the project page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, serverSegments, until } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

describe('project settings', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let page: Page;
	let project: ProjectDto;
	let recording: RecordingDto;

	const getProject = async () => (await api<{ project: ProjectDto }>(h, admin.cookie, 'GET', `/api/projects/${project.id}`)).body.project;
	const tagRow = (code: string) => page.locator(`[data-testid="tag-row"][data-code="${code}"]`);
	const layerRow = (key: string) => page.locator(`[data-testid="layer-row"][data-key="${key}"]`);
	const saved = (section: string) => page.locator(`[data-testid="${section}-status"][data-status="saved"]`).waitFor();
	/** The row holding the focused field (a row just added focuses its first field). */
	async function focusedRow() {
		const uid = await page.evaluate(() => document.activeElement?.closest('[data-uid]')?.getAttribute('data-uid'));
		if (!uid) throw new Error('no row has the focus');
		return page.locator(`[data-uid="${uid}"]`);
	}
	async function openTab(tab: string) {
		await page.getByTestId(`tab-${tab}`).click();
		await page.locator(`[data-testid="settings-${tab}"]:visible`).waitFor();
	}
	/** The tree as the server has it: `code(child child) code`. */
	async function serverTree(): Promise<string> {
		const tags = (await getProject()).dialectTags;
		const render = (parentId: string | null): string =>
			tags
				.filter((t) => t.parentId === parentId)
				.sort((a, b) => a.sortOrder - b.sortOrder)
				.map((t) => {
					const children = render(t.id);
					return children ? `${t.code}(${children})` : t.code;
				})
				.join(' ');
		return render(null);
	}

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-settings-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		page = await signedInPage(h, admin.cookie);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('creates a project in the UI, which offers its settings to the admin only', async () => {
		await page.goto('/');
		await page.getByTestId('new-project').click();
		await page.getByLabel('Name', { exact: true }).fill('Hakka oral history');
		await page.getByRole('button', { name: 'Create project' }).click();
		await page.waitForURL('**/projects/hakka-oral-history');
		await page.getByTestId('setup-hint').waitFor();
		project = (await api<{ project: ProjectDto }>(h, admin.cookie, 'GET', '/api/projects/hakka-oral-history')).body.project;
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 4, 'meixian-01.wav'));

		const transcriber = await seedUser(h, { role: 'transcriber', email: 'tx@example.org', memberOf: [project.id] });
		const other = await signedInPage(h, transcriber.cookie);
		await other.goto('/projects/hakka-oral-history');
		await other.getByTestId('recording-row').waitFor();
		expect(await other.getByTestId('project-settings').count()).toBe(0);
		expect(await other.locator('[data-action="delete"]').count()).toBe(0);
		await other.goto('/projects/hakka-oral-history/settings');
		await other.getByText('Your account is not allowed to do this.').waitFor();
		await other.context().close();

		await page.getByTestId('project-settings').click();
		await page.waitForURL('**/projects/hakka-oral-history/settings');
		await page.getByTestId('settings-general').waitFor();
	});

	it('adds two speakers (and a third, deactivated), refusing a taken code next to the field', async () => {
		await openTab('speakers');
		const form = page.getByTestId('speaker-form');
		const addSpeaker = async (code: string, name: string, extra: { gender?: string; age?: string; home?: string; place?: string } = {}) => {
			await page.getByTestId('add-speaker').click();
			await form.getByLabel('Code', { exact: true }).fill(code);
			await form.getByLabel('Name', { exact: true }).fill(name);
			if (extra.gender) await form.getByLabel('Gender').selectOption(extra.gender);
			if (extra.age) await form.getByLabel('Age band').fill(extra.age);
			if (extra.home) await form.getByLabel('Home dialect').selectOption(extra.home);
			if (extra.place) await form.getByLabel('Place').fill(extra.place);
			await form.getByTestId('speaker-save').click();
		};
		await addSpeaker('MX01', 'Liu Ah Po', { gender: 'female', age: '70-79', home: 'hak-mx', place: '梅县' });
		await page.getByTestId('speakers-status').filter({ hasText: 'Speaker MX01 added.' }).waitFor();
		await form.waitFor({ state: 'detached' });

		// Enter in a field submits; the server's "code taken" lands beside the code.
		await page.getByTestId('add-speaker').click();
		await form.getByLabel('Code', { exact: true }).fill('MX01');
		await form.getByLabel('Name', { exact: true }).fill('Duplicate');
		await form.getByLabel('Name', { exact: true }).press('Enter');
		await page.getByTestId('speaker-code-error').filter({ hasText: 'Another speaker of this project has the code MX01.' }).waitFor();
		await form.getByLabel('Code', { exact: true }).fill('SX02');
		await form.getByLabel('Name', { exact: true }).fill('Zhong Sin Sang');
		await form.getByLabel('Name', { exact: true }).press('Enter');
		await page.getByTestId('speakers-status').filter({ hasText: 'Speaker SX02 added.' }).waitFor();

		await addSpeaker('ARCH', 'Archive voice');
		await page.getByTestId('speakers-status').filter({ hasText: 'Speaker ARCH added.' }).waitFor();
		await page.locator('[data-testid="speaker-row"]', { hasText: 'ARCH' }).locator('[data-action="toggle"]').click();
		await page.getByTestId('speakers-status').filter({ hasText: 'Speaker ARCH deactivated.' }).waitFor();

		const rows = page.getByTestId('speaker-row');
		expect(await rows.count()).toBe(3);
		expect(await page.locator('[data-testid="speaker-row"]', { hasText: 'ARCH' }).getByTestId('speaker-state').textContent()).toContain('Inactive');
		const speakers = (await getProject()).speakers;
		expect(speakers.map((s) => [s.code, s.isActive])).toEqual([
			['ARCH', false],
			['MX01', true],
			['SX02', true]
		]);
		expect(speakers[1]).toMatchObject({ name: 'Liu Ah Po', gender: 'female', ageBand: '70-79', homeDialect: 'hak-mx', place: '梅县' });
	});

	it('imports a taxonomy as JSON, showing a bad file’s problems before anything is applied', async () => {
		await openTab('taxonomy');
		const before = await serverTree();
		await page.getByTestId('import-taxonomy').click();
		const dialog = page.getByTestId('import-dialog');
		await dialog.getByTestId('import-file').setInputFiles({
			name: 'broken.json',
			mimeType: 'application/json',
			buffer: Buffer.from(JSON.stringify({ dialectTags: [{ code: 'Hak', nameEn: 'Hakka', nameZh: '客家话' }, { code: 'yue', nameEn: '', nameZh: 7 }] }))
		});
		const errors = dialog.getByTestId('import-errors');
		await errors.waitFor();
		const text = (await errors.textContent()) ?? '';
		expect(text).toContain('dialectTags[0].code');
		expect(text).toContain('dialectTags[1].nameEn');
		expect(text).toContain('dialectTags[1].nameZh');
		expect(await dialog.getByTestId('import-apply').isDisabled()).toBe(true);

		await dialog.getByTestId('import-file').setInputFiles({
			name: 'hakka.json',
			mimeType: 'application/json',
			buffer: Buffer.from(
				JSON.stringify({
					dialectTags: [
						{ code: 'hak', nameEn: 'Hakka', nameZh: '客家话', children: [{ code: 'hak-mx', nameEn: 'Meixian', nameZh: '梅县话' }] },
						{ code: 'yue', nameEn: 'Cantonese', nameZh: '粤语' }
					]
				})
			)
		});
		await dialog.getByTestId('import-summary').filter({ hasText: '3 tags: 0 new, 3 kept' }).waitFor();
		await dialog.getByTestId('import-apply').click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByTestId('taxonomy-notice').filter({ hasText: 'Imported 3 tags' }).waitFor();
		expect(await page.getByTestId('tag-row').count()).toBe(3);
		// Applied to the draft only: the server still has the old tree until Save.
		expect(await serverTree()).toBe(before);
	});

	it('builds the second level by typing, one drag re-parent and the keyboard, then saves', async () => {
		// A sub-tag typed under hak.
		await tagRow('hak').locator('[data-action="add-child"]').click();
		const fresh = await focusedRow();
		await fresh.locator('[data-field="code"]').fill('hak-sx');
		await fresh.locator('[data-field="nameEn"]').fill('Sixian');
		await fresh.locator('[data-field="nameZh"]').fill('四县话');
		expect(await tagRow('hak-sx').getAttribute('data-parent')).toBe('hak');

		// A top-level tag dragged by its handle onto yue: it becomes yue's child.
		await page.getByTestId('add-tag').first().click();
		const top = await focusedRow();
		await top.locator('[data-field="code"]').fill('yue-gz');
		await top.locator('[data-field="nameEn"]').fill('Guangzhou');
		await top.locator('[data-field="nameZh"]').fill('广州话');
		expect(await tagRow('yue-gz').getAttribute('data-depth')).toBe('1');
		await tagRow('yue-gz').locator('[data-action="handle"]').dragTo(tagRow('yue'));
		await page.locator('[data-testid="tag-row"][data-code="yue-gz"][data-parent="yue"]').waitFor();
		expect(await page.getByTestId('taxonomy-notice').textContent()).toContain('yue-gz is now under yue.');

		// The keyboard way: a handle's arrow keys, and the buttons.
		await page.getByTestId('add-tag').first().click();
		const third = await focusedRow();
		await third.locator('[data-field="code"]').fill('yue-ts');
		await third.locator('[data-field="nameEn"]').fill('Taishanese');
		await third.locator('[data-field="nameZh"]').fill('台山话');
		await tagRow('yue-ts').locator('[data-action="handle"]').focus();
		await page.keyboard.press('ArrowRight');
		await page.locator('[data-testid="tag-row"][data-code="yue-ts"][data-parent="yue"]').waitFor();
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('handle');
		await page.keyboard.press('ArrowUp');
		await tagRow('hak-sx').locator('[data-action="up"]').click();
		await tagRow('hak').locator('[data-action="down"]').click();
		await tagRow('hak-mx').locator('[data-action="outdent"]').click();
		await tagRow('hak-mx').locator('[data-action="indent"]').click();
		const order = await page.getByTestId('tag-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-depth')}:${r.getAttribute('data-code')}`));
		expect(order).toEqual(['1:yue', '2:yue-ts', '2:yue-gz', '1:hak', '2:hak-sx', '2:hak-mx']);

		await page.getByTestId('taxonomy-save').click();
		await saved('taxonomy');
		expect(await serverTree()).toBe('yue(yue-ts yue-gz) hak(hak-sx hak-mx)');
		const tags = (await getProject()).dialectTags;
		expect(tags.find((t) => t.code === 'hak-sx')).toMatchObject({ nameEn: 'Sixian', nameZh: '四县话' });
	});

	it('shows clearly that a tag on segments cannot be removed (409 tag_in_use), and locks it', async () => {
		const tags = (await getProject()).dialectTags;
		const gz = tags.find((t) => t.code === 'yue-gz')!;
		// A transcriber tags a segment while this page is open with the old counts.
		const made = await api<{ segment: { id: string } }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
			startMs: 200,
			endMs: 1800,
			dialectTagId: gz.id,
			texts: { transcript: '𠊎系梅县人' }
		});
		expect(made.status).toBe(201);
		await tagRow('yue-gz').locator('[data-action="remove"]').click();
		expect(await tagRow('yue-gz').count()).toBe(0);
		await page.getByTestId('taxonomy-save').click();
		const error = page.getByTestId('taxonomy-error');
		await error.filter({ hasText: 'segments still carry yue-gz' }).waitFor();
		expect(await serverTree()).toBe('yue(yue-ts yue-gz) hak(hak-sx hak-mx)');

		await page.getByTestId('taxonomy-discard').click();
		await tagRow('yue-gz').getByTestId('tag-usage').and(page.locator('[data-count="1"]')).waitFor();
		expect(await tagRow('yue-gz').locator('[data-action="remove"]').isDisabled()).toBe(true);
		expect(await tagRow('yue').locator('[data-action="remove"]').isDisabled()).toBe(true);
		expect(await tagRow('yue-gz').locator('[data-field="code"]').getAttribute('readonly')).not.toBeNull();
	});

	it('adds, renames and reorders a text layer; a layer with text cannot be removed', async () => {
		await openTab('layers');
		expect(await layerRow('transcript').locator('[data-action="remove"]').isDisabled()).toBe(true);
		expect(await layerRow('transcript').getByTestId('layer-usage').getAttribute('data-count')).toBe('1');

		await page.getByTestId('add-layer').click();
		const fresh = await focusedRow();
		await fresh.locator('[data-field="nameEn"]').fill('Field notes');
		await fresh.locator('[data-field="nameZh"]').fill('田野笔记');
		await layerRow('field_notes').waitFor();
		await layerRow('transcript').locator('[data-field="nameEn"]').fill('Hakka characters');
		await layerRow('transcript').locator('[data-field="nameZh"]').fill('客家话汉字');
		await layerRow('field_notes').locator('[data-action="up"]').click();
		await layerRow('field_notes').locator('[data-action="up"]').click();
		const keys = await page.getByTestId('layer-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
		expect(keys).toEqual(['transcript', 'field_notes', 'romanization', 'mandarin']);
		// Ctrl+S saves the section in view.
		await page.keyboard.press('Control+s');
		await saved('layers');
		const layers = [...(await getProject()).textLayers].sort((a, b) => a.sortOrder - b.sortOrder);
		expect(layers.map((l) => [l.key, l.nameEn, l.nameZh])).toEqual([
			['transcript', 'Hakka characters', '客家话汉字'],
			['field_notes', 'Field notes', '田野笔记'],
			['romanization', 'Romanization', '拼音/罗马字'],
			['mandarin', 'Mandarin translation', '普通话翻译']
		]);
	});

	it('writes guidelines with a live preview, and guards them against leaving unsaved', async () => {
		await openTab('guidelines');
		const source = page.getByTestId('guidelines-source');
		await source.fill('# Rules\n\nWrite **𠊎** for the first person.\n\n- Mark laughter as [笑]\n- <script>alert(1)</script> stays text');
		const preview = page.getByTestId('guidelines-preview');
		await preview.locator('strong', { hasText: '𠊎' }).waitFor();
		expect(await preview.locator('li').count()).toBe(2);
		expect(await preview.locator('script').count()).toBe(0);

		// Leaving with unsaved guidelines asks first; staying keeps them.
		await page.getByTestId('back-to-project').click();
		const leave = page.getByTestId('leave-dialog');
		await leave.getByText('Guidelines').waitFor();
		await leave.getByTestId('leave-stay').click();
		await leave.waitFor({ state: 'hidden' });
		expect(new URL(page.url()).pathname).toBe('/projects/hakka-oral-history/settings');
		expect(await source.inputValue()).toContain('Write **𠊎**');

		await page.getByTestId('guidelines-save').click();
		await saved('guidelines');
		expect((await getProject()).guidelines).toBe('# Rules\n\nWrite **𠊎** for the first person.\n\n- Mark laughter as [笑]\n- <script>alert(1)</script> stays text');
		await page.getByTestId('back-to-project').click();
		await page.waitForURL('**/projects/hakka-oral-history');
	});

	it('shows the speakers, tags, layers and guidelines in a recording’s editor', async () => {
		await page.getByRole('link', { name: 'meixian-01.wav' }).click();
		await page.getByTestId('panel').locator('[data-testid="speaker-select"]').waitFor();
		const offered = await page.getByTestId('speaker-select').locator('option').allTextContents();
		expect(offered).toEqual(['Unassigned', '1 · MX01 · Liu Ah Po', '2 · SX02 · Zhong Sin Sang']);

		const fields = await page.locator('[data-testid="panel"] textarea[data-layer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')));
		expect(fields).toEqual(['transcript', 'field_notes', 'romanization', 'mandarin']);
		expect(await page.locator('label[for="field-transcript"]').textContent()).toBe('Hakka characters');
		expect(await page.getByTestId('field-transcript').inputValue()).toBe('𠊎系梅县人');

		expect(await page.getByTestId('tag-current').textContent()).toContain('Guangzhou');
		await page.getByTestId('tag-input').fill('hak');
		const options = await page.getByRole('listbox').getByRole('option').allTextContents();
		expect(options.some((o) => o.includes('hak-sx') && o.includes('Sixian'))).toBe(true);
		expect(options.some((o) => o.includes('hak-mx') && o.includes('Meixian'))).toBe(true);
		await page.getByTestId('tag-input').press('Escape');

		await page.getByTestId('guidelines-toggle').click();
		const drawer = page.getByTestId('guidelines');
		await drawer.locator('strong', { hasText: '𠊎' }).waitFor();
		expect(await drawer.textContent()).toContain('Mark laughter as [笑]');
	});

	it('renames and deletes a recording from the project page, asking first and saying what goes with it', async () => {
		await page.goto('/projects/hakka-oral-history');
		const row = page.locator(`[data-testid="recording-row"][data-recording="${recording.id}"]`);
		await row.locator('[data-action="rename"]').click();
		const input = row.getByTestId('rename-input');
		await input.fill('   ');
		await input.press('Enter');
		await row.getByText('Give the recording a name.').waitFor();
		await input.fill('  Meixian, Liu Ah Po, tape 1  ');
		await input.press('Enter');
		await row.getByRole('link', { name: 'Meixian, Liu Ah Po, tape 1' }).waitFor();
		const renamed = await api<{ recording: RecordingDto }>(h, admin.cookie, 'GET', `/api/recordings/${recording.id}`);
		expect(renamed.body.recording.name).toBe('Meixian, Liu Ah Po, tape 1');
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('rename');

		const segments = await serverSegments(h, admin.cookie, recording.id);
		expect(segments).toHaveLength(1);
		const revisions = (await api<{ revisions: unknown[] }>(h, admin.cookie, 'GET', `/api/segments/${segments[0].id}/revisions`)).body.revisions;
		expect(revisions.length).toBeGreaterThan(0);
		await row.locator('[data-action="delete"]').click();
		const dialog = page.getByTestId('delete-dialog');
		await dialog.getByTestId('delete-summary').waitFor();
		expect(await dialog.getByTestId('delete-summary').textContent()).toBe(
			`1 segment with ${revisions.length} ${revisions.length === 1 ? 'revision' : 'revisions'} of history will be deleted.`
		);
		expect(await dialog.textContent()).toContain('the original audio file will be deleted');
		// Cancel keeps it.
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		expect(await row.count()).toBe(1);

		await row.locator('[data-action="delete"]').click();
		await dialog.getByTestId('delete-summary').waitFor();
		await dialog.getByTestId('delete-confirm').click();
		await row.waitFor({ state: 'detached' });
		await until(async () => (await api(h, admin.cookie, 'GET', `/api/recordings/${recording.id}`)).status === 404, 'the recording to be gone');
		expect((await api<{ segments: unknown[] }>(h, admin.cookie, 'GET', `/api/recordings/${recording.id}/segments`)).status).toBe(404);
	});
});
