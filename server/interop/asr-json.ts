import { decodeTextBytes } from './decode.ts';
import {
	DEFAULT_LAYER,
	InteropError,
	cleanText,
	emptyDocument,
	finishDocument,
	secondsToMs,
	type InteropDocument,
	type InteropWord,
	type TranscriptFormat
} from './model.ts';

/**
 * ASR output as JSON, marked machine-made (origin `machine`) so review can measure post-editing.
 * Accepted shapes (times in seconds):
 * - Whisper / faster-whisper / WhisperX: `{ "language"?, "segments": [{ "start", "end", "text",
 *   "speaker"?, "words"?: [{ "word" | "text", "start", "end", "probability" | "score"? }] }] }`;
 * - a bare array of such segments;
 * - the Hugging Face pipeline's `{ "chunks": [{ "timestamp": [start, end], "text" }] }`.
 */
export function readAsrJson(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('asr-json');
	const { text } = decodeTextBytes(bytes, 'asr-json', doc.warnings);
	const value = parseJson(text, 'asr-json');
	let items: unknown[];
	let chunks = false;
	if (Array.isArray(value)) items = value;
	else if (isObject(value) && Array.isArray(value.segments)) items = value.segments;
	else if (isObject(value) && Array.isArray(value.chunks)) {
		items = value.chunks;
		chunks = true;
	} else {
		throw new InteropError('unsupported_format', 'Not an ASR result: expected {"segments": [...]} (Whisper), an array of segments, or {"chunks": [...]}.', {
			format: 'asr-json'
		});
	}
	if (isObject(value) && typeof value.language === 'string') doc.language = value.language;
	let skipped = 0;
	let untimedWords = 0;
	items.forEach((item, i) => {
		const where = `${chunks ? 'chunks' : 'segments'}[${i}]`;
		if (!isObject(item)) throw new InteropError('malformed_file', `${where} is not an object`, { format: 'asr-json', element: where });
		const [rawStart, rawEnd] = chunks && Array.isArray(item.timestamp) ? item.timestamp : [item.start, item.end];
		if (typeof rawStart !== 'number' || !Number.isFinite(rawStart) || rawStart < 0) {
			throw new InteropError('malformed_file', `${where}: the start time must be a number of seconds ≥ 0, got ${JSON.stringify(rawStart)}`, { format: 'asr-json', element: where });
		}
		if (typeof rawEnd !== 'number' || !Number.isFinite(rawEnd)) {
			throw new InteropError('malformed_file', `${where}: the end time must be a number of seconds, got ${JSON.stringify(rawEnd)}`, { format: 'asr-json', element: where });
		}
		const startMs = secondsToMs(rawStart);
		const endMs = secondsToMs(rawEnd);
		const textValue = typeof item.text === 'string' ? cleanText(item.text).trim() : '';
		if (endMs <= startMs || textValue === '') {
			skipped++;
			return;
		}
		const words: InteropWord[] = [];
		if (Array.isArray(item.words)) {
			for (const w of item.words) {
				if (!isObject(w)) continue;
				const wordText = typeof w.word === 'string' ? w.word : typeof w.text === 'string' ? w.text : '';
				if (typeof w.start !== 'number' || typeof w.end !== 'number') {
					untimedWords++;
					continue;
				}
				const confidence = [w.probability, w.score, w.confidence].find((c) => typeof c === 'number') as number | undefined;
				words.push({ startMs: secondsToMs(w.start), endMs: secondsToMs(w.end), text: cleanText(wordText).trim(), confidence: confidence ?? null });
			}
		}
		doc.segments.push({
			startMs,
			endMs,
			speaker: typeof item.speaker === 'string' && item.speaker.trim() !== '' ? item.speaker.trim() : null,
			dialect: null,
			texts: { [DEFAULT_LAYER]: textValue },
			status: null,
			origin: 'machine',
			...(words.length > 0 ? { words } : {}),
			source: where
		});
	});
	if (skipped > 0) doc.warnings.push({ code: 'skipped_segments', message: `${skipped} segment(s) without text or duration were skipped.` });
	if (untimedWords > 0) doc.warnings.push({ code: 'untimed_words', message: `${untimedWords} word(s) without start/end times were left out of the word timings.` });
	return finishDocument(doc);
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse whose error names the line and column. */
export function parseJson(text: string, format: TranscriptFormat): unknown {
	try {
		return JSON.parse(text);
	} catch (err) {
		const message = (err as Error).message;
		const position = /position (\d+)/.exec(message);
		if (position) {
			const before = text.slice(0, Number(position[1]));
			const line = before.split('\n').length;
			const column = before.length - before.lastIndexOf('\n');
			throw new InteropError('malformed_file', `line ${line}, column ${column}: invalid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`, { format, line });
		}
		throw new InteropError('malformed_file', `invalid JSON: ${message}`, { format });
	}
}
