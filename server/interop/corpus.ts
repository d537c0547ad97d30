import { msToSeconds } from '../media/transcode-args.ts';
import type { TextOrigin } from './model.ts';

/**
 * What the corpus writers (Kaldi, NeMo, audiofolder, Common Voice, CSV/JSONL) take: one flat row
 * per segment, streamed from the database, never a whole project in memory.
 */
export type Split = 'train' | 'dev' | 'test';
export const SPLITS: readonly Split[] = ['train', 'dev', 'test'];

export interface CorpusSegment {
	/** Segment id. */
	id: string;
	/** Recording id: ASCII letters and digits (our ids are), used in Kaldi ids and wav.scp keys. */
	recordingId: string;
	/** The recording's display name (its original file name). */
	recordingName: string;
	startMs: number;
	endMs: number;
	/** Speaker code, or null. */
	speaker: string | null;
	speakerName?: string | null;
	gender?: string | null;
	ageBand?: string | null;
	/** Dialect tag code, or null. */
	dialect: string | null;
	dialectName?: string | null;
	texts: Record<string, string>;
	/** Workflow state of the transcription (`segment.status`: new, transcribed…). */
	status: string;
	/** Review state of the accepted version (unreviewed, accepted, corrected, rejected). */
	reviewState?: string | null;
	/** Stage of the last review decision (0: none). */
	reviewStage?: number | null;
	reviewer?: string | null;
	transcriber?: string | null;
	/** CER of the transcriber's version against the accepted one, as the caller computed it (0–1). */
	cer?: number | null;
	origin?: TextOrigin | null;
	updatedAt?: string | null;
	split?: Split | null;
	/**
	 * The audio a manifest row points at: the recording (NeMo offset mode, relative to the manifest
	 * or absolute) or the cut clip (relative to the split folder for audiofolder, to `clips/` for
	 * Common Voice, to the manifest for NeMo clips).
	 */
	audioPath?: string | null;
}

/** A piece of one output file of a multi-file writer; append `data` to `file` in order. */
export interface FileChunk {
	file: string;
	data: string;
}

export type Rows = Iterable<CorpusSegment> | AsyncIterable<CorpusSegment>;

interface Tally {
	segments: number;
	durationMs: number;
}

/**
 * Counts and durations of what a writer actually wrote, per split, dialect and speaker, and what
 * it skipped and why: the numbers a corpus export's manifest and README report.
 */
export class CorpusStats {
	readonly total: Tally = { segments: 0, durationMs: 0 };
	readonly bySplit = new Map<string, Tally>();
	readonly byDialect = new Map<string, Tally>();
	readonly bySpeaker = new Map<string, Tally>();
	readonly skipped = new Map<string, number>();

	add(row: Pick<CorpusSegment, 'startMs' | 'endMs' | 'split' | 'dialect' | 'speaker'>): void {
		const ms = row.endMs - row.startMs;
		bump(this.total, ms);
		bump(tally(this.bySplit, row.split ?? 'all'), ms);
		bump(tally(this.byDialect, row.dialect ?? '(none)'), ms);
		bump(tally(this.bySpeaker, row.speaker ?? '(none)'), ms);
	}

	skip(reason: string): void {
		this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
	}

	toJSON() {
		const hours = (t: Tally) => ({ segments: t.segments, hours: Math.round((t.durationMs / 3_600_000) * 10_000) / 10_000 });
		const table = (m: Map<string, Tally>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, t]) => [k, hours(t)]));
		return {
			...hours(this.total),
			bySplit: table(this.bySplit),
			byDialect: table(this.byDialect),
			bySpeaker: table(this.bySpeaker),
			skipped: Object.fromEntries(this.skipped)
		};
	}
}

function tally(map: Map<string, Tally>, key: string): Tally {
	let t = map.get(key);
	if (!t) map.set(key, (t = { segments: 0, durationMs: 0 }));
	return t;
}

function bump(t: Tally, ms: number): void {
	t.segments++;
	t.durationMs += ms;
}

/** Buffers text per output file and hands out ~64 KB chunks, so writers yield few large strings. */
export class FileChunker {
	private readonly buffers = new Map<string, string>();
	constructor(private readonly size = 64 * 1024) {}

	push(file: string, text: string): FileChunk | null {
		const buffer = (this.buffers.get(file) ?? '') + text;
		if (buffer.length >= this.size) {
			this.buffers.set(file, '');
			return { file, data: buffer };
		}
		this.buffers.set(file, buffer);
		return null;
	}

	*flush(): Generator<FileChunk> {
		for (const [file, data] of this.buffers) if (data !== '') yield { file, data };
		this.buffers.clear();
	}
}

/** One JSON line with CJK kept as is (JSON.stringify never escapes non-ASCII) and no lone surrogates. */
export function jsonLine(value: unknown): string {
	const fast = JSON.stringify(value);
	// JSON.stringify writes a lone surrogate as a \udXXX escape: only then redo it with U+FFFD.
	if (!LONE_SURROGATE_ESCAPE.test(fast)) return `${fast}\n`;
	return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v))}\n`;
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

/**
 * A JSON line whose `seconds` fields are written with three decimals (`2.000`, never `2`), so every
 * reader infers one float type per column (pyarrow and `datasets` refuse int in one split and
 * double in another).
 */
export function jsonLineWithSeconds(value: Record<string, unknown>, seconds: Record<string, number>): string {
	const head = jsonLine(value).slice(0, -2);
	const tail = Object.entries(seconds)
		.map(([key, ms]) => `${JSON.stringify(key)}:${msToSeconds(ms)}`)
		.join(',');
	return `${head}${head.length > 1 && tail ? ',' : ''}${tail}}\n`;
}

/** Checks a row's times as every corpus format needs them. */
export function assertCorpusTimes(row: CorpusSegment): void {
	if (!Number.isInteger(row.startMs) || !Number.isInteger(row.endMs) || row.startMs < 0 || row.endMs <= row.startMs) {
		throw new RangeError(`segment ${row.id}: times ${row.startMs}–${row.endMs} ms must be integers with end after start`);
	}
}

/** Seconds as a JSON number from integer ms (exact to the ms: 1250 → 1.25). */
export function seconds(ms: number): number {
	return ms / 1000;
}
