import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { startWorkerPool, type WorkerPool } from '../jobs/worker-pool.ts';
import { AppError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { findProjectId } from '../projects/projects.repository.ts';
import { findRecordingById } from '../recordings/recordings.repository.ts';
import { TRANSCRIPT_EXTENSIONS } from '../interop/read.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { importIntoRecording } from '../transcript-import/transcript-import.service.ts';
import { openCliDeps } from './context.ts';

/** File extensions picked up when walking folders (files named on the command line are always tried). */
export const AUDIO_EXTENSIONS = new Set([
	'wav', 'flac', 'mp3', 'm4a', 'aac', 'ogg', 'opus', 'webm', 'wma', 'aiff', 'aif', 'amr', 'mp4', 'mkv'
]);

const USAGE = `Usage: npx fangyan import --project <slug or id> [--no-transcripts] [--clip-transcripts] <files or folders…>

Imports audio files (folders recursively: ${[...AUDIO_EXTENSIONS].join(' ')}) into a project through
the same checks as an upload, then makes each recording's rendition and peaks before it exits.

A transcript beside an audio file with the same base name (a.wav with a.TextGrid, a.eaf, a.trs,
a.srt, a.vtt or a.json) becomes the new recording's segments once its length is known, through the
same import as the web app (speakers created by code, layers and dialect tags matched by key, code
or name). A malformed transcript fails only itself: the audio stays imported. A transcript that
runs past its audio is refused, or cut at the end with --clip-transcripts. --no-transcripts leaves
them alone. Recordings that were already in the project keep their segments.

Exit code 0 when every file (and transcript) was imported or was already there, 1 when any failed,
2 on bad usage.
`;

interface Outcome {
	file: string;
	kind: 'imported' | 'duplicate' | 'failed';
	recordingId?: string;
	reason?: string;
	transcript?: TranscriptOutcome;
}

interface TranscriptOutcome {
	file: string;
	kind: 'pending' | 'imported' | 'failed' | 'skipped';
	segments?: number;
	speakers?: number;
	warnings?: string[];
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
			if (parsed.transcripts) outcome.transcript = await findSidecar(file);
			if (outcome.transcript && outcome.kind !== 'imported') {
				Object.assign(outcome.transcript, {
					kind: 'skipped',
					reason: outcome.kind === 'duplicate' ? 'the recording was already in the project and keeps its segments' : 'the audio was not imported'
				});
			}
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
					let line = row?.state === 'ready' ? `ready (${formatDuration(row.duration_ms)})` : `failed: ${outcome.reason}`;
					const transcript = outcome.transcript;
					if (transcript?.kind === 'pending') {
						// The length is final once ingest is done: only then can the transcript be checked against it.
						if (row?.state === 'ready') await importSidecar(deps, id, transcript, parsed.clipTranscripts);
						else Object.assign(transcript, { kind: 'skipped', reason: 'the audio could not be processed' });
						const done = transcript as TranscriptOutcome;
						line += done.kind === 'imported' ? `; ${path.basename(done.file)}: ${done.segments} segment(s)` : `; ${path.basename(done.file)} ${done.kind}: ${done.reason}`;
					}
					progress.settle(path.basename(outcome.file), line);
				}
			}
			if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
		}
		progress.done();
		process.stdout.write(summary(outcomes));
		return outcomes.some((o) => o.kind === 'failed' || o.transcript?.kind === 'failed') ? 1 : 0;
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

/**
 * The transcript beside an audio file: same folder, same base name, a transcript extension (any
 * case). Several are ambiguous and fail (which one is meant cannot be guessed).
 */
export async function findSidecar(audioFile: string): Promise<TranscriptOutcome | undefined> {
	const dir = path.dirname(audioFile);
	const stem = path.basename(audioFile).replace(/\.[^.]*$/, '');
	const names = (await readdir(dir).catch(() => [] as string[]))
		.filter((name) => name !== path.basename(audioFile) && name.replace(/\.[^.]*$/, '') === stem)
		.filter((name) => path.extname(name).slice(1).toLowerCase() in TRANSCRIPT_EXTENSIONS)
		.sort();
	if (names.length === 0) return undefined;
	const file = path.join(dir, names[0]!);
	if (names.length > 1) return { file, kind: 'failed', reason: `several transcripts beside it (${names.join(', ')}); keep one` };
	return { file, kind: 'pending' };
}

/** Imports a sidecar as a new recording's segments (replace: the recording has none yet). */
async function importSidecar(deps: Deps, recordingId: string, transcript: TranscriptOutcome, clip: boolean) {
	try {
		const bytes = await readFile(transcript.file);
		const result = await importIntoRecording(deps.db, {
			recordingId,
			file: { name: path.basename(transcript.file), bytes },
			options: { mode: 'replace', clip },
			apply: true,
			userId: null
		});
		if (!result.ok) {
			const hint = result.body.error.code === 'past_the_end' ? ' (--clip-transcripts cuts it at the end)' : '';
			Object.assign(transcript, { kind: 'failed', reason: `${result.body.error.code}: ${result.body.error.message}${hint}` });
		} else {
			Object.assign(transcript, {
				kind: 'imported',
				segments: result.applied?.created ?? 0,
				speakers: result.applied?.speakers.length ?? 0,
				warnings: result.preview.warnings.map((w) => w.message)
			});
		}
	} catch (err) {
		Object.assign(transcript, { kind: 'failed', reason: err instanceof Error ? err.message : String(err) });
	}
}

type ParsedArgs =
	| { help: true }
	| { error: string }
	| { project: string; paths: string[]; transcripts: boolean; clipTranscripts: boolean };

export function parseArgs(args: string[]): ParsedArgs {
	let project: string | undefined;
	let transcripts = true;
	let clipTranscripts = false;
	const paths: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--help' || arg === '-h') return { help: true };
		if (arg === '--no-transcripts') transcripts = false;
		else if (arg === '--clip-transcripts') clipTranscripts = true;
		else if (arg === '--project' || arg === '-p') {
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
	return { project, paths, transcripts, clipTranscripts };
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
	const transcripts = outcomes.flatMap((o) => (o.transcript ? [o.transcript] : []));
	if (transcripts.length > 0) {
		const t = (kind: TranscriptOutcome['kind']) => transcripts.filter((x) => x.kind === kind);
		lines.push(`Transcripts: imported ${t('imported').length}, failed ${t('failed').length}, skipped ${t('skipped').length}`);
		for (const x of t('imported')) {
			lines.push(`  ${x.file}: ${x.segments} segment(s)${x.speakers ? `, ${x.speakers} new speaker(s)` : ''}`);
			for (const warning of x.warnings ?? []) lines.push(`    warning: ${warning}`);
		}
		for (const x of [...t('failed'), ...t('skipped')]) lines.push(`  ${x.file}: ${x.kind}: ${x.reason}`);
	}
	return `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
	const s = Math.round(ms / 1000);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${(ms / 1000).toFixed(1)} s`;
}
