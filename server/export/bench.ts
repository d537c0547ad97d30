import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import type { Db } from '../db/connection.ts';
import type { NewSegment } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { runTool } from '../media/ffmpeg.ts';
import { FFMPEG_BASE_ARGS } from '../media/transcode-args.ts';
import { seededRandom } from '../interop/splits.ts';
import { writeExport, type ExportRequest } from './export.service.ts';
import { exportOptionsSchema, type ExportFormat } from './export.schemas.ts';
import { zipDirectory } from './export-zip.ts';

/**
 * Measurements for `npm run bench -- export` (clip_export_ratio_10h, clip_export_x_realtime,
 * metadata_export_s_500k, metadata_export_rss_mb_500k): the real export service over a real
 * SQLite database and real originals, against ffmpeg alone decoding the same files.
 */

const HAN = '的一是不了人我在有他这中大来上们到说国和地也子时道出要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小同分编很';

function sentence(random: () => number): string {
	const n = 6 + Math.floor(random() * 18);
	let s = '';
	for (let i = 0; i < n; i++) s += HAN[Math.floor(random() * HAN.length)];
	return `${s}。`;
}

/**
 * A recording row as ingest would leave it, over an existing audio file (linked into originals/,
 * nothing transcoded), or over no file at all for exports that read no audio.
 */
export async function insertBenchRecording(deps: Pick<Deps, 'db' | 'storage'>, options: { projectId: string; file?: string; durationMs: number; name: string }): Promise<string> {
	const id = newId();
	const sha256 = createHash('sha256').update(`bench:${options.file ? path.resolve(options.file) : id}`).digest('hex');
	const ext = options.file ? path.extname(options.file).slice(1).toLowerCase() : 'wav';
	if (options.file) {
		const target = deps.storage.originalPath(sha256, ext);
		mkdirSync(path.dirname(target), { recursive: true });
		rmSync(target, { force: true });
		try {
			linkSync(options.file, target);
		} catch {
			symlinkSync(path.resolve(options.file), target);
		}
	}
	const now = nowIso();
	await deps.db
		.insertInto('recording')
		.values({ id, project_id: options.projectId, name: options.name, sha256, original_ext: ext, original_size: 0, format_name: ext, codec: ext, duration_ms: options.durationMs, sample_rate: 44100, channels: 1, speaker_id: null, place: null, metadata: '{}', state: 'ready', error: null, created_by: null, created_at: now, updated_at: now })
		.execute();
	return id;
}

/**
 * Seeded segments over recordings: 2–8 s each, gaps of 0.2–1.5 s (≈ 80 % of the audio covered),
 * `speakers` speakers, three dialect tags, Chinese text in two layers. Inserted in one transaction
 * per recording. Returns the segment count and the covered ms.
 */
export async function seedBenchSegments(
	db: Db,
	options: { projectId: string; recordings: { id: string; durationMs: number }[]; speakers: number; maxSegments?: number; seed?: number }
): Promise<{ segments: number; coveredMs: number }> {
	const random = seededRandom(options.seed ?? 7);
	const speakerIds: string[] = [];
	await db.transaction().execute(async (trx) => {
		for (let i = 0; i < options.speakers; i++) {
			const id = newId();
			speakerIds.push(id);
			await trx.insertInto('speaker').values({ id, project_id: options.projectId, code: `spk${String(i).padStart(3, '0')}`, name: `说话人 ${i}`, gender: i % 2 ? 'f' : 'm', age_band: null, home_dialect: null, place: null, created_at: nowIso() }).execute();
		}
	});
	const tags = await db.selectFrom('dialect_tag').select('id').where('project_id', '=', options.projectId).limit(3).execute();
	let segments = 0;
	let coveredMs = 0;
	const max = options.maxSegments ?? Infinity;
	for (const recording of options.recordings) {
		await db.transaction().execute(async (trx) => {
			let at = 0;
			let batch: NewSegment[] = [];
			const flush = async () => {
				if (batch.length) await trx.insertInto('segment').values(batch).execute();
				batch = [];
			};
			const now = nowIso();
			while (segments < max) {
				const start = at + 200 + Math.floor(random() * 1300);
				const end = start + 2000 + Math.floor(random() * 6000);
				if (end > recording.durationMs) break;
				const speaker = speakerIds[Math.floor(random() * speakerIds.length)];
				batch.push({
					id: newId(),
					recording_id: recording.id,
					start_ms: start,
					end_ms: end,
					speaker_id: speaker,
					dialect_tag_id: tags.length ? tags[speakerIds.indexOf(speaker) % tags.length].id : null,
					texts: JSON.stringify({ transcript: sentence(random), mandarin: sentence(random) }),
					status: 'transcribed',
					version: 1,
					created_by: null,
					created_at: now,
					updated_by: null,
					updated_at: now
				});
				segments++;
				coveredMs += end - start;
				at = end;
				if (batch.length >= 500) await flush();
			}
			await flush();
		});
		if (segments >= max) break;
	}
	return { segments, coveredMs };
}

/**
 * The process's anonymous resident memory (RssAnon, bytes): its heap, buffers and SQLite's page
 * cache, without the pages of files it has mapped (SQLite maps the database, up to 256 MB, and a
 * scan of the whole database maps all of it: the kernel's file cache, not memory the export holds).
 * Falls back to the whole RSS where /proc is not there.
 */
function anonRss(): number {
	try {
		const match = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
		if (match) return Number(match[1]) * 1024;
	} catch {
		// not Linux
	}
	return process.memoryUsage().rss;
}

/** Peak growth (MB) of anonymous RSS and of the whole RSS while `work` runs, sampled every 25 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; rssMb: number; totalRssMb: number }> {
	const baseline = anonRss();
	const totalBaseline = process.memoryUsage().rss;
	let peak = baseline;
	let totalPeak = totalBaseline;
	const sample = () => {
		peak = Math.max(peak, anonRss());
		totalPeak = Math.max(totalPeak, process.memoryUsage().rss);
	};
	const timer = setInterval(sample, 25);
	try {
		const result = await work();
		sample();
		return { result, rssMb: (peak - baseline) / (1024 * 1024), totalRssMb: (totalPeak - totalBaseline) / (1024 * 1024) };
	} finally {
		clearInterval(timer);
	}
}

/** Seconds ffmpeg alone needs to decode `file` once (the baseline of the clip figure). */
export async function measureDecode(ffmpeg: string, file: string): Promise<number> {
	const started = performance.now();
	await runTool(ffmpeg, [...FFMPEG_BASE_ARGS, '-i', file, '-map', '0:a:0', '-f', 'null', '-']);
	return (performance.now() - started) / 1000;
}

export interface ExportMeasure {
	seconds: number;
	/** Peak growth of anonymous RSS (see anonRss). */
	rssMb: number;
	/** Peak growth of the whole RSS, mapped database pages included. */
	totalRssMb: number;
	files: number;
	bytes: number;
	segments: number;
	zipSeconds?: number;
}

/** One export of `format` through writeExport into a scratch folder (removed after), optionally zipped too. */
export async function measureExport(
	deps: Pick<Deps, 'db' | 'storage' | 'media'>,
	options: { projectId: string; format: ExportFormat; options?: Record<string, unknown>; zip?: boolean }
): Promise<ExportMeasure> {
	const outDir = mkdtempSync(path.join(deps.storage.tmpDir, 'bench-export-'));
	try {
		const request: ExportRequest = {
			projectId: options.projectId,
			project: { slug: 'bench', name: 'Benchmark' },
			format: options.format,
			filter: {},
			options: exportOptionsSchema.parse(options.options ?? {})
		};
		const started = performance.now();
		const { result, rssMb, totalRssMb } = await withPeakRss(() => writeExport(deps, request, { outDir }));
		const seconds = (performance.now() - started) / 1000;
		let zipSeconds: number | undefined;
		if (options.zip) {
			const zipAt = performance.now();
			await zipDirectory(outDir, `${outDir}.zip`);
			zipSeconds = (performance.now() - zipAt) / 1000;
			rmSync(`${outDir}.zip`, { force: true });
		}
		return { seconds, rssMb, totalRssMb, files: result.files, bytes: result.bytes, segments: result.summary.segments, zipSeconds };
	} finally {
		rmSync(outDir, { recursive: true, force: true });
	}
}
