import { decodeTextBytes } from './decode.ts';
import {
	DEFAULT_LAYER,
	InteropError,
	assertWritableSegment,
	chunked,
	cleanText,
	emptyDocument,
	failAt,
	finishDocument,
	type InteropDocument,
	type InteropSegment
} from './model.ts';

/**
 * SubRip (.srt). No formal standard: numbered blocks, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text lines,
 * a blank line. Speakers are a `[SPK] ` prefix (the usual convention; `<v SPK>` is read too).
 */

/** `h:mm:ss` + separator + `mmm` from integer ms (rounded to ms before splitting, so never `:60`). */
export function formatClock(ms: number, separator: ',' | '.', hourDigits = 2): string {
	const h = Math.floor(ms / 3_600_000);
	const m = Math.floor((ms % 3_600_000) / 60_000);
	const s = Math.floor((ms % 60_000) / 1000);
	return `${String(h).padStart(hourDigits, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${separator}${String(ms % 1000).padStart(3, '0')}`;
}

/** `[h:]mm:ss[.,]fff` → ms, or null. Fractions of 1–3 digits are fractions (`,5` is 500 ms). */
export function parseClock(text: string): number | null {
	const m = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(text.trim());
	if (!m) return null;
	const [, h, min, s, frac] = m;
	if (Number(min) > 59 || Number(s) > 59) return null;
	return (Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s)) * 1000 + Number((frac ?? '0').padEnd(3, '0'));
}

const TIMING = /^\s*(\S+)\s*-->\s*(\S+)(.*)$/;
const FORMATTING_TAG = /<\/?(?:i|b|u|s|font)(?:\s[^>]*)?>|\{\\[^}]*\}/gi;

/** Splits decoded subtitle text into blocks of lines separated by blank lines, keeping line numbers. */
export function subtitleBlocks(text: string): { line: number; lines: string[] }[] {
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	const blocks: { line: number; lines: string[] }[] = [];
	let current: { line: number; lines: string[] } | null = null;
	lines.forEach((raw, i) => {
		if (raw.trim() === '') {
			current = null;
			return;
		}
		if (!current) blocks.push((current = { line: i + 1, lines: [] }));
		current.lines.push(raw);
	});
	return blocks;
}

/** Splits a cue's lines by speaker prefix: `[A] …` / `<v A>…` lines start a speaker's part. */
function speakerParts(lines: string[]): { speaker: string | null; text: string }[] {
	const parts: { speaker: string | null; text: string }[] = [];
	for (const line of lines) {
		const m = /^\s*(?:\[([^\]\n]{1,64})\]|<v(?:\.[^\s>]*)?\s+([^>]{1,64})>)\s?(.*)$/.exec(line);
		if (m) parts.push({ speaker: (m[1] ?? m[2]).trim(), text: m[3].replace(/<\/v>/g, '') });
		else if (parts.length > 0) parts[parts.length - 1].text += `\n${line}`;
		else parts.push({ speaker: null, text: line });
	}
	// Merge consecutive lines of one speaker (a two-line cue of one person).
	const merged: { speaker: string | null; text: string }[] = [];
	for (const p of parts) {
		const last = merged[merged.length - 1];
		if (last && last.speaker === p.speaker) last.text += `\n${p.text}`;
		else merged.push({ ...p });
	}
	return merged;
}

/** Reads an SRT file; a block without a timing line is an error naming its line. */
export function readSrt(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('srt');
	const { text } = decodeTextBytes(bytes, 'srt', doc.warnings);
	let stripped = 0;
	for (const block of subtitleBlocks(text)) {
		let at = 0;
		if (/^\s*\d+\s*$/.test(block.lines[0]) && block.lines.length > 1) at = 1;
		const timing = TIMING.exec(block.lines[at]);
		if (!timing) failAt('srt', block.line + at, `expected a timing line "00:00:01,000 --> 00:00:02,000", found "${block.lines[at].slice(0, 60)}"`);
		const start = parseClock(timing[1]);
		const end = parseClock(timing[2]);
		if (start === null) failAt('srt', block.line + at, `"${timing[1]}" is not a time (HH:MM:SS,mmm)`);
		if (end === null) failAt('srt', block.line + at, `"${timing[2]}" is not a time (HH:MM:SS,mmm)`);
		if (end <= start) {
			doc.warnings.push({ code: 'non_positive_cue', message: `line ${block.line + at}: the cue ends at or before its start and was skipped.`, line: block.line + at });
			continue;
		}
		const lines = block.lines.slice(at + 1).map((l) => {
			const clean = l.replace(FORMATTING_TAG, '');
			if (clean !== l) stripped++;
			return clean;
		});
		for (const part of speakerParts(lines)) {
			const value = cleanText(part.text).trim();
			if (value === '') continue;
			doc.segments.push({
				startMs: start,
				endMs: end,
				speaker: part.speaker,
				dialect: null,
				texts: { [DEFAULT_LAYER]: value },
				status: null,
				origin: 'human',
				source: `cue on line ${block.line}`
			});
		}
	}
	if (stripped > 0) doc.warnings.push({ code: 'formatting_removed', message: `Formatting tags (<i>, <b>, <font>…) were removed from ${stripped} line(s).` });
	return finishDocument(doc);
}

export interface SubtitleWriteOptions {
	/** The layer whose text the cues show (default `transcript`). */
	layer?: string;
	/** Prefix cues with the speaker (default true). */
	speakers?: boolean;
}

/** One cue line set: blank lines removed (they would end the cue), text cleaned. */
export function cueLines(text: string): string[] {
	return cleanText(text)
		.split('\n')
		.map((l) => l.replace(/\s+$/, ''))
		.filter((l) => l.trim() !== '');
}

/**
 * Writes SRT: 1-based consecutive numbers, comma milliseconds, `[SPK] ` prefixes, LF. Segments
 * without text are skipped (an empty cue breaks players). Overlapping segments (two speakers at
 * once) are merged into one cue spanning them, one line per speaker, since SRT cues must not
 * overlap. `-->` inside text becomes `->`, the one sequence that would break a block.
 */
export function* writeSrt(input: { segments: readonly InteropSegment[] }, options: SubtitleWriteOptions = {}): Generator<string> {
	yield* chunked(srtParts(input, options));
}

function* srtParts(input: { segments: readonly InteropSegment[] }, options: SubtitleWriteOptions): Generator<string> {
	const layer = options.layer ?? DEFAULT_LAYER;
	input.segments.forEach(assertWritableSegment);
	const withText = input.segments
		.filter((s) => cueLines(s.texts[layer] ?? '').length > 0)
		.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
	let index = 0;
	for (let i = 0; i < withText.length; ) {
		const cluster = [withText[i]];
		let end = withText[i].endMs;
		let j = i + 1;
		while (j < withText.length && withText[j].startMs < end) {
			cluster.push(withText[j]);
			end = Math.max(end, withText[j].endMs);
			j++;
		}
		i = j;
		if (end >= 100 * 3_600_000) throw new InteropError('invalid_segment', 'SRT times stop at 99:59:59,999; the transcript runs longer.');
		const lines: string[] = [];
		for (const s of cluster) {
			const text = cueLines(s.texts[layer]!).map((l) => l.replaceAll('-->', '->'));
			if (options.speakers !== false && s.speaker !== null) text[0] = `[${s.speaker}] ${text[0]}`;
			lines.push(...text);
		}
		index++;
		yield `${index}\n${formatClock(cluster[0].startMs, ',')} --> ${formatClock(end, ',')}\n${lines.join('\n')}\n\n`;
	}
}
