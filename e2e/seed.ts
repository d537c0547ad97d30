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
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, linkSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { hashPassword } from '../server/auth/password.ts';
import { newId, nowIso } from '../server/lib/ids.ts';
import { resolveMediaTools } from '../server/media/ffmpeg.ts';
import { createPeaksBuilder } from '../server/media/peaks.ts';
import { insertRecording } from '../server/recordings/recordings.repository.ts';
import { upsertMember } from '../server/access/members.repository.ts';
import type { ProjectRole, Role } from '../server/db/schema.ts';
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

/**
 * Any other account, written through the users repository. A project role ('transcriber'…) makes
 * a member with that role in each of `memberOf` (project ids).
 */
export async function seedUser(
	h: Harness,
	input: { role: Role | ProjectRole; email: string; name?: string; password?: string; memberOf?: string[] }
): Promise<SeededUser> {
	const password = input.password ?? `${input.role} password 1`;
	const projectRole = input.role === 'admin' || input.role === 'member' ? undefined : input.role;
	const created = await insertUser(h.server.deps.db, {
		email: input.email,
		name: input.name ?? input.role,
		role: projectRole ? 'member' : (input.role as Role),
		passwordHash: await hashPassword(password)
	});
	for (const projectId of input.memberOf ?? []) {
		if (!projectRole) throw new Error('seedUser: memberOf needs a project role');
		await upsertMember(h.server.deps.db, { projectId, userId: created.id, role: projectRole, createdBy: null });
	}
	const cookie = await signIn(h, input.email, password);
	const { user } = await call<{ user: UserDto }>(h, 'GET', '/api/auth/me', undefined, cookie);
	return { user, email: input.email, password, cookie };
}

/** Puts a seeded user into a project with a role (as the Members tab does). */
export async function seedMember(h: Harness, projectId: string, member: SeededUser, role: ProjectRole): Promise<void> {
	await upsertMember(h.server.deps.db, { projectId, userId: member.user.id, role, createdBy: null });
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

export interface LongRecordingOptions {
	name: string;
	/** A whole number of minutes. */
	durationMs: number;
	/** Tone bursts ("speech") every `periodMs`, each `burstMs` long; the rest is digital silence. */
	periodMs?: number;
	burstMs?: number;
}

/** One minute of the burst pattern is encoded; everything longer repeats it. */
const CYCLE_MS = 60_000;
/** The peaks are built at 1 kHz: 100 peaks per second like any recording, from 1/48 of the samples. */
const PEAKS_RATE = 1000;

function runFfmpeg(args: string[]): Buffer {
	const ffmpeg = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH }).ffmpeg;
	const result = spawnSync(ffmpeg, ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args], { maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

/**
 * A long recording, ready, without paying for its ingest (a 10-hour file takes minutes of libopus
 * on this kind of machine): one minute of tone bursts and silence is encoded once as Ogg Opus and
 * repeated by stream copy into the playback rendition, the peaks are built from the same minute by
 * the server's own peaks builder, and the recording row is written as ingest leaves it. Playback,
 * seeking, peaks, segments and pre-segmentation then work on it as on any other recording.
 */
export async function seedLongRecording(
	h: Harness,
	cookie: string,
	projectId: string,
	options: LongRecordingOptions
): Promise<RecordingDto> {
	const { durationMs, periodMs = 2000, burstMs = 1200 } = options;
	if (CYCLE_MS % periodMs !== 0 || durationMs % CYCLE_MS !== 0 || durationMs <= 0) {
		throw new Error('the period must divide a minute, and the duration be whole minutes');
	}
	const { db, storage } = h.server.deps;
	const work = mkdtempSync(path.join(storage.tmpDir, 'long-'));
	const source = (rate: number) => `aevalsrc=exprs=0.5*lt(mod(t\\,${periodMs / 1000})\\,${burstMs / 1000})*sin(2*PI*440*t):s=${rate}:d=${CYCLE_MS / 1000}`;
	try {
		const cycle = path.join(work, 'cycle.ogg');
		runFfmpeg(['-f', 'lavfi', '-i', source(16_000), '-c:a', 'libopus', '-b:a', '16k', '-ac', '1', cycle]);
		const repeats = durationMs / CYCLE_MS;
		const playback = path.join(work, 'playback.ogg');
		runFfmpeg(['-stream_loop', String(repeats - 1), '-i', cycle, '-c', 'copy', '-f', 'ogg', playback]);

		const minute = runFfmpeg(['-f', 'lavfi', '-i', source(PEAKS_RATE), '-f', 's16le', '-ac', '1', 'pipe:1']);
		const peaks = createPeaksBuilder({ sampleRate: PEAKS_RATE, tmpDir: work });
		for (let i = 0; i < repeats; i++) peaks.push(minute);
		const peaksFile = path.join(work, 'peaks.bin');
		const summary = await peaks.finish(peaksFile);
		if (summary.durationMs !== durationMs) throw new Error(`the peaks cover ${summary.durationMs} ms, not ${durationMs}`);

		const hash = createHash('sha256');
		for await (const chunk of createReadStream(playback)) hash.update(chunk as Buffer);
		const sha256 = hash.digest('hex');
		const id = newId();
		const original = storage.originalPath(sha256, 'ogg');
		mkdirSync(path.dirname(original), { recursive: true });
		if (!existsSync(original)) linkSync(playback, original);
		mkdirSync(storage.mediaDir(id), { recursive: true });
		renameSync(playback, storage.playbackPath(id));
		renameSync(peaksFile, storage.peaksPath(id));
		const now = nowIso();
		await insertRecording(db, {
			id,
			project_id: projectId,
			name: options.name,
			sha256,
			original_ext: 'ogg',
			original_size: statSync(original).size,
			format_name: 'ogg',
			codec: 'opus',
			duration_ms: durationMs,
			sample_rate: 48_000,
			channels: 1,
			speaker_id: null,
			place: null,
			metadata: '{}',
			state: 'ready',
			error: null,
			created_by: null,
			created_at: now,
			updated_at: now
		});
		return (await call<{ recording: RecordingDto }>(h, 'GET', `/api/recordings/${id}`, undefined, cookie)).recording;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
