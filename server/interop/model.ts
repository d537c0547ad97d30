import { AppError } from '../lib/errors.ts';

/**
 * The neutral in-memory model every transcript reader produces and every transcript writer takes.
 * It mirrors what a recording holds in the database (segments with integer-ms times, a speaker,
 * a dialect tag, a text per layer, a status) and adds what the formats need to round-trip:
 * point events, controlled-vocabulary entries, the origin of the text and the reader's warnings.
 *
 * Codes are the file's own: speakers by code (tier name, PARTICIPANT, Transcriber id…), dialect tags
 * by the annotated value, layers by key. Mapping them onto a project's rows is the importer's job
 * (see `resolveDialectTags`).
 */

export type TranscriptFormat = 'textgrid' | 'eaf' | 'trs' | 'srt' | 'webvtt' | 'asr-json' | 'label-studio';

/** Who typed the text: `machine` for ASR output (the review metrics measure its post-editing). */
export type TextOrigin = 'human' | 'machine';

/** The layer key a format's single text goes to when the file names none. */
export const DEFAULT_LAYER = 'transcript';

export interface InteropSpeaker {
	/** The file's identifier for the speaker (never empty). */
	code: string;
	/** Display name, the code when the file has none. */
	name: string;
	/** Extra attributes the file states (Transcriber: dialect, accent, type, check). */
	attributes?: Record<string, string>;
}

export interface InteropWord {
	startMs: number;
	endMs: number;
	text: string;
	/** 0–1, when the recogniser gives one. */
	confidence: number | null;
}

export interface InteropSegment {
	/** Integer milliseconds, `endMs > startMs`. */
	startMs: number;
	endMs: number;
	/** Speaker code, or null when the file does not say. */
	speaker: string | null;
	/** Dialect tag as annotated (a code such as `yue-gz`, or a vocabulary value), or null. */
	dialect: string | null;
	/** Layer key → text (NFC, LF line ends). Layers without text (empty or only white space) are absent. */
	texts: Record<string, string>;
	/** Workflow state, when the file carries one (our own exports do); null otherwise. */
	status: string | null;
	origin: TextOrigin;
	/** Word timings from an ASR import. */
	words?: InteropWord[];
	/** Where the segment came from, for previews and messages ("tier 'A - transcript' interval 3"). */
	source?: string;
}

/** A point (TextGrid point tier, Transcriber instantaneous event) or a span that is not a segment. */
export interface InteropEvent {
	startMs: number;
	/** null for a point. */
	endMs: number | null;
	/** The tier or kind it came from (TextGrid point tier name, Transcriber event type). */
	tier: string;
	speaker: string | null;
	text: string;
}

/** One entry of a controlled vocabulary (EAF CV_ENTRY_ML) with its values per language. */
export interface VocabularyEntry {
	/** The entry's id in the file (CVE_ID), or the value itself. */
	id: string;
	values: { lang: string | null; value: string; description: string | null }[];
}

export interface InteropWarning {
	code: string;
	message: string;
	line?: number;
	element?: string;
}

export interface InteropDocument {
	format: TranscriptFormat;
	/**
	 * The extent the file declares (TextGrid xmax, Label Studio original_length, Transcriber's last
	 * section end), or null. Compare `maxTimeMs(doc)` with the recording to catch a transcript that
	 * is longer than its audio.
	 */
	durationMs: number | null;
	/** Speakers in file order (every segment's speaker is listed). */
	speakers: InteropSpeaker[];
	/** Layer keys in file order (every key used in a segment's texts is listed). */
	layers: string[];
	segments: InteropSegment[];
	events: InteropEvent[];
	/** The dialect vocabulary the file defines (EAF CV), empty when it has none. */
	dialects: VocabularyEntry[];
	/** Media the file points at (EAF MEDIA_URL, Transcriber audio_filename, Label Studio data.audio). */
	media: string | null;
	/** Language the recogniser reported (Whisper `language`), for ASR imports. */
	language?: string | null;
	warnings: InteropWarning[];
}

export type InteropErrorCode =
	| 'malformed_file'
	| 'unsupported_format'
	| 'unknown_encoding'
	| 'same_speaker_overlap'
	| 'invalid_segment';

/**
 * A file that cannot be read or a model that cannot be written, as a 422 with the API's error
 * shape; `line` / `element` say where (the message names them too).
 */
export class InteropError extends AppError {
	constructor(
		code: InteropErrorCode,
		message: string,
		readonly where: { format?: TranscriptFormat; line?: number; element?: string; encoding?: string } = {}
	) {
		super(422, code, message, { ...where });
		this.name = 'InteropError';
	}
}

/** Throws a malformed-file error that names the line (1-based). */
export function failAt(format: TranscriptFormat, line: number, message: string): never {
	throw new InteropError('malformed_file', `line ${line}: ${message}`, { format, line });
}

// C0 controls other than TAB/LF (CR is turned into LF first) and DEL are illegal in XML 1.0 and
// meaningless in a transcript; lone surrogates cannot be encoded as UTF-8.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

/**
 * NFC, LF line ends, no control characters, no lone surrogates. Every reader and writer uses it,
 * on every label of every file, so text that needs nothing (most of it) is returned as it is
 * after a scan or two: ASCII is already NFC.
 */
export function cleanText(text: string): string {
	if (text === '') return text;
	let out = text;
	if (NEEDS_CLEANING.test(out)) {
		if (out.includes('\r')) out = out.replace(/\r\n?/g, '\n');
		out = out.replace(CONTROL_CHARS, '');
	}
	if (ASCII.test(out)) return out;
	return out.toWellFormed().normalize('NFC');
}

/** Seconds (float) → integer ms, rounded once (half up), so 1.0005 s is 1001 ms. */
export function secondsToMs(seconds: number): number {
	return Math.round(seconds * 1000 + 1e-9);
}

/** An empty document of a format, for readers to fill. */
export function emptyDocument(format: TranscriptFormat): InteropDocument {
	return { format, durationMs: null, speakers: [], layers: [], segments: [], events: [], dialects: [], media: null, warnings: [] };
}

/**
 * Fills `speakers` and `layers` from the segments (keeping entries already there first, in order)
 * and sorts segments by start, end, speaker: the order every reader returns.
 */
export function finishDocument(doc: InteropDocument): InteropDocument {
	const speakers = new Map(doc.speakers.map((s) => [s.code, s]));
	const layers = new Set(doc.layers);
	for (const segment of doc.segments) {
		if (segment.speaker !== null && !speakers.has(segment.speaker)) {
			speakers.set(segment.speaker, { code: segment.speaker, name: segment.speaker });
		}
		for (const key of Object.keys(segment.texts)) layers.add(key);
	}
	doc.speakers = [...speakers.values()];
	doc.layers = [...layers];
	doc.segments.sort(compareSegments);
	doc.events.sort((a, b) => a.startMs - b.startMs || (a.endMs ?? a.startMs) - (b.endMs ?? b.startMs));
	return doc;
}

export function compareSegments(a: InteropSegment, b: InteropSegment): number {
	return (
		a.startMs - b.startMs ||
		a.endMs - b.endMs ||
		(a.speaker ?? '').localeCompare(b.speaker ?? '', 'en') ||
		0
	);
}

/** Drops empty texts and cleans the rest, so `{ transcript: '' }` and `{}` mean the same. */
export function compactTexts(texts: Record<string, string | null | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(texts)) {
		if (value === null || value === undefined) continue;
		const text = cleanText(value);
		if (text.trim() !== '') out[key] = text;
	}
	return out;
}

/** The latest time any segment or event reaches (ms), 0 for an empty document. */
export function maxTimeMs(doc: Pick<InteropDocument, 'segments' | 'events'>): number {
	let max = 0;
	for (const s of doc.segments) if (s.endMs > max) max = s.endMs;
	for (const e of doc.events) max = Math.max(max, e.endMs ?? e.startMs);
	return max;
}

/**
 * Fits a document to a recording of `durationMs`: segments and spans ending after it are cut at
 * the end, those starting at or after it are removed; each change is a warning (never silent).
 * Returns a new document; the input is not changed.
 */
export function clipToDuration(doc: InteropDocument, durationMs: number): InteropDocument {
	const warnings = [...doc.warnings];
	let cut = 0;
	let removed = 0;
	const segments: InteropSegment[] = [];
	for (const s of doc.segments) {
		if (s.startMs >= durationMs) removed++;
		else if (s.endMs > durationMs) {
			cut++;
			segments.push({ ...s, endMs: durationMs, words: s.words?.filter((w) => w.startMs < durationMs).map((w) => ({ ...w, endMs: Math.min(w.endMs, durationMs) })) });
		} else segments.push(s);
	}
	const events = doc.events
		.filter((e) => e.startMs < durationMs)
		.map((e) => (e.endMs !== null && e.endMs > durationMs ? { ...e, endMs: durationMs } : e));
	const droppedEvents = doc.events.length - events.length;
	if (cut > 0 || removed > 0 || droppedEvents > 0) {
		warnings.push({
			code: 'clipped_to_recording',
			message:
				`The transcript reaches ${formatMs(maxTimeMs(doc))} but the recording is ${formatMs(durationMs)} long: ` +
				`${cut} segment(s) cut at the end, ${removed} segment(s) and ${droppedEvents} event(s) after it removed.`
		});
	}
	return { ...doc, durationMs, segments, events, warnings };
}

/** `h:mm:ss.mmm` for messages. */
export function formatMs(ms: number): string {
	const h = Math.floor(ms / 3_600_000);
	const m = Math.floor((ms % 3_600_000) / 60_000);
	const s = Math.floor((ms % 60_000) / 1000);
	return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

export interface DialectTagRef {
	id: string;
	code: string;
	nameEn: string;
	nameZh: string;
}

/**
 * Maps the dialect values of a document onto a project's tags: a value matches a tag by code,
 * then by English or Chinese name (case-insensitive); an EAF vocabulary entry matches when any of
 * its values or descriptions does. Unmatched values are returned for the preview to show.
 */
export function resolveDialectTags(
	doc: Pick<InteropDocument, 'segments' | 'dialects'>,
	tags: DialectTagRef[]
): { byValue: Map<string, DialectTagRef>; unmatched: string[] } {
	const index = new Map<string, DialectTagRef>();
	for (const tag of tags) {
		for (const key of [tag.nameZh, tag.nameEn, tag.code]) index.set(key.trim().toLowerCase(), tag);
	}
	const lookup = (value: string): DialectTagRef | undefined => {
		const direct = index.get(value.trim().toLowerCase());
		if (direct) return direct;
		const entry = doc.dialects.find((e) => e.id === value || e.values.some((v) => v.value === value));
		for (const v of entry?.values ?? []) {
			const hit = index.get(v.value.trim().toLowerCase()) ?? (v.description ? index.get(v.description.trim().toLowerCase()) : undefined);
			if (hit) return hit;
		}
		return undefined;
	};
	const byValue = new Map<string, DialectTagRef>();
	const unmatched = new Set<string>();
	for (const segment of doc.segments) {
		const value = segment.dialect;
		if (value === null || byValue.has(value) || unmatched.has(value)) continue;
		const tag = lookup(value);
		if (tag) byValue.set(value, tag);
		else unmatched.add(value);
	}
	return { byValue, unmatched: [...unmatched] };
}

/**
 * Joins strings into chunks of about `size` characters, so a writer yields a few large strings
 * instead of millions of small ones (or one huge one).
 */
export function* chunked(parts: Iterable<string>, size = 64 * 1024): Generator<string> {
	let buffer = '';
	for (const part of parts) {
		// A part that would overfill the chunk goes into the next one (a large part is a chunk of its own).
		if (buffer !== '' && buffer.length + part.length > size) {
			yield buffer;
			buffer = '';
		}
		buffer += part;
		if (buffer.length >= size) {
			yield buffer;
			buffer = '';
		}
	}
	if (buffer !== '') yield buffer;
}

/** Collects a writer's chunks into one string (tests and small exports). */
export async function collect(chunks: Iterable<string> | AsyncIterable<string>): Promise<string> {
	let out = '';
	for await (const chunk of chunks) out += chunk;
	return out;
}

/** Checks what every writer needs of a segment: integer times, `end > start`, non-negative. */
export function assertWritableSegment(segment: InteropSegment, index: number): void {
	const { startMs, endMs } = segment;
	if (!Number.isInteger(startMs) || !Number.isInteger(endMs) || startMs < 0 || endMs <= startMs) {
		throw new InteropError(
			'invalid_segment',
			`segment ${index + 1} (${startMs}–${endMs} ms): times must be integer milliseconds with end after start`
		);
	}
}
