/**
 * Roles in the UI, as an admin runs a team: invite someone from the accounts page, who opens the
 * one-time link in their own browser, chooses a password and is signed in; add them to a project as
 * exporter, who then sees the project read-only (no settings, an editor without edit tools, keys or
 * drags, and a badge that says why); deactivate them, which signs them out on their next request.
 * And a project's Members tab: add, change a role, remove, with the server's refusals shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberDto, ProjectDto, RecordingDto } from '../src/lib/api/types.ts';
import { api, dragSegment, openEditor, serverSegments, type ServerSegment } from './editor-helpers.ts';
import { makeTestAudio, startHarness, type Harness } from './harness.ts';
import { seedAdmin, seedMember, seedProject, seedRecording, seedUser, signedInPage, type SeededUser } from './seed.ts';

describe('roles in the UI', () => {
	let h: Harness;
	let dir: string;
	let admin: SeededUser;
	let adminPage: Page;
	let project: ProjectDto;
	let recording: RecordingDto;

	const members = async () => (await api<{ members: MemberDto[] }>(h, admin.cookie, 'GET', `/api/projects/${project.id}/members`)).body.members;
	const accountRow = (page: Page, email: string) => page.locator(`[data-testid="account-row"][data-account="${email}"]`);

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-roles-'));
		h = await startHarness();
		admin = await seedAdmin(h);
		project = await seedProject(h, admin.cookie, { name: 'Teochew stories', slug: 'teochew' });
		recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir, 6, 'teochew-01.wav'));
		const made = await api<{ segment: ServerSegment }>(h, admin.cookie, 'POST', `/api/recordings/${recording.id}/segments`, {
			startMs: 500,
			endMs: 2500,
			texts: { transcript: '食饱未' }
		});
		expect(made.status).toBe(201);
		adminPage = await signedInPage(h, admin.cookie);
	});

	afterAll(async () => {
		await h?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('invites, and the invitee sets a password from the link and is signed in; an exporter sees the project read-only; deactivation signs them out', async () => {
		// The admin finds the accounts page in the header and invites someone.
		await adminPage.goto('/');
		await adminPage.getByTestId('nav-admin-users').click();
		await adminPage.waitForURL('**/admin/users');
		await adminPage.getByTestId('new-account').click();
		await adminPage.getByTestId('new-account-name').fill('Lim Ah Hua');
		await adminPage.getByTestId('new-account-email').fill('lim@example.org');
		await adminPage.getByTestId('create-account-submit').click();
		const linkInput = adminPage.getByTestId('account-link');
		await linkInput.waitFor();
		const url = await linkInput.inputValue();
		expect(url).toMatch(new RegExp(`^${h.url}/account/[\\w-]{43}$`));
		expect(await adminPage.getByTestId('link-expiry').textContent()).toMatch(/until/);
		await adminPage.getByTestId('link-dialog').getByRole('button', { name: 'Close' }).click();
		await accountRow(adminPage, 'lim@example.org').getByTestId('account-state').filter({ hasText: 'Invited' }).waitFor();

		// The invitee opens the link in a fresh browser, not signed in.
		const invitee = await h.newPage();
		await invitee.goto(url);
		await invitee.getByTestId('account-form').waitFor();
		expect(await invitee.getByTestId('account-email').inputValue()).toBe('lim@example.org');
		expect(await invitee.getByTestId('account-name').inputValue()).toBe('Lim Ah Hua');
		expect(await invitee.getByTestId('account-expiry').textContent()).toMatch(/until/);
		await invitee.getByTestId('account-password').fill('short');
		await invitee.getByTestId('account-submit').click();
		await invitee.getByText('Use at least 10 characters.').waitFor();
		await invitee.getByTestId('account-password').fill('teochew tea house');
		await invitee.getByTestId('account-confirm').fill('teochew tea hous');
		await invitee.getByTestId('account-submit').click();
		await invitee.getByText('The passwords do not match.').waitFor();
		await invitee.getByTestId('account-confirm').fill('teochew tea house');
		await invitee.getByTestId('account-submit').click();
		await invitee.waitForURL(`${h.url}/`);
		await invitee.getByTestId('user-menu').filter({ hasText: 'Lim Ah Hua' }).waitFor();

		// The link worked once: opened again, it says so.
		const again = await h.newPage();
		await again.goto(url);
		await again.getByTestId('link-invalid').waitFor();
		await again.context().close();

		// The admin puts them in the project as exporter, from their row.
		await adminPage.reload();
		const row = accountRow(adminPage, 'lim@example.org');
		await row.getByTestId('account-state').filter({ hasText: 'Active' }).waitFor();
		expect(await row.textContent()).not.toContain('Never');
		await row.locator('[data-action="projects"]').click();
		const panel = adminPage.getByTestId('user-projects');
		await panel.getByTestId('add-project').selectOption({ label: 'Teochew stories' });
		await panel.getByTestId('add-project-role').selectOption('exporter');
		await panel.getByTestId('add-to-project').click();
		await panel.locator('[data-testid="membership"][data-project="teochew"]').waitFor();
		await row.getByTitle('Teochew stories · Exporter').waitFor();
		expect((await members()).map((m) => [m.email, m.role])).toContainEqual(['lim@example.org', 'exporter']);

		// The exporter sees the project: export, but no settings, tasks, dashboard or audit.
		await invitee.goto('/projects/teochew');
		await invitee.getByTestId('recording-row').waitFor();
		await invitee.getByTestId('export-project').waitFor();
		for (const id of ['project-settings', 'project-tasks', 'project-dashboard', 'project-audit', 'import-label-studio']) {
			expect(await invitee.getByTestId(id).count(), id).toBe(0);
		}
		expect(await invitee.getByTestId('nav-admin-users').count()).toBe(0);

		// The editor is read-only: a badge says why, no edit tools, fields read-only.
		await openEditor(invitee, recording.id);
		await invitee.getByTestId('read-only-badge').waitFor();
		await invitee.getByTestId('read-only-why').filter({ hasText: 'exporter' }).waitFor();
		for (const id of ['undo', 'redo', 'split', 'merge', 'delete', 'presegment-toggle', 'import-transcript', 'speaker-select', 'status-select', 'tag-input']) {
			expect(await invitee.getByTestId(id).count(), id).toBe(0);
		}
		const field = invitee.getByTestId('field-transcript');
		expect(await field.inputValue()).toBe('食饱未');
		expect(await field.getAttribute('readonly')).not.toBeNull();
		await invitee.getByTestId('read-only-meta').waitFor();
		await invitee.getByTestId('export-recording').waitFor();

		// Neither keys nor a drag make a segment.
		await invitee.getByTestId('waveform-frame').focus();
		await invitee.keyboard.press('i');
		await invitee.getByTestId('notice').filter({ hasText: 'Read only' }).waitFor();
		expect(await invitee.getByTestId('pending-mark').count()).toBe(0);
		await dragSegment(invitee, 3000, 5000);
		await invitee.keyboard.press('Delete');
		await invitee.getByTestId('notice').filter({ hasText: 'Read only' }).waitFor();
		await invitee.locator('#panel-heading').filter({ hasText: /of 1$/ }).waitFor();
		expect((await serverSegments(h, admin.cookie, recording.id)).map((s) => [s.startMs, s.endMs])).toEqual([[500, 2500]]);

		// Deactivated, their next request signs them out.
		await adminPage.getByTestId('account-search').fill('lim');
		await row.locator('[data-action="toggle-active"]').click();
		await adminPage.getByTestId('toggle-active').getByText('signed out at once').waitFor();
		await adminPage.getByTestId('toggle-active-confirm').click();
		await row.getByTestId('account-state').filter({ hasText: 'Deactivated' }).waitFor();
		await adminPage.getByTestId('users-status').filter({ hasText: 'deactivated' }).waitFor();
		await invitee.getByRole('link', { name: 'Teochew stories' }).click();
		await invitee.waitForURL('**/login**');
		await invitee.context().close();
	});

	it('manages members in the Members tab: add, change role, remove; the server’s refusals are shown', async () => {
		const ana = await seedUser(h, { role: 'member', email: 'ana@example.org', name: 'Ana' });
		await adminPage.goto('/projects/teochew/settings?tab=members');
		const tab = adminPage.getByTestId('settings-members');
		await tab.waitFor();
		const memberRow = (email: string) => tab.locator(`[data-testid="member-row"][data-member="${email}"]`);

		await tab.getByTestId('member-email').fill('nobody@example.org');
		await tab.getByTestId('add-member').click();
		await tab.getByTestId('members-error').filter({ hasText: 'No account has this email' }).waitFor();

		await tab.getByTestId('member-email').fill('ana@example.org');
		await tab.getByTestId('member-role').selectOption('reviewer');
		await tab.getByTestId('add-member').click();
		await memberRow('ana@example.org').waitFor();
		await tab.getByTestId('members-status').filter({ hasText: 'Ana added as Reviewer' }).waitFor();
		expect((await members()).find((m) => m.email === 'ana@example.org')?.role).toBe('reviewer');

		await memberRow('ana@example.org').locator('[data-action="role"]').selectOption('manager');
		await tab.getByTestId('members-status').filter({ hasText: 'Ana is now Manager' }).waitFor();
		expect((await members()).find((m) => m.email === 'ana@example.org')?.role).toBe('manager');

		// The admin, who made the project and so manages it, leaves it (an admin may take away the last manager).
		await memberRow(admin.email).getByText('you').waitFor();
		await memberRow(admin.email).locator('[data-action="remove"]').click();
		await adminPage.getByTestId('remove-member-confirm').click();
		await memberRow(admin.email).waitFor({ state: 'detached' });

		// A manager (not an admin) has the tab too, and cannot leave the project without a manager.
		const anaPage = await signedInPage(h, ana.cookie);
		await anaPage.goto('/projects/teochew');
		await anaPage.getByTestId('project-settings').click();
		await anaPage.getByTestId('tab-members').click();
		const anaTab = anaPage.getByTestId('settings-members');
		const own = anaTab.locator('[data-testid="member-row"][data-member="ana@example.org"]');
		await own.getByText('you').waitFor();
		await own.locator('[data-action="role"]').selectOption('transcriber');
		await anaTab.getByTestId('members-error').filter({ hasText: 'needs a manager' }).waitFor();
		expect(await own.locator('[data-action="role"]').inputValue()).toBe('manager');
		expect((await members()).find((m) => m.email === 'ana@example.org')?.role).toBe('manager');

		// With a second manager she may step down; the page then takes her to the project, whose settings are no longer hers.
		await seedUser(h, { role: 'manager', email: 'bo@example.org', name: 'Bo', memberOf: [project.id] });
		await own.locator('[data-action="role"]').selectOption('reviewer');
		await anaPage.waitForURL(`${h.url}/projects/teochew`);
		await anaPage.getByTestId('recording-row').waitFor();
		expect(await anaPage.getByTestId('project-settings').count()).toBe(0);
		expect((await members()).find((m) => m.email === 'ana@example.org')?.role).toBe('reviewer');
		await anaPage.context().close();

		await memberRow('ana@example.org').locator('[data-action="remove"]').click();
		await adminPage.getByTestId('remove-member').getByText('can no longer open Teochew stories').waitFor();
		await adminPage.getByTestId('remove-member-confirm').click();
		await memberRow('ana@example.org').waitFor({ state: 'detached' });
		await tab.getByTestId('members-status').filter({ hasText: 'Ana removed' }).waitFor();
		expect((await members()).some((m) => m.email === 'ana@example.org')).toBe(false);

		// Someone who may not manage gets no settings at all.
		const tx = await seedUser(h, { role: 'transcriber', email: 'tx@example.org', memberOf: [project.id] });
		await seedMember(h, project.id, tx, 'transcriber');
		const txPage = await signedInPage(h, tx.cookie);
		await txPage.goto('/projects/teochew');
		await txPage.getByTestId('recording-row').waitFor();
		expect(await txPage.getByTestId('project-settings').count()).toBe(0);
		await txPage.getByTestId('project-tasks').waitFor();
		await txPage.context().close();
	});
});
