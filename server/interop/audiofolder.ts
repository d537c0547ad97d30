import { DEFAULT_LAYER } from './model.ts';
import { CorpusStats, FileChunker, assertCorpusTimes, jsonLineWithSeconds, type FileChunk, type Rows } from './corpus.ts';

/**
 * Hugging Face `audiofolder` metadata: `<split>/metadata.jsonl` beside the cut clips (the folder
 * names train/dev/test are recognised as splits; dev is "validation"). JSON lines rather than CSV,
 * because pandas' CSV reader turns "NA", "null" and "007" into NaN and 7. Every split has the same
 * columns with the same types (`""`, never null), or `datasets` refuses to combine them.
 */
export interface AudiofolderOptions {
	/** Every text layer of the project: the main one is `transcription`, each also `text_<key>`. */
	layers?: readonly string[];
	/** The layer in `transcription` (default `transcript`). */
	layer?: string;
	stats?: CorpusStats;
}

/** `file_name` must be a relative path below the metadata file: no `..`, no absolute path, no URL. */
export function assertRelativeClipPath(path: string): void {
	if (path === '' || path.startsWith('/') || path.includes('\\') || /^[a-z]+:/i.test(path) || path.split('/').some((p) => p === '..' || p === '.' || p === '')) {
		throw new RangeError(`"${path}" is not a relative path below the split folder (e.g. "clips/0001.wav")`);
	}
}

export async function* writeAudiofolderMetadata(rows: Rows, options: AudiofolderOptions = {}): AsyncGenerator<FileChunk> {
	const layer = options.layer ?? DEFAULT_LAYER;
	const layers = options.layers ?? [layer];
	const chunker = new FileChunker();
	for await (const row of rows) {
		assertCorpusTimes(row);
		if (!row.audioPath) throw new RangeError(`segment ${row.id}: an audiofolder row needs audioPath (the clip, relative to its split folder)`);
		assertRelativeClipPath(row.audioPath);
		const transcription = row.texts[layer] ?? '';
		if (transcription.trim() === '') {
			options.stats?.skip('empty_text');
			continue;
		}
		const record: Record<string, string> = {
			file_name: row.audioPath,
			transcription,
			speaker: row.speaker ?? '',
			dialect: row.dialect ?? '',
			status: row.status,
			source_file: row.recordingName,
			segment_id: row.id
		};
		for (const key of layers) record[`text_${key}`] = row.texts[key] ?? '';
		const line = jsonLineWithSeconds(record, { start: row.startMs, end: row.endMs, duration: row.endMs - row.startMs });
		const chunk = chunker.push(`${row.split ?? 'train'}/metadata.jsonl`, line);
		if (chunk) yield chunk;
		options.stats?.add(row);
	}
	yield* chunker.flush();
}
