import os from 'node:os';
import { longAudioPath, probeDurationS } from '../../build-long-audio.ts';
import { insertBenchRecording, measureDecode, measureExport, seedBenchSegments, type ExportMeasure } from '../../../server/export/bench.ts';
import { ensureBenchAudio } from '../lib/fixtures.ts';
import type { BenchGroup } from '../lib/group.ts';
import { median, round } from '../lib/stats.ts';
import { createWorkspace } from '../lib/workspace.ts';

const CLIP_ROUNDS = Number(process.env.FANGYAN_BENCH_CLIP_ROUNDS) || 3;
const METADATA_SEGMENTS = 500_000;
const METADATA_FORMATS = ['csv', 'jsonl', 'textgrid', 'eaf', 'srt', 'webvtt'] as const;

/**
 * Exports (issue 7), in this process on SQLite through the export service itself (writeExport,
 * the code the job and the CLI run):
 * - clips: the 10-h bench MP3 segmented into ≈ 2–8 s segments (≈ 80 % covered, 20 speakers),
 *   exported as a Hugging Face audiofolder (16 kHz mono WAV clips + metadata) against ffmpeg alone
 *   decoding the same file once (one process, as `ffmpeg -i long.mp3 -f null -` does); rounds
 *   alternate the two, medians compared. The export cuts the recording as one window per core at
 *   once (each sample is decoded once, plus a second of pre-roll per window), so on 2 cores it can
 *   finish sooner than the single decode;
 * - metadata: 500,000 segments over 280 recordings, each metadata format (CSV, JSONL, TextGrid,
 *   EAF, SRT, WebVTT) streamed from the database into files, with the process's peak RSS growth.
 */
export const exportGroup: BenchGroup = {
	name: 'export',
	title: 'exports: clips of 10 h of segmented audio, metadata of 500,000 segments',
	async run(ctx) {
		const figures: Record<string, number> = {};
		const notes: string[] = [];
		await ensureBenchAudio(ctx);

		// Clips.
		const clipWs = await createWorkspace();
		try {
			const file = longAudioPath(10);
			const durationMs = Math.round((probeDurationS(ctx.media, file) ?? 36_000) * 1000);
			const recordingId = await insertBenchRecording(clipWs.deps, { projectId: clipWs.projectId, file, durationMs, name: 'long-10h.mp3' });
			const seeded = await seedBenchSegments(clipWs.deps.db, { projectId: clipWs.projectId, recordings: [{ id: recordingId, durationMs }], speakers: 20 });
			ctx.log(`export: ${seeded.segments} segments over 10 h (${(seeded.coveredMs / 3_600_000).toFixed(2)} h of clips)`);
			const decodes: number[] = [];
			const exports: ExportMeasure[] = [];
			for (let i = 0; i < CLIP_ROUNDS; i++) {
				decodes.push(await measureDecode(ctx.media.ffmpeg, file));
				exports.push(await measureExport(clipWs.deps, { projectId: clipWs.projectId, format: 'audiofolder', zip: i === 0 }));
				ctx.log(`export clip round ${i + 1}: ffmpeg decode ${decodes[i].toFixed(1)} s, export ${exports[i].seconds.toFixed(1)} s`);
			}
			const exportS = median(exports.map((e) => e.seconds));
			const decodeS = median(decodes);
			figures.clip_export_ratio_10h = round(exportS / decodeS, 3);
			figures.clip_export_x_realtime = round(seeded.coveredMs / 1000 / exportS, 1);
			figures.clip_export_s_10h = round(exportS, 2);
			figures.clip_decode_s_10h = round(decodeS, 2);
			figures.clip_export_zip_s_10h = round(exports[0].zipSeconds ?? 0, 2);
			figures.clip_export_rss_mb_10h = round(Math.max(...exports.map((e) => e.rssMb)), 1);
			notes.push(
				`clips: ${seeded.segments} segments (${(seeded.coveredMs / 3_600_000).toFixed(2)} h) of one 10-h MP3 (64 kb/s, 44.1 kHz) → ${exports[0].files} files, ${(exports[0].bytes / 1024 ** 3).toFixed(2)} GB of 16 kHz mono WAV + metadata`,
				`rounds (ffmpeg decode alone / export): ${decodes.map((d, i) => `${d.toFixed(1)}/${exports[i].seconds.toFixed(1)}`).join(', ')} s; ratio per round ${decodes.map((d, i) => (exports[i].seconds / d).toFixed(3)).join(', ')}`,
				`the export decodes the recording as ${os.availableParallelism()} windows at once (one ffmpeg each, split at gaps between clips; every sample decoded once); the baseline is one ffmpeg decoding the whole file`,
				`clip_export_x_realtime: seconds of clips ÷ export wall time; clip_export_zip_s_10h: zipping the folder afterwards (audio stored, text deflated), not in the ratio`
			);
		} finally {
			await clipWs.remove();
		}

		// Metadata.
		const metaWs = await createWorkspace();
		try {
			const recordings: { id: string; durationMs: number }[] = [];
			for (let i = 0; i < 280; i++) {
				const durationMs = 3 * 3_600_000;
				recordings.push({ id: await insertBenchRecording(metaWs.deps, { projectId: metaWs.projectId, durationMs, name: `录音-${i}.wav` }), durationMs });
			}
			const seedAt = performance.now();
			const seeded = await seedBenchSegments(metaWs.deps.db, { projectId: metaWs.projectId, recordings, speakers: 50, maxSegments: METADATA_SEGMENTS });
			ctx.log(`export: ${seeded.segments} metadata segments seeded in ${((performance.now() - seedAt) / 1000).toFixed(1)} s`);
			const per: Record<string, ExportMeasure> = {};
			for (const format of METADATA_FORMATS) {
				per[format] = await measureExport(metaWs.deps, { projectId: metaWs.projectId, format });
				ctx.log(`export ${format}: ${per[format].seconds.toFixed(2)} s, +${per[format].rssMb.toFixed(0)} MB anonymous RSS (+${per[format].totalRssMb.toFixed(0)} MB with mapped pages)`);
			}
			const slowest = METADATA_FORMATS.reduce((a, b) => (per[a].seconds >= per[b].seconds ? a : b));
			figures.metadata_export_s_500k = round(per[slowest].seconds, 2);
			figures.metadata_export_rss_mb_500k = round(Math.max(...METADATA_FORMATS.map((f) => per[f].rssMb)), 1);
			figures.metadata_export_total_rss_mb_500k = round(Math.max(...METADATA_FORMATS.map((f) => per[f].totalRssMb)), 1);
			for (const f of METADATA_FORMATS) figures[`metadata_export_s_500k_${f}`] = round(per[f].seconds, 2);
			notes.push(
				`metadata: ${seeded.segments} segments in ${recordings.length} recordings, 50 speakers, 2 text layers, SQLite; each format streamed from the database into files (the slowest is the headline: ${slowest})`,
				`metadata_export_rss_mb_500k: the largest peak growth of the process's anonymous RSS (heap, buffers, SQLite's 64 MB page cache) during one format's export; metadata_export_total_rss_mb_500k adds the database pages SQLite maps (mmap, up to 256 MB: file cache, not held memory). Rows stream in pages of 2,000; the transcript formats hold one recording's segments at a time`
			);
		} finally {
			await metaWs.remove();
		}
		return { figures, notes };
	}
};
