import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Independent readers the interop tests check our files with: Praat (Debian `praat`, headless
 * `praat_nogui`), xmllint (Debian `libxml2-utils`) against the EAF 3.0 schema, Python's csv/json.
 * scripts/test-setup.sh installs the Debian ones; a missing tool fails the test with what to install.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const PRAAT_SCRIPTS = here;

function need(binary: string, install: string): string {
	const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
	if (found.status !== 0) throw new Error(`${binary} is missing: ${install} (scripts/test-setup.sh does it)`);
	return found.stdout.trim();
}

/** Runs a Praat script headless; paths must be absolute (Praat resolves them against the script). */
export function runPraat(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
	const praat = need('praat_nogui', "apt-get install praat");
	const r = spawnSync(praat, ['--no-pref-files', '--run', path.join(PRAAT_SCRIPTS, script), ...args], { encoding: 'utf8', timeout: 60_000 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EAF_SCHEMA = path.join('shared', 'formats', 'EAFv3.0.xsd');

/**
 * The EAF 3.0 schema beside the repository (never copied into it): `../shared/formats/EAFv3.0.xsd`
 * next to this checkout, or next to the checkout it was cloned from (a fresh clone elsewhere, a git
 * worktree), or wherever FANGYAN_EAF_XSD points.
 */
export function eafSchemaPath(): string {
	if (process.env.FANGYAN_EAF_XSD) return mustExist(process.env.FANGYAN_EAF_XSD);
	const roots = [REPO_ROOT, originCheckout()].filter((r): r is string => Boolean(r));
	const candidates = roots.flatMap((root) => ancestors(root).map((dir) => path.join(dir, EAF_SCHEMA)));
	return candidates.find((file) => existsSync(file)) ?? mustExist(path.resolve(REPO_ROOT, '..', EAF_SCHEMA));
}

function mustExist(file: string): string {
	if (!existsSync(file)) {
		throw new Error(`The EAF 3.0 schema is not at ${file}: put EAFv3.0.xsd there (or point FANGYAN_EAF_XSD at it) to validate EAF exports.`);
	}
	return file;
}

/** `dir`'s parent, grandparent, … up to the file system root. */
function ancestors(dir: string): string[] {
	const out: string[] = [];
	for (let d = path.dirname(dir); ; d = path.dirname(d)) {
		out.push(d);
		if (d === path.dirname(d)) return out;
	}
}

/** The local checkout this repository was cloned from, when its origin is a path on this machine. */
function originCheckout(): string | undefined {
	const r = spawnSync('git', ['-C', REPO_ROOT, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' });
	const url = r.status === 0 ? r.stdout.trim().replace(/^file:\/\//, '') : '';
	return url && path.isAbsolute(url) ? url : undefined;
}

export function xmllintValidate(file: string, schema: string): { status: number | null; output: string } {
	const xmllint = need('xmllint', 'apt-get install libxml2-utils');
	const r = spawnSync(xmllint, ['--noout', '--schema', schema, file], { encoding: 'utf8', timeout: 60_000 });
	return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs Python (Debian's, which every Debian machine has) on a script given as text. */
export function runPython(code: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
	const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : need('python3', 'apt-get install python3');
	const r = spawnSync(python, ['-c', code, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
