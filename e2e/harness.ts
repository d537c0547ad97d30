/**
 * End-to-end harness: the production build of the SPA, served by the real server (in this
 * process, on a free port of 127.0.0.1, with a throwaway data directory and SQLite file), driven
 * by Debian's Chromium through playwright-core.
 *
 * @example
 * const h = await startHarness();
 * const page = await h.newPage();
 * await page.goto(h.url);
 * // …
 * await h.close();
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { loadConfig } from '../server/env.ts';
import { BUILD_DIR, startServer, type RunningServer } from '../server/index.ts';
import { resolveMediaTools } from '../server/media/ffmpeg.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, isBuildStale } from '../scripts/lib/web-build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Harness {
	/** http://127.0.0.1:<port> */
	url: string;
	server: RunningServer;
	browser: Browser;
	dataDir: string;
	/** A page in a fresh browser context (its own cookies and storage). */
	newPage(options?: BrowserContextOptions): Promise<Page>;
	/** Stops the browser and the server and removes the data directory. */
	close(): Promise<void>;
}


function sleep(ms: number) {
	return new Promise((r) => setTimeout(r, ms));
}

/**
 * Builds the SPA (`vite build`) when build/ is missing or older than its sources. Several test
 * processes may ask at once; a lock directory makes the others wait for the one build.
 */
export async function ensureBuilt(): Promise<void> {
	const index = path.join(BUILD_DIR, '200.html');
	const isFresh = () => !isBuildStale(index);
	if (isFresh()) return;

	const lock = path.join(os.tmpdir(), `fangyan-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
	const deadline = Date.now() + 5 * 60_000;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			// A build that died leaves its lock behind; one older than 5 minutes is stale.
			if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
			if (Date.now() > deadline) throw new Error(`Waited 5 minutes for another build (lock ${lock})`);
			await sleep(500);
		}
	}
	try {
		if (isFresh()) return;
		const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
		const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
			cwd: ROOT,
			encoding: 'utf8'
		});
		if (result.status !== 0) {
			throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
		}
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

export async function startHarness(options: { env?: Record<string, string> } = {}): Promise<Harness> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (npm run test:ci does) or set CHROMIUM_PATH`);
	}
	await ensureBuilt();

	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-e2e-'));
	const config = loadConfig({
		PORT: '0',
		HOST: '127.0.0.1',
		FANGYAN_DATA_DIR: dataDir,
		DATABASE_URL: path.join(dataDir, 'e2e.sqlite'),
		FANGYAN_DEMO: '0',
		FANGYAN_WORKERS: '1',
		LOG_LEVEL: 'warn',
		...(process.env.FFMPEG_PATH ? { FFMPEG_PATH: process.env.FFMPEG_PATH } : {}),
		...(process.env.FFPROBE_PATH ? { FFPROBE_PATH: process.env.FFPROBE_PATH } : {}),
		...options.env
	});

	let server: RunningServer | undefined;
	let browser: Browser | undefined;
	const contexts = new Set<BrowserContext>();
	try {
		server = await startServer(config, { staticDir: BUILD_DIR });
		browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
	} catch (err) {
		await browser?.close().catch(() => {});
		await server?.close().catch(() => {});
		rmSync(dataDir, { recursive: true, force: true });
		throw err;
	}
	const url = server.url;
	const b = browser;
	const s = server;

	return {
		url,
		server: s,
		browser: b,
		dataDir,
		async newPage(contextOptions = {}) {
			const context = await b.newContext({
				baseURL: url,
				viewport: { width: 1280, height: 800 },
				locale: 'en-US',
				...contextOptions
			});
			contexts.add(context);
			context.on('close', () => contexts.delete(context));
			return context.newPage();
		},
		async close() {
			for (const context of contexts) await context.close().catch(() => {});
			await b.close().catch(() => {});
			await s.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/**
 * A short test recording in `dir`: sound for all but the last 1.5 s, then silence, so a drawing
 * can be checked against the audio. The sound is espeak-ng speech when espeak-ng is installed
 * (a waveform with shape), else a 440 Hz tone; ffmpeg does the rest.
 */
/** The ffmpeg the app itself would use (PATH, or the npm-shipped binary on a machine without one). */
export function testFfmpeg(): string {
	return resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH }).ffmpeg;
}

export function makeTestAudio(dir: string, seconds = 5, name = 'greeting.wav'): string {
	const out = path.join(dir, name);
	const speech = path.join(dir, 'speech.wav');
	const sound = Math.max(0.5, seconds - 1.5);
	const espeak = spawnSync('espeak-ng', ['-v', 'cmn', '-s', '150', '-w', speech, '你好，这是一个方言转写的测试。'], {
		encoding: 'utf8'
	});
	const input =
		existsSync(speech) && espeak.status === 0
			? ['-i', speech]
			: ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${sound}`];
	const result = spawnSync(
		testFfmpeg(),
		[
			'-hide_banner', '-nostdin', '-y', ...input,
			// apad then -t, not apad=whole_dur: the npm-shipped ffmpeg (4.1) predates whole_dur.
			'-af', `atrim=0:${sound},apad`, '-t', String(seconds),
			'-ar', '22050', '-ac', '1', out
		],
		{ encoding: 'utf8' }
	);
	if (result.status !== 0) throw new Error(`ffmpeg could not make the test audio:\n${result.stderr}`);
	rmSync(speech, { force: true });
	return out;
}
