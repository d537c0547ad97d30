import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, isBuildStale } from '../../lib/web-build.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILD_DIR = path.join(ROOT, 'build');
export const VIEWPORT = { width: 1280, height: 800 };


/** Runs `vite build` when build/ is missing or older than its sources (as `npm start` does). */
export function ensureAppBuilt(log: (line: string) => void): void {
	const built = path.join(BUILD_DIR, '200.html');
	if (!isBuildStale(built)) return;
	log('building the web app (vite build)…');
	const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
	const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`vite build failed:\n${(result.stderr || result.stdout).slice(-3000)}`);
}

/**
 * A private copy of build/ for this run: others may rebuild build/ at any moment (npm start, the
 * e2e harness), and a page served mid-rebuild never draws.
 */
export function snapshotBuild(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-build-'));
	cpSync(BUILD_DIR, dir, { recursive: true });
	if (!existsSync(path.join(dir, '200.html'))) throw new Error('build/ has no 200.html (a rebuild was in progress?)');
	return dir;
}

export function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh context (empty HTTP cache, no storage) signed in to the server with `cookie`. */
export async function signedInContext(browser: Browser, serverUrl: string, cookie: string): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: VIEWPORT });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: serverUrl }]);
	return context;
}

/**
 * Injected before any page script: on every animation frame, looks for a canvas inside an open
 * shadow root (wavesurfer renders there, our own ruler/overview/segment canvases do not) whose middle
 * row has a painted pixel, and records `performance.now()` (ms since navigation start) once it does.
 */
export const FIRST_WAVEFORM_SCRIPT = `(() => {
	const shadowCanvases = (root, out) => {
		for (const el of root.querySelectorAll('*')) {
			if (el.shadowRoot) {
				out.push(...el.shadowRoot.querySelectorAll('canvas'));
				shadowCanvases(el.shadowRoot, out);
			}
		}
		return out;
	};
	const painted = () => {
		for (const canvas of shadowCanvases(document, [])) {
			if (canvas.width < 2 || canvas.height < 2) continue;
			const ctx = canvas.getContext('2d');
			if (!ctx) continue;
			const row = ctx.getImageData(0, Math.floor(canvas.height / 2), canvas.width, 1).data;
			for (let i = 3; i < row.length; i += 4) if (row[i] !== 0) return true;
		}
		return false;
	};
	const tick = () => {
		if (document.body && painted()) {
			window.__firstWaveformMs = performance.now();
			return;
		}
		requestAnimationFrame(tick);
	};
	requestAnimationFrame(tick);
})();`;

/** Navigates to `url` and resolves with the first-waveform time (ms since navigation start). */
export async function timeToFirstWaveform(page: Page, url: string, timeoutMs = 60_000): Promise<number> {
	await page.addInitScript(FIRST_WAVEFORM_SCRIPT);
	await page.goto(url, { waitUntil: 'commit' });
	const handle = await page.waitForFunction(() => (window as unknown as { __firstWaveformMs?: number }).__firstWaveformMs, undefined, {
		timeout: timeoutMs,
		polling: 50
	});
	return (await handle.jsonValue()) as number;
}
