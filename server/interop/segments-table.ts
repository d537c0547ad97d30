import { msToSeconds } from '../media/transcode-args.ts';
import { CorpusStats, assertCorpusTimes, jsonLineWithSeconds, type CorpusSegment, type Rows } from './corpus.ts';

/**
 * Every field of every segment as CSV or JSON lines: times (ms and seconds), speaker, dialect tag,
 * each text layer, workflow status, review state and stage, reviewer, transcriber, the CER the caller
 * computed, origin.
 *
 * CSV is RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote, CR, LF or edge
 * spaces, quotes doubled; UTF-8 without BOM by default. `excel: true` adds the BOM Excel needs to
 * see UTF-8 (without it Chinese turns into mojibake) and defuses cells starting with = + - @
 * (a leading `'`), since Excel runs those as formulas; that variant alters such cells, so it is
 * opt-in ("CSV for Excel"), and data pipelines get the exact text.
 */
export interface SegmentTableOptions {
	/** Text layer keys, one column each (`text_<key>`) in this order. */
	layers: readonly string[];
	excel?: boolean;
	stats?: CorpusStats;
}

const FIXED_COLUMNS = [
	'segment_id',
	'recording_id',
	'recording',
	'start_ms',
	'end_ms',
	'start',
	'end',
	'duration',
	'speaker',
	'speaker_name',
	'dialect',
	'dialect_name'
] as const;
const TRAILING_COLUMNS = ['status', 'review_state', 'review_stage', 'reviewer', 'transcriber', 'cer', 'origin', 'updated_at', 'split'] as const;

export function segmentTableColumns(layers: readonly string[]): string[] {
	return [...FIXED_COLUMNS, ...layers.map((l) => `text_${l}`), ...TRAILING_COLUMNS];
}

function values(row: CorpusSegment, layers: readonly string[]): (string | number | null)[] {
	return [
		row.id,
		row.recordingId,
		row.recordingName,
		row.startMs,
		row.endMs,
		msToSeconds(row.startMs),
		msToSeconds(row.endMs),
		msToSeconds(row.endMs - row.startMs),
		row.speaker,
		row.speakerName ?? null,
		row.dialect,
		row.dialectName ?? null,
		...layers.map((l) => row.texts[l] ?? ''),
		row.status,
		row.reviewState ?? null,
		row.reviewStage ?? null,
		row.reviewer ?? null,
		row.transcriber ?? null,
		row.cer ?? null,
		row.origin ?? null,
		row.updatedAt ?? null,
		row.split ?? null
	];
}

export function csvField(value: string | number | null, excel = false): string {
	if (value === null) return '';
	let text = typeof value === 'number' ? String(value) : value.toWellFormed();
	if (excel && typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function* writeSegmentsCsv(rows: Rows, options: SegmentTableOptions): AsyncGenerator<string> {
	const excel = options.excel ?? false;
	let buffer = `${excel ? '\ufeff' : ''}${segmentTableColumns(options.layers).join(',')}\r\n`;
	for await (const row of rows) {
		assertCorpusTimes(row);
		buffer += `${values(row, options.layers).map((v) => csvField(v, excel)).join(',')}\r\n`;
		options.stats?.add(row);
		if (buffer.length >= 65536) {
			yield buffer;
			buffer = '';
		}
	}
	if (buffer !== '') yield buffer;
}

/** JSON lines: the CSV's columns with numbers as numbers (seconds always with 3 decimals) and the texts also as a `texts` object. */
export async function* writeSegmentsJsonl(rows: Rows, options: SegmentTableOptions): AsyncGenerator<string> {
	const layers = options.layers;
	let buffer = '';
	for await (const row of rows) {
		assertCorpusTimes(row);
		const texts: Record<string, string> = {};
		const record: Record<string, unknown> = {
			segment_id: row.id,
			recording_id: row.recordingId,
			recording: row.recordingName,
			start_ms: row.startMs,
			end_ms: row.endMs,
			speaker: row.speaker,
			speaker_name: row.speakerName ?? null,
			dialect: row.dialect,
			dialect_name: row.dialectName ?? null
		};
		for (const key of layers) record[`text_${key}`] = texts[key] = row.texts[key] ?? '';
		record.status = row.status;
		record.review_state = row.reviewState ?? null;
		record.review_stage = row.reviewStage ?? null;
		record.reviewer = row.reviewer ?? null;
		record.transcriber = row.transcriber ?? null;
		record.cer = row.cer ?? null;
		record.origin = row.origin ?? null;
		record.updated_at = row.updatedAt ?? null;
		record.split = row.split ?? null;
		record.texts = texts;
		buffer += jsonLineWithSeconds(record, { start: row.startMs, end: row.endMs, duration: row.endMs - row.startMs });
		options.stats?.add(row);
		if (buffer.length >= 65536) {
			yield buffer;
			buffer = '';
		}
	}
	if (buffer !== '') yield buffer;
}
