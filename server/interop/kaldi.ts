import { msToSeconds } from '../media/transcode-args.ts';
import { DEFAULT_LAYER } from './model.ts';
import { CorpusStats, FileChunker, assertCorpusTimes, type CorpusSegment, type FileChunk, type Rows } from './corpus.ts';

/**
 * Kaldi data directory (wav.scp, segments, text, utt2spk, spk2utt, utt2dur, utt2lang), following
 * utils/validate_data_dir.sh: every file sorted by key in byte order (LC_ALL=C) with unique keys,
 * utt2spk also sorted by speaker, the same utterance list in every file, `end > start`, no CR and
 * no Unicode white space in text, recordings in `segments` exactly the keys of wav.scp.
 *
 * Both sort orders hold because the utterance id starts with the speaker id and ids contain only
 * `[A-Za-z0-9]` joined by `-` (which sorts before every id character):
 *
 *     <speaker>-<recording>-<start ms, 8 digits>-<end ms, 8 digits>[-<n> for exact duplicates]
 *
 * The writer streams: rows must arrive in utterance-id order per split (see `compareKaldiRows`,
 * `sortKaldiRows`); a row out of order is an error, never a silently invalid directory.
 */

const ID_SAFE = /[^A-Za-z0-9]/g;

/**
 * Kaldi-safe speaker ids for speaker codes: ASCII letters and digits only (`sp-01.a` → `sp01a`);
 * codes that clash after cleaning get `x2`, `x3`… so the map stays one-to-one. Ids starting with
 * `unk` are reserved for segments without a speaker (`unk<recording>`).
 */
export function kaldiSpeakerIds(codes: Iterable<string>): Map<string, string> {
	const out = new Map<string, string>();
	const used = new Set<string>();
	// Codes that are already clean keep their id; the others are placed after them.
	const clean = (c: string) => /^[A-Za-z0-9]+$/.test(c) && !c.toLowerCase().startsWith('unk');
	const unique = [...new Set(codes)].sort();
	for (const code of [...unique.filter(clean), ...unique.filter((c) => !clean(c))]) {
		let base = code.replace(ID_SAFE, '') || 'spk';
		if (base.toLowerCase().startsWith('unk')) base = `s${base}`;
		let id = base;
		for (let n = 2; used.has(id); n++) id = `${base}x${n}`;
		used.add(id);
		out.set(code, id);
	}
	return out;
}

export function kaldiSpeakerId(row: Pick<CorpusSegment, 'speaker' | 'recordingId'>, speakerIds: Map<string, string>): string {
	if (row.speaker === null) return `unk${row.recordingId}`;
	const id = speakerIds.get(row.speaker);
	if (!id) throw new RangeError(`speaker "${row.speaker}" is not in the speaker id map (build it with kaldiSpeakerIds over every speaker exported)`);
	return id;
}

/** The utterance id of a row (without the duplicate suffix). */
export function kaldiUttId(row: Pick<CorpusSegment, 'speaker' | 'recordingId' | 'startMs' | 'endMs'>, speakerIds: Map<string, string>): string {
	return `${kaldiSpeakerId(row, speakerIds)}-${row.recordingId}-${pad(row.startMs)}-${pad(row.endMs)}`;
}

function pad(ms: number): string {
	return String(ms).padStart(8, '0');
}

/** Byte order of the utterance ids (ids are ASCII, where UTF-16 order equals byte order). */
export function compareKaldiRows(speakerIds: Map<string, string>) {
	return (a: CorpusSegment, b: CorpusSegment): number => {
		const x = kaldiUttId(a, speakerIds);
		const y = kaldiUttId(b, speakerIds);
		return x < y ? -1 : x > y ? 1 : 0;
	};
}

/** Sorts rows in memory for the writer (small exports; large ones query in this order per speaker). */
export function sortKaldiRows<T extends CorpusSegment>(rows: T[], speakerIds: Map<string, string>): T[] {
	return rows.sort(compareKaldiRows(speakerIds));
}

const CJK = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef])/gu;
const FORBIDDEN = new Set(['<s>', '</s>', '#0']);

/**
 * Text as Kaldi's validate_text.pl accepts it: any Unicode white space (NBSP, U+3000…) becomes one
 * ASCII space, `<s>`, `</s>` and `#0` are removed; `characters` puts a space around every CJK
 * character (character-level units for Chinese ASR).
 */
export function kaldiText(text: string, tokenize: 'as-is' | 'characters' = 'as-is'): string {
	let out = text.normalize('NFC');
	if (tokenize === 'characters') out = out.replace(CJK, ' $1 ');
	return out
		.split(/[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+/u)
		.filter((w) => w !== '' && !FORBIDDEN.has(w))
		.join(' ');
}

export interface KaldiOptions {
	/** Speaker code → Kaldi speaker id, from `kaldiSpeakerIds` over every exported speaker. */
	speakerIds: Map<string, string>;
	/** wav.scp value per recording id: a path without spaces, or a command ending in `|`. */
	wavScp: (recordingId: string) => string;
	/** The layer that goes into `text` (default `transcript`). */
	layer?: string;
	tokenize?: 'as-is' | 'characters';
	/** Write utt2lang with the dialect tag (`unknown` when none; default true). */
	utt2lang?: boolean;
	stats?: CorpusStats;
}

interface SplitState {
	dir: string;
	lastUtt: string;
	lastBase: string;
	duplicate: number;
	speaker: string | null;
	speakerUtts: string[];
	recordings: Set<string>;
}

/**
 * Streams a Kaldi data directory (one per split: `train/segments`…, or top-level files when rows
 * have no split). Rows without text after cleaning are skipped (counted in `stats.skipped`).
 *
 * @example
 * const speakerIds = kaldiSpeakerIds(project.speakers.map((s) => s.code));
 * for await (const { file, data } of writeKaldiDataDir(rows, { speakerIds, wavScp: (id) => `wav/${id}.wav` })) append(file, data);
 */
export async function* writeKaldiDataDir(rows: Rows, options: KaldiOptions): AsyncGenerator<FileChunk> {
	const layer = options.layer ?? DEFAULT_LAYER;
	const chunker = new FileChunker();
	const splits = new Map<string, SplitState>();
	const utt2lang = options.utt2lang ?? true;

	function* emitSpeaker(state: SplitState): Generator<FileChunk> {
		if (state.speaker === null || state.speakerUtts.length === 0) return;
		const chunk = chunker.push(`${state.dir}spk2utt`, `${state.speaker} ${state.speakerUtts.join(' ')}\n`);
		if (chunk) yield chunk;
		state.speakerUtts = [];
	}

	for await (const row of rows) {
		assertCorpusTimes(row);
		const text = kaldiText(row.texts[layer] ?? '', options.tokenize);
		if (text === '') {
			options.stats?.skip('empty_text');
			continue;
		}
		const dir = row.split ? `${row.split}/` : '';
		let state = splits.get(dir);
		if (!state) splits.set(dir, (state = { dir, lastUtt: '', lastBase: '', duplicate: 0, speaker: null, speakerUtts: [], recordings: new Set() }));
		if (!/^[A-Za-z0-9]+$/.test(row.recordingId)) throw new RangeError(`recording id "${row.recordingId}" must be ASCII letters and digits for Kaldi`);
		const speaker = kaldiSpeakerId(row, options.speakerIds);
		const base = kaldiUttId(row, options.speakerIds);
		let utt = base;
		if (base === state.lastBase) utt = `${base}-${++state.duplicate}`;
		else state.duplicate = 0;
		if (utt <= state.lastUtt) {
			throw new RangeError(
				`Kaldi rows must come in utterance-id order: ${utt} after ${state.lastUtt}. Sort with sortKaldiRows, or stream speakers in kaldiSpeakerIds order and each speaker's segments by recording id, start, end.`
			);
		}
		state.lastUtt = utt;
		state.lastBase = base;
		if (speaker !== state.speaker) {
			yield* emitSpeaker(state);
			state.speaker = speaker;
		}
		state.speakerUtts.push(utt);
		state.recordings.add(row.recordingId);
		const lines: [string, string][] = [
			['segments', `${utt} ${row.recordingId} ${msToSeconds(row.startMs)} ${msToSeconds(row.endMs)}\n`],
			['text', `${utt} ${text}\n`],
			['utt2spk', `${utt} ${speaker}\n`],
			['utt2dur', `${utt} ${msToSeconds(row.endMs - row.startMs)}\n`]
		];
		if (utt2lang) lines.push(['utt2lang', `${utt} ${(row.dialect ?? 'unknown').replace(/\s+/g, '_')}\n`]);
		for (const [file, line] of lines) {
			const chunk = chunker.push(`${dir}${file}`, line);
			if (chunk) yield chunk;
		}
		options.stats?.add(row);
	}
	for (const state of splits.values()) {
		yield* emitSpeaker(state);
		const wav = [...state.recordings].sort().map((id) => {
			const value = options.wavScp(id);
			if (value === '' || /[\r\n]/.test(value)) throw new RangeError(`wav.scp value for ${id} must be one non-empty line`);
			return `${id} ${value}\n`;
		});
		yield { file: `${state.dir}wav.scp`, data: wav.join('') };
	}
	yield* chunker.flush();
}
