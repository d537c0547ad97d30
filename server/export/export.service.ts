import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Deps } from '../deps.ts';
import { buildClipExportArgs } from '../interop/clip-args.ts';
import { CorpusStats, type Split } from '../interop/corpus.ts';
import { writeAudiofolderMetadata } from '../interop/audiofolder.ts';
import { writeCommonVoiceTsv } from '../interop/common-voice.ts';
import { writeEaf } from '../interop/eaf.ts';
import { compareKaldiRows, kaldiSpeakerIds, kaldiText, writeKaldiDataDir } from '../interop/kaldi.ts';
import { DEFAULT_LAYER, type InteropEvent, type InteropSegment } from '../interop/model.ts';
import { writeNemoManifest } from '../interop/nemo.ts';
import { writeSegmentsCsv, writeSegmentsJsonl } from '../interop/segments-table.ts';
import { assignSplits } from '../interop/splits.ts';
import { writeSrt } from '../interop/srt.ts';
import { writeTextGrid } from '../interop/textgrid.ts';
import { writeWebVtt } from '../interop/webvtt.ts';
import { runTool } from '../media/ffmpeg.ts';
import { listDialectTags, listTextLayers } from '../projects/projects.repository.ts';
import { ExportFiles, exportBaseName } from './export-files.ts';
import { writeExportReadme } from './export-readme.ts';
import {
	countExportSegments,
	exportRecordingEvents,
	exportRecordings,
	exportSegments,
	exportSpeakerDurations,
	exportSpeakers,
	type ExportRow
} from './export.query.ts';
import { isCorpusFormat, type ExportFilter, type ExportFormat, type ExportOptions, type ExportSummary } from './export.schemas.ts';
import { cutWavClipsInWindows, type WavClip } from './pcm-clips.ts';

/**
 * Writes an export into a folder (the job zips it; the CLI leaves it as is): segments streamed
 * from the database through the interop writers, clips cut from the originals (each sample
 * decoded once), and in every export a manifest.json and a README.md with what it holds and the
 * filter that chose it.
 */

export interface ExportRequest {
	projectId: string;
	project: { slug: string; name: string };
	format: ExportFormat;
	filter: ExportFilter;
	options: ExportOptions;
}

export interface ExportRun {
	/** An empty folder the export is written into. */
	outDir: string;
	signal?: AbortSignal;
	/** 0–1, called often: throttle on the receiving side. */
	onProgress?: (fraction: number) => void;
}

export interface ExportManifest {
	format: ExportFormat;
	createdAt: string;
	project: { slug: string; name: string };
	filter: ExportFilter;
	options: ExportOptions;
	audio: { format: 'wav' | 'flac'; sampleRate: number; channels: number; bitDepth: 16; from: 'original'; content: 'clips' | 'recordings' } | null;
	splits: { ratios: ExportOptions['splits']; seed: number; speakers: Record<Split, number> } | null;
	counts: ReturnType<CorpusStats['toJSON']>;
	recordings: number;
	/** Clips or recordings padded with silence where the decoded audio was shorter than the times. */
	paddedAudio: number;
}

export interface ExportResult {
	summary: ExportSummary;
	manifest: ExportManifest;
	files: number;
	bytes: number;
}

type Recording = Awaited<ReturnType<typeof exportRecordings>>[number];

const TRANSCRIPT_EXTENSIONS = { textgrid: 'TextGrid', eaf: 'eaf', srt: 'srt', webvtt: 'vtt' } as const;

/** Runs an export of `request` into `run.outDir`. Throws on failure (the caller removes the folder). */
export async function writeExport(deps: Pick<Deps, 'db' | 'storage' | 'media'>, request: ExportRequest, run: ExportRun): Promise<ExportResult> {
	const { db } = deps;
	const files = new ExportFiles(run.outDir);
	const stats = new CorpusStats();
	const counted = await countExportSegments(db, request.projectId, request.filter);
	const recordings = await exportRecordings(db, request.projectId, request.filter);
	const layers = (await listTextLayers(db, request.projectId)).map((l) => l.key);
	const layer = request.options.layer ?? (layers.includes(DEFAULT_LAYER) ? DEFAULT_LAYER : (layers[0] ?? DEFAULT_LAYER));
	const progress = createProgress(counted.segments, run.onProgress);
	const manifest: ExportManifest = {
		format: request.format,
		createdAt: new Date().toISOString(),
		project: request.project,
		filter: request.filter,
		options: request.options,
		audio: null,
		splits: null,
		counts: stats.toJSON(),
		recordings: recordings.length,
		paddedAudio: 0
	};
	const ctx: ExportContext = { deps, request, run, files, stats, recordings, layers, layer, progress, manifest, rows: () => streamRows(ctx) };
	try {
		switch (request.format) {
			case 'textgrid':
			case 'eaf':
			case 'srt':
			case 'webvtt':
				await writeTranscripts(ctx, request.format);
				break;
			case 'csv':
				await files.writeText('segments.csv', writeSegmentsCsv(ctx.rows(), { layers, excel: request.options.excel, stats }));
				break;
			case 'jsonl':
				await files.writeText('segments.jsonl', writeSegmentsJsonl(ctx.rows(), { layers, stats }));
				break;
			default:
				await writeCorpus(ctx);
		}
		manifest.counts = stats.toJSON();
		await files.writeText('manifest.json', [`${JSON.stringify(manifest, null, 2)}\n`]);
		await files.writeText('README.md', [writeExportReadme(manifest)]);
	} finally {
		files.close();
	}
	run.onProgress?.(1);
	return {
		manifest,
		files: files.files,
		bytes: files.bytes,
		summary: {
			segments: stats.total.segments,
			hours: manifest.counts.hours,
			recordings: recordings.length,
			files: files.files,
			skipped: manifest.counts.skipped
		}
	};
}

interface ExportContext {
	deps: Pick<Deps, 'db' | 'storage' | 'media'>;
	request: ExportRequest;
	run: ExportRun;
	files: ExportFiles;
	stats: CorpusStats;
	recordings: Recording[];
	layers: string[];
	layer: string;
	progress: Progress;
	manifest: ExportManifest;
	/** The selection, streamed, each row counted for progress (and checked for an abort). */
	rows(): AsyncGenerator<ExportRow>;
}

interface Progress {
	row(): void;
	audio(ms: number): void;
	setAudioTotal(ms: number): void;
}

/** Rows weigh a third and audio two thirds when there is audio to cut, rows all otherwise. */
function createProgress(totalRows: number, report?: (fraction: number) => void): Progress {
	let rows = 0;
	let audioMs = 0;
	let audioTotal = 0;
	let last = 0;
	const emit = () => {
		if (!report) return;
		const r = totalRows > 0 ? Math.min(1, rows / totalRows) : 1;
		const fraction = audioTotal > 0 ? r / 3 + (2 / 3) * Math.min(1, audioMs / audioTotal) : r;
		// Never backwards, never 1 before the end (the caller reports 1 when it is done).
		const value = Math.min(0.99, Math.max(last, fraction));
		if (value - last >= 0.002) report((last = value));
	};
	return {
		row() {
			rows++;
			if (rows % 256 === 0) emit();
		},
		audio(ms) {
			audioMs += ms;
			emit();
		},
		setAudioTotal(ms) {
			audioTotal = ms;
		}
	};
}

function streamRows(ctx: ExportContext, options: { speaker?: { id: string | null }; filter?: ExportFilter } = {}) {
	const { deps, request, run, progress } = ctx;
	return (async function* () {
		for await (const row of exportSegments(deps.db, { projectId: request.projectId, filter: options.filter ?? request.filter, speaker: options.speaker, layerKey: ctx.layer })) {
			run.signal?.throwIfAborted();
			progress.row();
			yield row;
		}
	})();
}

function toInteropSegment(row: ExportRow): InteropSegment {
	return { startMs: row.startMs, endMs: row.endMs, speaker: row.speaker, dialect: row.dialect, texts: row.texts, status: row.status, origin: row.origin ?? 'human' };
}

/** TextGrid, EAF, SRT or WebVTT: one file per recording (its segments in memory, never the project's). */
async function writeTranscripts(ctx: ExportContext, format: keyof typeof TRANSCRIPT_EXTENSIONS): Promise<void> {
	const { deps, files, stats, layers, layer } = ctx;
	const byId = new Map(ctx.recordings.map((r) => [r.id, r]));
	const tags = format === 'eaf' ? (await listDialectTags(deps.db, ctx.request.projectId)).map((t) => ({ code: t.code, nameEn: t.name_en, nameZh: t.name_zh })) : [];
	const used = new Set<string>();
	const flush = async (recordingId: string, rows: ExportRow[]) => {
		const recording = byId.get(recordingId)!;
		const segments = rows.map(toInteropSegment);
		const name = `${exportBaseName(recording.name, used)}.${TRANSCRIPT_EXTENSIONS[format]}`;
		if (format === 'textgrid') {
			const events: InteropEvent[] = (await exportRecordingEvents(deps.db, recordingId)).map((e) => ({
				startMs: e.time_ms,
				endMs: e.end_ms,
				tier: e.tier,
				speaker: e.speaker_code,
				text: e.label
			}));
			await files.writeText(name, writeTextGrid({ segments, events }, { durationMs: Math.max(recording.duration_ms, 1), layers }));
		} else if (format === 'eaf') {
			await files.writeText(name, writeEaf({ segments }, { layers, dialects: tags, media: { url: encodeURI(recording.name), relativeUrl: `./${encodeURI(recording.name)}`, mimeType: mimeTypeOf(recording.original_ext) } }));
		} else if (format === 'srt') {
			await files.writeText(name, writeSrt({ segments }, { layer }));
		} else {
			await files.writeText(name, writeWebVtt({ segments }, { layer }));
		}
	};
	let current: string | null = null;
	let rows: ExportRow[] = [];
	for await (const row of streamRows(ctx)) {
		if (row.recordingId !== current) {
			if (current !== null) await flush(current, rows);
			current = row.recordingId;
			rows = [];
		}
		rows.push(row);
		stats.add(row);
	}
	if (current !== null) await flush(current, rows);
}

function mimeTypeOf(ext: string): string {
	const types: Record<string, string> = { wav: 'audio/x-wav', mp3: 'audio/mpeg', flac: 'audio/flac', ogg: 'audio/ogg', opus: 'audio/ogg', m4a: 'audio/mp4', mp4: 'audio/mp4', webm: 'audio/webm' };
	return types[ext] ?? 'application/octet-stream';
}

/**
 * Kaldi, NeMo, audiofolder, Common Voice: speaker-disjoint splits, then the writer over the
 * streamed rows while clips are cut recording by recording (several recordings at once, a long one
 * in a window per core, each sample decoded once), or whole recordings converted once (Kaldi's wav.scp, NeMo offsets).
 */
async function writeCorpus(ctx: ExportContext): Promise<void> {
	const { deps, request, files, stats, layer } = ctx;
	const { options } = request;
	const format = request.format;
	if (!isCorpusFormat(format)) throw new Error(`not a corpus format: ${format}`);

	const durations = await exportSpeakerDurations(deps.db, request.projectId, request.filter);
	const speakerKey = (speakerId: string | null, recordingId: string) => speakerId ?? `unk:${recordingId}`;
	const assignment = assignSplits(
		durations.map((d) => ({ speaker: speakerKey(d.speakerId, d.unknownRecording ?? ''), dialect: d.dialect, durationMs: d.durationMs })),
		{ ratios: options.splits, seed: options.seed }
	);
	const splitOf = (row: ExportRow) => assignment.bySpeaker.get(speakerKey(row.speakerId, row.recordingId)) ?? 'train';
	const speakerCounts = { train: 0, dev: 0, test: 0 };
	for (const split of assignment.bySpeaker.values()) speakerCounts[split]++;
	ctx.manifest.splits = { ratios: options.splits, seed: options.seed, speakers: speakerCounts };

	const wholeRecordings = format === 'kaldi' || (format === 'nemo' && options.nemoMode === 'offset');
	const ext = options.clipFormat;
	ctx.manifest.audio = { format: ext, sampleRate: options.sampleRate, channels: options.channels, bitDepth: 16, from: 'original', content: wholeRecordings ? 'recordings' : 'clips' };
	const cutter = createClipCutter(ctx);

	if (wholeRecordings) {
		ctx.progress.setAudioTotal(ctx.recordings.reduce((sum, r) => sum + r.duration_ms, 0));
		for (const recording of ctx.recordings) {
			await cutter.queue(recording, [{ startMs: 0, endMs: Math.max(1, recording.duration_ms), output: files.resolve(`audio/${recording.id}.${ext}`) }]);
		}
	} else {
		ctx.progress.setAudioTotal(ctx.recordings.reduce((sum, r) => sum + r.duration_ms, 0));
	}

	// Rows the writer keeps get their split and audio path; clips are collected per recording and
	// cut once the stream has left it (the stream is ordered by recording).
	const keeps = (row: ExportRow) => (format === 'kaldi' ? kaldiText(row.texts[layer] ?? '', options.tokenize) !== '' : (row.texts[layer] ?? '').trim() !== '');
	const clipPath = (row: ExportRow, split: Split) =>
		format === 'audiofolder' ? { file: `${split}/clips/${row.id}.${ext}`, ref: `clips/${row.id}.${ext}` } : format === 'common-voice' ? { file: `clips/${row.id}.${ext}`, ref: `${row.id}.${ext}` } : { file: `clips/${row.id}.${ext}`, ref: `clips/${row.id}.${ext}` };
	const byId = new Map(ctx.recordings.map((r) => [r.id, r]));
	const withAudio = async function* (rows: AsyncIterable<ExportRow>) {
		let current: string | null = null;
		let clips: WavClip[] = [];
		for await (const row of rows) {
			if (row.recordingId !== current) {
				if (current !== null && clips.length) await cutter.queue(byId.get(current)!, clips);
				current = row.recordingId;
				clips = [];
			}
			const split = splitOf(row);
			row.split = split;
			if (wholeRecordings) {
				row.audioPath = `audio/${row.recordingId}.${ext}`;
			} else if (keeps(row)) {
				const { file, ref } = clipPath(row, split);
				row.audioPath = ref;
				clips.push({ startMs: row.startMs, endMs: row.endMs, output: files.resolve(file) });
			} else {
				row.audioPath = clipPath(row, split).ref;
			}
			yield row;
		}
		if (current !== null && clips.length) await cutter.queue(byId.get(current)!, clips);
	};

	if (format === 'kaldi') {
		// A reviewer's correction may give a segment another speaker or other times, so that its
		// utterance id sorts elsewhere than the original's place in the stream. Those (corrected
		// segments that moved: a small share) are read first, sorted, and merged in at their place.
		const moved: ExportRow[] = [];
		for await (const row of exportSegments(deps.db, { projectId: request.projectId, filter: request.filter, layerKey: layer, correctedOnly: true })) {
			ctx.run.signal?.throwIfAborted();
			if (row.moved) moved.push(row);
		}
		const speakers = await exportSpeakers(deps.db, request.projectId, request.filter);
		const codes = new Set([...speakers.map((s) => s.code), ...moved.flatMap((r) => (r.speaker === null ? [] : [r.speaker]))]);
		const speakerIds = kaldiSpeakerIds([...codes]);
		const compare = compareKaldiRows(speakerIds);
		moved.sort(compare);
		// The originals stream in utterance-id order: speaker by speaker in id order (segments
		// without a speaker are a speaker per recording, `unk<recording>`), each by recording, start, end.
		const groups: { key: string; speaker: { id: string | null }; filter: ExportFilter }[] = speakers.map((s) => ({ key: speakerIds.get(s.code)!, speaker: { id: s.id }, filter: request.filter }));
		for (const d of durations) {
			if (d.speakerId === null && d.unknownRecording && !groups.some((g) => g.key === `unk${d.unknownRecording}`)) {
				groups.push({ key: `unk${d.unknownRecording}`, speaker: { id: null }, filter: { ...request.filter, recordingIds: [d.unknownRecording] } });
			}
		}
		groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
		const rows = async function* () {
			let next = 0;
			for (const g of groups) {
				for await (const row of streamRows(ctx, { speaker: g.speaker, filter: g.filter })) {
					if (row.moved) continue;
					while (next < moved.length && compare(moved[next], row) < 0) yield moved[next++];
					yield row;
				}
			}
			yield* moved.slice(next);
		};
		await files.writeChunks('data', writeKaldiDataDir(withAudio(rows()), { speakerIds, wavScp: (id) => `audio/${id}.${ext}`, layer, tokenize: options.tokenize, stats }));
	} else if (format === 'nemo') {
		await files.writeChunks('', writeNemoManifest(withAudio(streamRows(ctx)), { mode: options.nemoMode, layer, stats }));
	} else if (format === 'audiofolder') {
		await files.writeChunks('', writeAudiofolderMetadata(withAudio(streamRows(ctx)), { layers: ctx.layers, layer, stats }));
	} else {
		await files.writeChunks('', writeCommonVoiceTsv(withAudio(streamRows(ctx)), { layer, stats }));
	}
	files.close();
	await cutter.finish();
}

/**
 * Cuts recordings' clips a few at a time (as many as there are cores; each window of a recording
 * takes a shared ffmpeg slot, see cutWavClipsInWindows), so metadata writing and decoding overlap and memory holds only the in-flight recordings'
 * clip lists. The first failure stops the export.
 */
function createClipCutter(ctx: ExportContext) {
	const { deps, request, run, files, manifest, progress } = ctx;
	const { options } = request;
	const limit = os.availableParallelism();
	const running = new Set<Promise<void>>();
	let failure: unknown;

	const cut = async (recording: Recording, clips: WavClip[]) => {
		if (recording.state !== 'ready') throw new Error(`Recording "${recording.name}" is not processed yet (${recording.state}); export it once it is ready.`);
		const input = deps.storage.originalPath(recording.sha256, recording.original_ext);
		for (const dir of new Set(clips.map((c) => path.dirname(c.output)))) await mkdir(dir, { recursive: true });
		if (options.clipFormat === 'wav') {
			const result = await cutWavClipsInWindows({
				ffmpeg: deps.media.ffmpeg,
				input,
				clips,
				sampleRate: options.sampleRate,
				channels: options.channels,
				signal: run.signal,
				windows: limit,
				slots: deps.media.slots,
				durationMs: recording.duration_ms,
				onAudio: progress.audio
			});
			manifest.paddedAudio += result.padded;
			files.count(result.bytes, result.clips);
			return;
		}
		let reported = 0;
		for (const batch of buildClipExportArgs({ input, clips, format: 'flac', sampleRate: options.sampleRate, channels: options.channels })) {
			await deps.media.slots.run(() => runTool(deps.media.ffmpeg, batch.args, { signal: run.signal }));
			const delta = Math.min(batch.windowEndMs, recording.duration_ms) - reported;
			if (delta > 0) {
				reported += delta;
				progress.audio(delta);
			}
		}
		let bytes = 0;
		for (const c of clips) bytes += (await stat(c.output)).size;
		files.count(bytes, clips.length);
		const left = recording.duration_ms - reported;
		if (left > 0) progress.audio(left);
	};

	return {
		async queue(recording: Recording, clips: WavClip[]) {
			if (failure) throw failure;
			while (running.size >= limit) await Promise.race(running);
			if (failure) throw failure;
			const task: Promise<void> = cut(recording, clips)
				.catch((err: unknown) => {
					failure ??= err;
				})
				.finally(() => running.delete(task));
			running.add(task);
		},
		async finish() {
			await Promise.all(running);
			if (failure) throw failure;
		}
	};
}
