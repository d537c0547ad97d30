import { createHash } from 'node:crypto';
import { DEFAULT_LAYER } from './model.ts';
import { CorpusStats, FileChunker, assertCorpusTimes, type FileChunk, type Rows } from './corpus.ts';

/**
 * Mozilla Common Voice-style TSV (the 13 columns of current releases): `<split>.tsv` and
 * `validated.tsv` (every row), plus `clip_durations.tsv`. Tab-separated with a header and no
 * quoting at all, so TAB, CR and LF inside values become spaces. `client_id` is the sha512 hex of
 * the speaker (salted per export if `salt` is given), `path` the clip relative to `clips/`,
 * `variant` the dialect code and `accents` its name.
 */
export const COMMON_VOICE_COLUMNS = [
	'client_id',
	'path',
	'sentence_id',
	'sentence',
	'sentence_domain',
	'up_votes',
	'down_votes',
	'age',
	'gender',
	'accents',
	'variant',
	'locale',
	'segment'
] as const;

export interface CommonVoiceOptions {
	layer?: string;
	/** `locale` column, e.g. `zh-CN` (default ""). */
	locale?: string;
	salt?: string;
	stats?: CorpusStats;
}

function field(value: string | null | undefined): string {
	return (value ?? '').replace(/[\t\r\n]+/g, ' ');
}

export async function* writeCommonVoiceTsv(rows: Rows, options: CommonVoiceOptions = {}): AsyncGenerator<FileChunk> {
	const layer = options.layer ?? DEFAULT_LAYER;
	const chunker = new FileChunker();
	const header = `${COMMON_VOICE_COLUMNS.join('\t')}\n`;
	const started = new Set<string>();
	const push = function* (file: string, text: string) {
		if (!started.has(file)) {
			started.add(file);
			const h = chunker.push(file, file === 'clip_durations.tsv' ? 'clip\tduration[ms]\n' : header);
			if (h) yield h;
		}
		const chunk = chunker.push(file, text);
		if (chunk) yield chunk;
	};
	const clientIds = new Map<string, string>();
	for await (const row of rows) {
		assertCorpusTimes(row);
		if (!row.audioPath) throw new RangeError(`segment ${row.id}: a Common Voice row needs audioPath (the clip, relative to clips/)`);
		const sentence = field(row.texts[layer]).trim();
		if (sentence === '') {
			options.stats?.skip('empty_text');
			continue;
		}
		const speakerKey = row.speaker ?? `unknown:${row.recordingId}`;
		let clientId = clientIds.get(speakerKey);
		if (!clientId) clientIds.set(speakerKey, (clientId = createHash('sha512').update(`${options.salt ?? ''}${speakerKey}`).digest('hex')));
		const line =
			[clientId, field(row.audioPath), field(row.id), sentence, '', '0', '0', field(row.ageBand), field(row.gender), field(row.dialectName ?? row.dialect), field(row.dialect), field(options.locale), ''].join('\t') +
			'\n';
		yield* push(`${row.split ?? 'train'}.tsv`, line);
		yield* push('validated.tsv', line);
		yield* push('clip_durations.tsv', `${field(row.audioPath)}\t${row.endMs - row.startMs}\n`);
		options.stats?.add(row);
	}
	yield* chunker.flush();
}
