import path from 'node:path';
import { ensureLongAudio, longAudioPath } from '../../build-long-audio.ts';
import type { GroupContext } from './group.ts';
import { ingestFile } from './ingest.ts';
import { createWorkspace, type Workspace } from './workspace.ts';

/**
 * What several groups share in one run: one workspace (data directory + SQLite database + signed-in
 * admin + project) holding the long recordings, each ingested once. The ingest group adopts the
 * recordings it measured, so a full run ingests each long file only as often as it must.
 */
let shared: Promise<Workspace> | undefined;
const recordings = new Map<number, string>();
let audioReady: Promise<unknown> | undefined;

/**
 * FANGYAN_BENCH_WORKSPACE=<dir> keeps the shared workspace between runs (its recordings are found
 * again by content instead of being ingested anew): for iterating on one group, not for a report.
 */
export function sharedWorkspace(): Promise<Workspace> {
	const kept = process.env.FANGYAN_BENCH_WORKSPACE;
	shared ??= kept ? createWorkspace({ dataDir: path.resolve(kept), keep: true }) : createWorkspace();
	return shared;
}

export function hasBenchRecording(hours: 1 | 2 | 10): boolean {
	return recordings.has(hours);
}

export function adoptBenchRecording(hours: 1 | 2 | 10, recordingId: string): void {
	recordings.set(hours, recordingId);
}

export function ensureBenchAudio(ctx: GroupContext): Promise<unknown> {
	audioReady ??= ensureLongAudio(ctx.media, (line) => ctx.log(`bench:audio ${line}`));
	return audioReady;
}

/** The id of the `hours`-long bench recording in the shared workspace, ingesting it when needed. */
export async function benchRecording(ctx: GroupContext, hours: 1 | 2 | 10): Promise<{ ws: Workspace; recordingId: string }> {
	const ws = await sharedWorkspace();
	const known = recordings.get(hours);
	if (known) return { ws, recordingId: known };
	await ensureBenchAudio(ctx);
	ctx.log(`preparing the ${hours}-h recording (ingest, unless the workspace has it)…`);
	const outcome = await ingestFile(ws.deps, { projectId: ws.projectId, file: longAudioPath(hours) });
	recordings.set(hours, outcome.recordingId);
	return { ws, recordingId: outcome.recordingId };
}

export async function disposeFixtures(): Promise<void> {
	if (!shared) return;
	const ws = await shared.catch(() => undefined);
	shared = undefined;
	recordings.clear();
	await ws?.remove();
}
