import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the web build depends on: build/ older than any of these is stale. */
export const BUILD_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** Newest modification time under `entry` (a file or a folder), 0 when it does not exist. */
export function newestMtime(entry: string): number {
	if (!existsSync(entry)) return 0;
	const stat = statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
	return newest;
}

/** True when `builtFile` (e.g. build/200.html) is missing or older than the build's sources. */
export function isBuildStale(builtFile: string): boolean {
	const builtAt = existsSync(builtFile) ? statSync(builtFile).mtimeMs : 0;
	return builtAt < Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p))));
}

/** Debian's Chromium, driven by playwright-core (its own browser download is not used). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--autoplay-policy=no-user-gesture-required'
];
