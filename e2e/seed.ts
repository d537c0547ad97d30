/**
 * Fast set-up for end-to-end tests that are about something other than setup and upload: accounts,
 * projects and ready recordings made through the real API (or the repositories, for roles), and
 * pages that start signed in. The platform test does the same steps through the UI.
 *
 * @example
 * const admin = await seedAdmin(h);
 * const project = await seedProject(h, admin.cookie, { name: 'Demo' });
 * const recording = await seedRecording(h, admin.cookie, project.id, makeTestAudio(dir));
 * const page = await signedInPage(h, admin.cookie);
 * await page.goto(`/recordings/${recording.id}`);
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { hashPassword } from '../server/auth/password.ts';
import type { Role } from '../server/db/schema.ts';
import { insertUser } from '../server/users/users.repository.ts';
import type { ProjectDto, RecordingDto, UserDto } from '../src/lib/api/types.ts';
import type { Harness } from './harness.ts';

export interface SeededUser {
	user: UserDto;
	email: string;
	password: string;
	/** `fangyan_session=…`, for API calls from the test and for signedInPage(). */
	cookie: string;
}

const SESSION_COOKIE = 'fangyan_session';

async function call<T>(h: Harness, method: string, pathname: string, body: unknown, cookie?: string): Promise<T> {
	const res = await fetch(h.url + pathname, {
		method,
		headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

async function signIn(h: Harness, email: string, password: string): Promise<string> {
	const res = await fetch(`${h.url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password })
	});
	if (!res.ok) throw new Error(`sign-in of ${email} → ${res.status} ${await res.text()}`);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
	if (!cookie) throw new Error('sign-in set no session cookie');
	return cookie.split(';')[0];
}

/** The first admin, through POST /api/auth/setup (the install must be fresh). */
export async function seedAdmin(
	h: Harness,
	input: { email?: string; name?: string; password?: string } = {}
): Promise<SeededUser> {
	const email = input.email ?? 'admin@example.org';
	const password = input.password ?? 'admin password 1';
	const { user } = await call<{ user: UserDto }>(h, 'POST', '/api/auth/setup', {
		email,
		name: input.name ?? 'Admin',
		password
	});
	return { user, email, password, cookie: await signIn(h, email, password) };
}

/** Any other account, written through the users repository (there is no user-admin API yet). */
export async function seedUser(
	h: Harness,
	input: { role: Role; email: string; name?: string; password?: string }
): Promise<SeededUser> {
	const password = input.password ?? `${input.role} password 1`;
	await insertUser(h.server.deps.db, {
		email: input.email,
		name: input.name ?? input.role,
		role: input.role,
		passwordHash: await hashPassword(password)
	});
	const cookie = await signIn(h, input.email, password);
	const { user } = await call<{ user: UserDto }>(h, 'GET', '/api/auth/me', undefined, cookie);
	return { user, email: input.email, password, cookie };
}

export async function seedProject(
	h: Harness,
	cookie: string,
	input: { name: string; slug?: string; description?: string }
): Promise<ProjectDto> {
	return (await call<{ project: ProjectDto }>(h, 'POST', '/api/projects', input, cookie)).project;
}

/** Uploads `filePath` like the browser does (multipart `file`) and waits until it is processed. */
export async function seedRecording(
	h: Harness,
	cookie: string,
	projectId: string,
	filePath: string,
	{ timeoutMs = 60_000 } = {}
): Promise<RecordingDto> {
	const form = new FormData();
	form.append('file', new Blob([await readFile(filePath)]), path.basename(filePath));
	const res = await fetch(`${h.url}/api/projects/${encodeURIComponent(projectId)}/recordings`, {
		method: 'POST',
		headers: { cookie },
		body: form
	});
	if (res.status !== 202) throw new Error(`upload of ${filePath} → ${res.status} ${await res.text()}`);
	const { recording } = (await res.json()) as { recording: RecordingDto };
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { recording: now } = await call<{ recording: RecordingDto }>(h, 'GET', `/api/recordings/${recording.id}`, undefined, cookie);
		if (now.state === 'ready') return now;
		if (now.state === 'failed') throw new Error(`ingest of ${filePath} failed: ${now.error}`);
		if (Date.now() > deadline) throw new Error(`ingest of ${filePath} still ${now.state} after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** A page in a fresh browser context that already carries the session `cookie`. */
export async function signedInPage(h: Harness, cookie: string, options?: BrowserContextOptions): Promise<Page> {
	const page = await h.newPage(options);
	const eq = cookie.indexOf('=');
	const name = cookie.slice(0, eq);
	const value = cookie.slice(eq + 1);
	await page.context().addCookies([{ name, value, url: h.url, httpOnly: true, sameSite: 'Lax' }]);
	return page;
}
