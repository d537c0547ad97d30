import { DEFAULT_LAYER } from './model.ts';
import { CorpusStats, FileChunker, assertCorpusTimes, jsonLineWithSeconds, type FileChunk, type Rows } from './corpus.ts';

/**
 * NVIDIA NeMo ASR manifest: JSON lines, UTF-8, no blank lines, `audio_filepath` + `duration`
 * (seconds) required, `offset` into the recording in offset mode, `text`; speaker, dialect and
 * status ride along as extra keys (NeMo ignores keys it does not know). One file per split
 * (`train_manifest.jsonl`…) or `manifest.jsonl`.
 *
 * Paths: NeMo resolves a relative path with a directory part against the manifest's folder but a
 * bare file name against the working directory, so `audioPath` should be `audio/x.wav` or absolute.
 */
export interface NemoOptions {
	/** `offset`: lines point into the recordings; `clips`: each line is a cut clip. */
	mode: 'offset' | 'clips';
	layer?: string;
	stats?: CorpusStats;
}

export async function* writeNemoManifest(rows: Rows, options: NemoOptions): AsyncGenerator<FileChunk> {
	const layer = options.layer ?? DEFAULT_LAYER;
	const chunker = new FileChunker();
	for await (const row of rows) {
		assertCorpusTimes(row);
		if (!row.audioPath) throw new RangeError(`segment ${row.id}: a NeMo manifest line needs audioPath`);
		const text = (row.texts[layer] ?? '').replace(/\s+/g, ' ').trim();
		if (text === '') {
			options.stats?.skip('empty_text');
			continue;
		}
		const line = jsonLineWithSeconds({
			audio_filepath: row.audioPath,
			text,
			speaker: row.speaker ?? '',
			dialect: row.dialect ?? '',
			status: row.status,
			segment_id: row.id,
			recording: row.recordingName
		}, options.mode === 'offset' ? { offset: row.startMs, duration: row.endMs - row.startMs } : { duration: row.endMs - row.startMs });
		const chunk = chunker.push(row.split ? `${row.split}_manifest.jsonl` : 'manifest.jsonl', line);
		if (chunk) yield chunk;
		options.stats?.add(row);
	}
	yield* chunker.flush();
}
