import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool } from '../../../server/media/ffmpeg.ts';
import { probeAudio } from '../../../server/media/probe.ts';
import { buildRenditionOnlyArgs } from '../../../server/media/transcode-args.ts';
import { longAudioPath } from '../../build-long-audio.ts';
import { adoptBenchRecording, ensureBenchAudio, hasBenchRecording, sharedWorkspace } from '../lib/fixtures.ts';
import type { BenchGroup, GroupContext } from '../lib/group.ts';
import type { IngestOutcome } from '../lib/ingest.ts';
import { sampleTreeMemory, type TreeMemory } from '../lib/proc.ts';
import { tsxNodeArgs } from '../lib/server.ts';
import { median, round } from '../lib/stats.ts';
import { createWorkspace } from '../lib/workspace.ts';

const INGEST_CHILD = fileURLToPath(new URL('../ingest-child.ts', import.meta.url));
/** Rounds of (ffmpeg alone, our ingest) on the 1-h file; the medians are compared. */
const ROUNDS_1H = 3;
const MB = 1024 * 1024;

interface ChildRun {
	outcome: IngestOutcome & { maxRssBytes: number };
	memory: TreeMemory;
}

/** Runs one ingest in a child process, sampling the memory of it and its ffmpeg. */
function runIngestChild(dataDir: string, projectId: string, file: string): Promise<ChildRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, tsxNodeArgs(INGEST_CHILD, [dataDir, projectId, file]), {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const sampler = sampleTreeMemory(child.pid!, 25);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
		child.on('error', reject);
		child.on('close', (code) => {
			const memory = sampler.stop();
			if (code !== 0) return reject(new Error(`ingest child exited with ${code}: ${stderr}`));
			try {
				resolve({ outcome: JSON.parse(stdout.trim().split('\n').pop() ?? ''), memory });
			} catch {
				reject(new Error(`ingest child printed no result: ${stdout} ${stderr}`));
			}
		});
	});
}

/** ffmpeg alone making the same playback rendition from the same file (the media engineer's args). */
async function timeFfmpegAlone(ctx: GroupContext, file: string, channels: number): Promise<number> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-ffmpeg-'));
	try {
		const started = performance.now();
		await runTool(ctx.media.ffmpeg, buildRenditionOnlyArgs({ input: file, output: path.join(dir, 'playback.ogg'), channels }));
		return performance.now() - started;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Ingest (issue 2): time of our whole pipeline on the 1-h MP3 (import checks, original stored,
 * worker pool, one ffmpeg pass for rendition + peaks) ÷ ffmpeg alone producing the same rendition,
 * and the peak memory of the ingest (its process + ffmpeg) on 10 h ÷ on 1 h.
 */
export const ingestGroup: BenchGroup = {
	name: 'ingest',
	title: 'Ingest: 1-h MP3 vs ffmpeg alone; peak memory 10 h vs 1 h',
	async run(ctx) {
		await ensureBenchAudio(ctx);
		const notes: string[] = [];
		const oneHour = longAudioPath(1);
		const { channels } = await probeAudio(ctx.media.ffprobe, oneHour);
		const shared = await sharedWorkspace();

		const ours: ChildRun[] = [];
		const alone: number[] = [];
		for (let round = 0; round < ROUNDS_1H; round++) {
			// The first run goes into the shared workspace (its recording serves later groups); the
			// others into fresh ones, so every run stores its original and starts from an empty cache alike.
			const adopt = round === 0 && !hasBenchRecording(1);
			const ws = adopt ? shared : await createWorkspace();
			try {
				if (!adopt) await ws.close();
				// Alternate the order, so a slow phase of a shared machine does not always hit the same side.
				const measureOurs = async () => {
					const run = await runIngestChild(ws.dataDir, ws.projectId, oneHour);
					ours.push(run);
					if (adopt) adoptBenchRecording(1, run.outcome.recordingId);
				};
				const measureAlone = async () => alone.push(await timeFfmpegAlone(ctx, oneHour, channels));
				if (round % 2 === 0) {
					await measureAlone();
					await measureOurs();
				} else {
					await measureOurs();
					await measureAlone();
				}
				const last = ours[ours.length - 1].outcome;
				ctx.log(`ingest 1 h round ${round + 1}: ours ${(last.totalMs / 1000).toFixed(2)} s, ffmpeg alone ${(alone[alone.length - 1] / 1000).toFixed(2)} s`);
			} finally {
				if (!adopt) await ws.remove();
			}
		}

		ctx.log('ingest 10 h (memory)…');
		const tenWs = hasBenchRecording(10) ? await createWorkspace() : shared;
		if (tenWs !== shared) await tenWs.close();
		let ten: ChildRun;
		try {
			ten = await runIngestChild(tenWs.dataDir, tenWs.projectId, longAudioPath(10));
			if (tenWs === shared) adoptBenchRecording(10, ten.outcome.recordingId);
		} finally {
			if (tenWs !== shared) await tenWs.remove();
		}

		const oursMs = median(ours.map((r) => r.outcome.totalMs));
		const aloneMs = median(alone);
		const rss1 = median(ours.map((r) => r.memory.peakTreeRss));
		const rss10 = ten.memory.peakTreeRss;
		const hwm = (run: ChildRun) =>
			Object.entries(run.memory.hwmByName)
				.map(([name, bytes]) => `${name} ${(bytes / MB).toFixed(0)} MB`)
				.join(', ');
		notes.push(
			`1 h: ours ${ours.map((r) => (r.outcome.totalMs / 1000).toFixed(2)).join(' / ')} s (import checks ${(median(ours.map((r) => r.outcome.importMs)) / 1000).toFixed(2)} s of it), ` +
				`ffmpeg alone ${alone.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s; medians compared`,
			`10 h: ours ${(ten.outcome.totalMs / 1000).toFixed(1)} s (${Math.round(36_000_000 / ten.outcome.totalMs)}× realtime)`,
			`peak RSS (process tree, sampled every 25 ms): 1 h ${(rss1 / MB).toFixed(0)} MB, 10 h ${(rss10 / MB).toFixed(0)} MB; ` +
				`VmHWM per process: 1 h ${hwm(ours[0])}; 10 h ${hwm(ten)}`
		);
		return {
			figures: {
				ingest_ratio_1h: round(oursMs / aloneMs, 3),
				ingest_rss_ratio_10h_1h: round(rss10 / rss1, 3),
				ingest_s_1h: round(oursMs / 1000, 2),
				ffmpeg_rendition_s_1h: round(aloneMs / 1000, 2),
				ingest_s_10h: round(ten.outcome.totalMs / 1000, 1),
				ingest_rss_mb_1h: round(rss1 / MB, 1),
				ingest_rss_mb_10h: round(rss10 / MB, 1)
			},
			notes
		};
	}
};
