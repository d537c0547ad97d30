import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { startWorkerPool, type WorkerPool } from '../jobs/worker-pool.ts';
import { AppError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import { findRecordingById } from '../recordings/recordings.repository.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { openCliDeps } from './context.ts';

/** File extensions picked up when walking folders (files named on the command line are always tried). */
export const AUDIO_EXTENSIONS = new Set([
	'wav', 'flac', 'mp3', 'm4a', 'aac', 'ogg', 'opus', 'webm', 'wma', 'aiff', 'aif', 'amr', 'mp4', 'mkv'
]);

const USAGE = `Usage: npx fangyan import --project <slug or id> <files or folders…>

Imports audio files (folders recursively: ${[...AUDIO_EXTENSIONS].join(' ')}) into a project through
the same checks as an upload, then makes each recording's rendition and peaks before it exits.
Exit code 0 when every file was imported or was already there, 1 when any failed, 2 on bad usage.
`;

interface Outcome {
	file: string;
	kind: 'imported' | 'duplicate' | 'failed';
	recordingId?: string;
	reason?: string;
}

export async function run(args: string[]): Promise<number> {
	const parsed = parseArgs(args);
	if ('help' in parsed) {
		process.stdout.write(USAGE);
		return 0;
	}
	if ('error' in parsed) {
		process.stderr.write(`${parsed.error}\n\n${USAGE}`);
		return 2;
	}

	const { deps, close } = await openCliDeps();
	// The summary reports failures; the pool's own warnings would only garble the progress line.
	if (deps.config.logLevel !== 'debug') deps.log = createLogger('error');
	let pool: WorkerPool | undefined;
	const onSignal = () => {
		process.stderr.write('\nInterrupted: unfinished recordings stay queued and are processed by the next server start.\n');
		void (pool?.stop() ?? Promise.resolve()).finally(() => close().finally(() => process.exit(130)));
	};
	process.once('SIGINT', onSignal);
	try {
		const projectId = await findProjectId(deps.db, parsed.project);
		if (!projectId) {
			process.stderr.write(`No project "${parsed.project}". Create it first (in the web app, as an admin).\n`);
			return 2;
		}
		const { files, missing } = await collectFiles(parsed.paths);
		const outcomes: Outcome[] = missing.map((file) => ({ file, kind: 'failed', reason: 'no such file or folder' }));
		if (files.length === 0 && missing.length === 0) {
			process.stderr.write('No audio files found.\n');
			return 1;
		}
		const progress = createProgress(files.length);
		const pending = new Map<string, Outcome>();

		pool = await startWorkerPool(deps, {
			pollMs: 500,
			onEvent: (event) => {
				const id = (event.payload as { recordingId?: string } | null)?.recordingId;
				const outcome = id ? pending.get(id) : undefined;
				if (!outcome) return;
				if (event.type === 'progress') progress.update(path.basename(outcome.file), event.fraction);
			}
		});

		for (const [i, file] of files.entries()) {
			progress.phase(`importing ${i + 1}/${files.length}`, path.basename(file));
			const outcome = await importOne(deps, projectId, file);
			outcomes.push(outcome);
			if (outcome.kind === 'imported') pending.set(outcome.recordingId!, outcome);
			else progress.settle(path.basename(file), outcome.kind === 'duplicate' ? 'already imported' : `failed: ${outcome.reason}`);
		}

		// Wait for this run's recordings (another process may share the queue and take some of them).
		while (pending.size > 0) {
			for (const [id, outcome] of pending) {
				const row = await findRecordingById(deps.db, id);
				if (!row || row.state === 'ready' || row.state === 'failed') {
					pending.delete(id);
					if (!row) Object.assign(outcome, { kind: 'failed', reason: 'the recording was deleted while processing' });
					else if (row.state === 'failed') Object.assign(outcome, { kind: 'failed', reason: `processing failed: ${row.error}` });
					progress.settle(path.basename(outcome.file), row?.state === 'ready' ? `ready (${formatDuration(row.duration_ms)})` : `failed: ${outcome.reason}`);
				}
			}
			if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
		}
		progress.done();
		process.stdout.write(summary(outcomes));
		return outcomes.some((o) => o.kind === 'failed') ? 1 : 0;
	} finally {
		process.off('SIGINT', onSignal);
		await pool?.stop();
		await close();
	}
}

async function importOne(deps: Deps, projectId: string, file: string): Promise<Outcome> {
	try {
		const recording = await importRecordingFromFile(deps, { projectId, filePath: file, name: path.basename(file), userId: null });
		return { file, kind: 'imported', recordingId: recording.id };
	} catch (err) {
		if (err instanceof AppError) {
			if (err.code === 'duplicate') return { file, kind: 'duplicate', recordingId: err.details.recordingId as string };
			return { file, kind: 'failed', reason: `${err.code}: ${err.message}` };
		}
		return { file, kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
	}
}

type ParsedArgs = { help: true } | { error: string } | { project: string; paths: string[] };

export function parseArgs(args: string[]): ParsedArgs {
	let project: string | undefined;
	const paths: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--help' || arg === '-h') return { help: true };
		if (arg === '--project' || arg === '-p') {
			project = args[++i];
			if (!project) return { error: '--project needs a value' };
		} else if (arg.startsWith('--project=')) {
			project = arg.slice('--project='.length);
		} else if (arg === '--') {
			paths.push(...args.slice(i + 1));
			break;
		} else if (arg.startsWith('-') && arg !== '-') {
			return { error: `Unknown option ${arg}` };
		} else {
			paths.push(arg);
		}
	}
	if (!project) return { error: 'Name the project: --project <slug>' };
	if (paths.length === 0) return { error: 'Name at least one file or folder to import' };
	return { project, paths };
}

/** Files named directly, plus audio files found under folders (sorted, so runs are repeatable). */
export async function collectFiles(paths: string[]): Promise<{ files: string[]; missing: string[] }> {
	const files: string[] = [];
	const missing: string[] = [];
	const walk = async (dir: string) => {
		const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const entry of entries) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) await walk(full);
			else if (entry.isFile() && AUDIO_EXTENSIONS.has(path.extname(entry.name).slice(1).toLowerCase())) files.push(full);
		}
	};
	for (const p of paths) {
		const full = path.resolve(p);
		const info = await stat(full).catch(() => null);
		if (!info) missing.push(full);
		else if (info.isDirectory()) await walk(full);
		else files.push(full);
	}
	return { files: [...new Set(files)], missing };
}

/** A progress bar on a terminal (redrawn in place); plain lines when stderr is a pipe or a file. */
function createProgress(total: number) {
	const tty = process.stderr.isTTY === true;
	let settled = 0;
	let label = '';
	let detail = '';
	const draw = () => {
		if (!tty) return;
		const width = 24;
		const filled = total === 0 ? width : Math.round((settled / total) * width);
		const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${settled}/${total} ${label} ${detail}`;
		const columns = process.stderr.columns || 100;
		process.stderr.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
	};
	return {
		phase(newLabel: string, name: string) {
			label = newLabel;
			detail = name;
			draw();
		},
		update(name: string, fraction: number) {
			label = 'processing';
			detail = `${name} ${Math.round(fraction * 100)}%`;
			draw();
		},
		settle(name: string, result: string) {
			settled++;
			if (tty) {
				process.stderr.write(`\r${' '.repeat((process.stderr.columns || 100) - 1)}\r${name}: ${result}\n`);
				draw();
			} else {
				process.stderr.write(`[${settled}/${total}] ${name}: ${result}\n`);
			}
		},
		done() {
			if (tty) process.stderr.write(`\r${' '.repeat((process.stderr.columns || 100) - 1)}\r`);
		}
	};
}

function summary(outcomes: Outcome[]): string {
	const of = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind);
	const lines = [`Imported ${of('imported').length}, duplicates ${of('duplicate').length}, failed ${of('failed').length}`];
	if (of('duplicate').length > 0) {
		lines.push('Already in the project:');
		for (const o of of('duplicate')) lines.push(`  ${o.file} (recording ${o.recordingId})`);
	}
	if (of('failed').length > 0) {
		lines.push('Failed:');
		for (const o of of('failed')) lines.push(`  ${o.file}: ${o.reason}`);
	}
	return `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
	const s = Math.round(ms / 1000);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${(ms / 1000).toFixed(1)} s`;
}
