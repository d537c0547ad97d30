import { writeAudiofolderMetadata } from './audiofolder.ts';
import { writeCommonVoiceTsv } from './common-voice.ts';
import type { CorpusSegment, FileChunk } from './corpus.ts';
import { kaldiSpeakerIds, writeKaldiDataDir } from './kaldi.ts';
import type { InteropSegment } from './model.ts';
import { writeNemoManifest } from './nemo.ts';
import { writeSegmentsCsv, writeSegmentsJsonl } from './segments-table.ts';
import { readTextGrid, writeTextGrid } from './textgrid.ts';

/**
 * Measurements for `npm run bench` (import_textgrid_s_10k, metadata_export_s_500k,
 * metadata_export_rss_mb_500k): pure CPU work on generated data, no files.
 */

/** Parses a generated TextGrid of `intervals` non-empty intervals; returns seconds. */
export function measureTextGridImport(intervals = 10_000): { seconds: number; bytes: number; segments: number } {
	const segments: InteropSegment[] = Array.from({ length: intervals }, (_, i) => ({
		startMs: i * 1000,
		endMs: i * 1000 + 900,
		speaker: `spk${i % 4}`,
		dialect: null,
		texts: { transcript: `第${i}句 "引号" 和 \\ 反斜杠` },
		status: 'transcribed',
		origin: 'human'
	}));
	const text = [...writeTextGrid({ segments }, { durationMs: intervals * 1000 + 1000, statusTier: false })].join('');
	const bytes = Buffer.from(text);
	const started = performance.now();
	const doc = readTextGrid(bytes);
	return { seconds: (performance.now() - started) / 1000, bytes: bytes.length, segments: doc.segments.length };
}

/**
 * Streams `count` generated segments (in Kaldi order, as an export queries them) through every
 * metadata writer into a sink that only counts bytes; reports seconds (total and per format) and
 * the peak RSS growth.
 */
export async function measureMetadataExport(
	count = 500_000
): Promise<{ seconds: number; rssMb: number; bytes: number; perFormat: Record<string, number> }> {
	const speakers = Array.from({ length: 50 }, (_, i) => `spk${String(i).padStart(3, '0')}`);
	const speakerIds = kaldiSpeakerIds(speakers);
	const perSpeaker = Math.ceil(count / speakers.length);
	function* rows(): Generator<CorpusSegment> {
		let n = 0;
		for (const speaker of speakers) {
			for (let i = 0; i < perSpeaker && n < count; i++, n++) {
				const startMs = i * 4000;
				yield {
					id: `seg${n}`,
					recordingId: `rec${String(Math.floor(i / 500)).padStart(5, '0')}`,
					recordingName: `录音${i}.wav`,
					startMs,
					endMs: startMs + 3000,
					speaker,
					dialect: 'yue',
					texts: { transcript: `这是第${n}句话, "带引号"`, mandarin: '普通话翻译' },
					status: 'approved',
					reviewer: 'li',
					transcriber: 'wang',
					cer: 0.05,
					split: (['train', 'dev', 'test'] as const)[n % 3 === 0 ? 0 : (n % 10) % 3],
					audioPath: `clips/seg${n}.wav`
				};
			}
		}
	}
	let bytes = 0;
	const sinkStrings = async (chunks: AsyncIterable<string>) => {
		for await (const c of chunks) bytes += c.length;
	};
	const sinkFiles = async (chunks: AsyncIterable<FileChunk>) => {
		for await (const c of chunks) bytes += c.data.length;
	};
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const started = performance.now();
	const perFormat: Record<string, number> = {};
	try {
		// Kaldi wants one split per stream in utterance order; speakers come in id order already.
		const kaldiRows = function* () {
			for (const r of rows()) yield { ...r, split: null };
		};
		const perFormatRuns: [string, () => Promise<void>][] = [
			['kaldi', () => sinkFiles(writeKaldiDataDir(kaldiRows(), { speakerIds, wavScp: (id) => `wav/${id}.wav` }))],
			['nemo', () => sinkFiles(writeNemoManifest(rows(), { mode: 'offset' }))],
			['audiofolder', () => sinkFiles(writeAudiofolderMetadata(rows(), { layers: ['transcript', 'mandarin'] }))],
			['common-voice', () => sinkFiles(writeCommonVoiceTsv(rows()))],
			['csv', () => sinkStrings(writeSegmentsCsv(rows(), { layers: ['transcript', 'mandarin'] }))],
			['jsonl', () => sinkStrings(writeSegmentsJsonl(rows(), { layers: ['transcript', 'mandarin'] }))]
		];
		for (const [name, run] of perFormatRuns) {
			const at = performance.now();
			await run();
			perFormat[name] = Math.round(performance.now() - at) / 1000;
		}
	} finally {
		clearInterval(timer);
	}
	peak = Math.max(peak, process.memoryUsage().rss);
	return { seconds: (performance.now() - started) / 1000, rssMb: (peak - baseline) / (1024 * 1024), bytes, perFormat };
}
