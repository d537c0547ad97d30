import { decodeTextBytes } from './decode.ts';
import {
	DEFAULT_LAYER,
	assertWritableSegment,
	chunked,
	cleanText,
	emptyDocument,
	failAt,
	finishDocument,
	type InteropDocument,
	type InteropSegment
} from './model.ts';
import { cueLines, formatClock, parseClock, subtitleBlocks, type SubtitleWriteOptions } from './srt.ts';

/**
 * WebVTT (W3C). Speakers are voice spans `<v Speaker>`; a cue with several voices gives one segment
 * per voice with the cue's times. NOTE, STYLE and REGION blocks and cue settings are skipped.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
		if (name[0] === '#') {
			const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
			return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
		}
		return ENTITIES[name.toLowerCase()] ?? whole;
	});
}

/** Cue payload → (voice, text) parts: `<v>` spans split it, other tags are dropped, entities decoded. */
export function parseCuePayload(payload: string): { speaker: string | null; text: string }[] {
	const parts: { speaker: string | null; text: string }[] = [];
	let current: { speaker: string | null; text: string } = { speaker: null, text: '' };
	const tag = /<(\/?)([a-zA-Z]+|\d[\d:.]*)([^>]*)>/g;
	let at = 0;
	for (let m = tag.exec(payload); m; m = tag.exec(payload)) {
		current.text += payload.slice(at, m.index);
		at = m.index + m[0].length;
		const [, closing, name, rest] = m;
		if (name === 'v') {
			if (closing) {
				parts.push(current);
				current = { speaker: null, text: '' };
			} else {
				parts.push(current);
				const annotation = rest.replace(/^(\.[^\s]*)?\s+/, '').trim();
				current = { speaker: annotation === '' ? null : decodeEntities(annotation), text: '' };
			}
		}
	}
	current.text += payload.slice(at);
	parts.push(current);
	const out: { speaker: string | null; text: string }[] = [];
	for (const p of parts) {
		const text = cleanText(decodeEntities(p.text)).trim();
		if (text === '') continue;
		const last = out[out.length - 1];
		if (last && last.speaker === p.speaker) last.text += `\n${text}`;
		else out.push({ speaker: p.speaker, text });
	}
	return out;
}

export function readWebVtt(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('webvtt');
	const { text } = decodeTextBytes(bytes, 'webvtt', doc.warnings);
	const blocks = subtitleBlocks(text);
	if (blocks.length === 0 || !/^WEBVTT(?:[ \t].*)?$/.test(blocks[0].lines[0]) || blocks[0].line !== 1) {
		failAt('webvtt', 1, 'a WebVTT file starts with the line "WEBVTT"');
	}
	let previousStart = -1;
	for (const block of blocks.slice(1)) {
		const first = block.lines[0];
		if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes('-->')) continue;
		let at = first.includes('-->') ? 0 : 1;
		if (at >= block.lines.length || !block.lines[at].includes('-->')) {
			failAt('webvtt', block.line + Math.min(at, block.lines.length - 1), `expected a cue timing line "00:00:01.000 --> 00:00:02.000", found "${(block.lines[at] ?? first).slice(0, 60)}"`);
		}
		const m = /^\s*(\S+)[ \t]+-->[ \t]+(\S+)(.*)$/.exec(block.lines[at]);
		const line = block.line + at;
		if (!m) failAt('webvtt', line, `"${block.lines[at].slice(0, 60)}" is not a cue timing line`);
		const start = parseClock(m[1]);
		const end = parseClock(m[2]);
		if (start === null || m[1].includes(',')) failAt('webvtt', line, `"${m[1]}" is not a WebVTT timestamp ([hh:]mm:ss.ttt)`);
		if (end === null || m[2].includes(',')) failAt('webvtt', line, `"${m[2]}" is not a WebVTT timestamp ([hh:]mm:ss.ttt)`);
		if (end <= start) {
			doc.warnings.push({ code: 'non_positive_cue', message: `line ${line}: the cue ends at or before its start and was skipped.`, line });
			continue;
		}
		if (start < previousStart) doc.warnings.push({ code: 'unordered_cues', message: `line ${line}: cue starts before the previous cue (kept).`, line });
		previousStart = start;
		at++;
		for (const part of parseCuePayload(block.lines.slice(at).join('\n'))) {
			doc.segments.push({
				startMs: start,
				endMs: end,
				speaker: part.speaker,
				dialect: null,
				texts: { [DEFAULT_LAYER]: part.text },
				status: null,
				origin: 'human',
				source: `cue on line ${block.line}`
			});
		}
	}
	return finishDocument(doc);
}

function escapeCue(text: string): string {
	return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * Writes WebVTT: `WEBVTT`, cues in start order (overlaps allowed), `hh:mm:ss.mmm`, speakers as
 * `<v SPK>` voice spans, `&`, `<`, `>` escaped (so `-->` cannot appear in a payload), no blank
 * lines inside a cue. Segments without text are skipped.
 */
export function* writeWebVtt(
	input: { segments: readonly InteropSegment[] },
	options: SubtitleWriteOptions & { note?: string } = {}
): Generator<string> {
	yield* chunked(webVttParts(input, options));
}

function* webVttParts(input: { segments: readonly InteropSegment[] }, options: SubtitleWriteOptions & { note?: string }): Generator<string> {
	const layer = options.layer ?? DEFAULT_LAYER;
	input.segments.forEach(assertWritableSegment);
	yield 'WEBVTT\n\n';
	if (options.note) {
		const lines = cueLines(options.note).map((l) => l.replaceAll('-->', '->'));
		if (lines.length > 0) yield `NOTE ${lines.join('\n')}\n\n`;
	}
	const cues = input.segments.filter((s) => cueLines(s.texts[layer] ?? '').length > 0).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
	for (const s of cues) {
		const lines = cueLines(s.texts[layer]!).map(escapeCue);
		const voice = options.speakers !== false && s.speaker !== null ? `<v ${escapeCue(s.speaker.replace(/\s+/g, ' '))}>` : '';
		yield `${formatClock(s.startMs, '.')} --> ${formatClock(s.endMs, '.')}\n${voice}${lines.join('\n')}\n\n`;
	}
}
