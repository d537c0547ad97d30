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
	secondsToMs,
	type InteropDocument,
	type InteropEvent,
	type InteropSegment
} from './model.ts';
import {
	DIALECT_LAYER,
	STATUS_LAYER,
	formatTierName,
	mergeTiers,
	parseTierName,
	planTiers,
	type ReadTier
} from './tiers.ts';

/**
 * Praat TextGrid, long ("text file") and short formats, as Praat 6.3 reads and writes them.
 * Tier names follow the convention in tiers.ts (`SPK - transcript`, `SPK - dialect`, `SPK#2 - …`).
 */

type Token =
	| { kind: 'number'; value: number; line: number }
	| { kind: 'string'; value: string; line: number }
	| { kind: 'flag'; value: string; line: number };

/**
 * Praat's reader keeps only free-standing numbers, "strings" (with `""` for a quote) and <flags>;
 * labels (`xmin =`, `item [1]:`) and `!` comments are skipped, so long and short files are the same
 * token stream.
 */
class Tokenizer {
	private pos = 0;
	private line = 1;
	/** Line of the last token read: where an early end of text is reported. */
	lastLine = 1;
	constructor(private readonly text: string) {}

	next(): Token | null {
		const token = this.scan();
		if (token) this.lastLine = token.line;
		return token;
	}

	private scan(): Token | null {
		const text = this.text;
		const n = text.length;
		while (this.pos < n) {
			const c = text.charCodeAt(this.pos);
			if (c === 10) {
				this.line++;
				this.pos++;
			} else if (c === 32 || c === 9 || c === 13 || c === 12 || c === 0xfeff) {
				this.pos++;
			} else if (c === 33 /* ! */) {
				while (this.pos < n && text.charCodeAt(this.pos) !== 10) this.pos++;
			} else if (c === 34 /* " */) {
				return this.readString();
			} else if (c === 60 /* < */) {
				const end = text.indexOf('>', this.pos);
				const line = this.line;
				if (end === -1) failAt('textgrid', line, 'a <flag> is not closed');
				const value = text.slice(this.pos + 1, end);
				this.pos = end + 1;
				return { kind: 'flag', value, line };
			} else if (c === 91 /* [ */) {
				// `item [1]:`, `intervals [3]:` — the index in brackets is a label, not data.
				while (this.pos < n && text.charCodeAt(this.pos) !== 93 && text.charCodeAt(this.pos) !== 10) this.pos++;
				this.pos++;
			} else if ((c >= 48 && c <= 57) || ((c === 45 || c === 43) && isDigit(text.charCodeAt(this.pos + 1)))) {
				const start = this.pos;
				while (this.pos < n && !isSpace(text.charCodeAt(this.pos))) this.pos++;
				const raw = text.slice(start, this.pos);
				const value = Number(raw);
				if (!Number.isFinite(value)) failAt('textgrid', this.line, `"${raw}" is not a number`);
				return { kind: 'number', value, line: this.line };
			} else {
				// A label word: skip it.
				while (this.pos < n) {
					const d = text.charCodeAt(this.pos);
					if (isSpace(d) || d === 34 || d === 33 || d === 60 || d === 91) break;
					this.pos++;
				}
			}
		}
		return null;
	}

	private readString(): Token {
		const text = this.text;
		const line = this.line;
		let out = '';
		let from = ++this.pos;
		for (;;) {
			const q = text.indexOf('"', this.pos);
			if (q === -1) failAt('textgrid', line, 'a "string" is not closed before the end of the file');
			if (text.charCodeAt(q + 1) === 34) {
				out += text.slice(from, q + 1);
				this.pos = q + 2;
				from = this.pos;
				continue;
			}
			out += text.slice(from, q);
			this.pos = q + 1;
			break;
		}
		for (let i = 0; i < out.length; i++) if (out.charCodeAt(i) === 10) this.line++;
		return { kind: 'string', value: out, line };
	}
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
	return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

export interface RawTextGrid {
	xmin: number;
	xmax: number;
	tiers: RawTier[];
}

export type RawTier =
	| { class: 'IntervalTier'; name: string; xmin: number; xmax: number; intervals: { xmin: number; xmax: number; text: string; line: number }[]; line: number }
	| { class: 'TextTier'; name: string; xmin: number; xmax: number; points: { time: number; mark: string; line: number }[]; line: number };

/** Parses the TextGrid token stream into tiers (seconds as in the file); errors name the line. */
export function parseTextGrid(text: string): RawTextGrid {
	if (text.startsWith('"Praat chronological TextGrid text file"')) {
		throw new InteropError('unsupported_format', 'Chronological TextGrid files are not supported: in Praat, save the TextGrid as a text file instead.', {
			format: 'textgrid'
		});
	}
	const tokens = new Tokenizer(text);
	const take = (what: string): Token => {
		const token = tokens.next();
		if (!token) failAt('textgrid', tokens.lastLine, `the file ends after this line, where ${what} was expected (early end of text)`);
		return token;
	};
	const str = (what: string): string => {
		const t = take(what);
		if (t.kind !== 'string') failAt('textgrid', t.line, `expected ${what} as a "string", found ${describe(t)}`);
		return t.value;
	};
	const num = (what: string): number => {
		const t = take(what);
		if (t.kind !== 'number') failAt('textgrid', t.line, `expected ${what} (a number), found ${describe(t)}`);
		return t.value;
	};
	const count = (what: string): number => {
		const t = take(what);
		if (t.kind !== 'number' || !Number.isInteger(t.value) || t.value < 0) failAt('textgrid', t.line, `expected ${what} (a count), found ${describe(t)}`);
		return t.value;
	};

	const fileType = str('the file type ("ooTextFile")');
	let objectClass: string;
	if (fileType === 'ooTextFile') objectClass = str('the object class ("TextGrid")');
	else if (fileType === 'ooTextFile short') objectClass = str('the object class ("TextGrid")');
	else throw new InteropError('unsupported_format', `line 1: not a Praat text file (file type "${fileType}")`, { format: 'textgrid', line: 1 });
	if (objectClass !== 'TextGrid') {
		throw new InteropError('unsupported_format', `The Praat file holds a ${objectClass}, not a TextGrid.`, { format: 'textgrid', line: 2 });
	}
	const xmin = num('the start time of the TextGrid (xmin)');
	const xmax = num('the end time of the TextGrid (xmax)');
	const flag = take('<exists> or <absent>');
	if (flag.kind !== 'flag') failAt('textgrid', flag.line, `expected <exists> or <absent>, found ${describe(flag)}`);
	const tiers: RawTier[] = [];
	if (flag.value === 'exists') {
		const size = count('the number of tiers');
		for (let t = 1; t <= size; t++) {
			const classToken = take(`the class of tier ${t}`);
			if (classToken.kind !== 'string') failAt('textgrid', classToken.line, `expected the class of tier ${t}, found ${describe(classToken)}`);
			const line = classToken.line;
			const name = str(`the name of tier ${t}`);
			const label = `tier ${t} ("${name}")`;
			const tierMin = num(`the start time of ${label}`);
			const tierMax = num(`the end time of ${label}`);
			if (classToken.value === 'IntervalTier') {
				const n = count(`the number of intervals of ${label}`);
				const intervals: { xmin: number; xmax: number; text: string; line: number }[] = new Array(n);
				for (let i = 0; i < n; i++) {
					const startToken = take(`the start of interval ${i + 1} of ${label}`);
					if (startToken.kind !== 'number') failAt('textgrid', startToken.line, `expected the start of interval ${i + 1} of ${label}, found ${describe(startToken)}`);
					const end = num(`the end of interval ${i + 1} of ${label}`);
					const textValue = str(`the text of interval ${i + 1} of ${label}`);
					intervals[i] = { xmin: startToken.value, xmax: end, text: textValue, line: startToken.line };
				}
				tiers.push({ class: 'IntervalTier', name, xmin: tierMin, xmax: tierMax, intervals, line });
			} else if (classToken.value === 'TextTier') {
				const n = count(`the number of points of ${label}`);
				const points: { time: number; mark: string; line: number }[] = new Array(n);
				for (let i = 0; i < n; i++) {
					const timeToken = take(`the time of point ${i + 1} of ${label}`);
					if (timeToken.kind !== 'number') failAt('textgrid', timeToken.line, `expected the time of point ${i + 1} of ${label}, found ${describe(timeToken)}`);
					points[i] = { time: timeToken.value, mark: str(`the mark of point ${i + 1} of ${label}`), line: timeToken.line };
				}
				tiers.push({ class: 'TextTier', name, xmin: tierMin, xmax: tierMax, points, line });
			} else {
				failAt('textgrid', line, `tier ${t} has an unknown class "${classToken.value}" (expected "IntervalTier" or "TextTier")`);
			}
		}
	} else if (flag.value !== 'absent') {
		failAt('textgrid', flag.line, `expected <exists> or <absent>, found <${flag.value}>`);
	}
	return { xmin, xmax, tiers };
}

function describe(token: Token): string {
	if (token.kind === 'string') return `the string "${token.value.slice(0, 40)}"`;
	if (token.kind === 'flag') return `<${token.value}>`;
	return `the number ${token.value}`;
}

/**
 * Reads a TextGrid (long or short text format; UTF-8, UTF-16 LE/BE with BOM, or Latin-1) into the
 * model. Interval tiers become speakers and layers by the tier-name convention; point tiers become
 * events; zero-length intervals that carry text are reported, not silently lost.
 */
export function readTextGrid(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('textgrid');
	const { text } = decodeTextBytes(bytes, 'textgrid', doc.warnings);
	if (text.startsWith('ooBinaryFile')) {
		throw new InteropError('unsupported_format', 'Binary TextGrid files are not supported: in Praat, save the TextGrid as a text file.', {
			format: 'textgrid'
		});
	}
	const raw = parseTextGrid(text);
	doc.durationMs = secondsToMs(raw.xmax);
	const readTiers: ReadTier[] = [];
	let zeroLength = 0;
	for (const tier of raw.tiers) {
		const parsed = parseTierName(tier.name);
		if (tier.class === 'TextTier') {
			for (const point of tier.points) {
				const event: InteropEvent = {
					startMs: secondsToMs(point.time),
					endMs: null,
					tier: tier.name,
					speaker: parsed.conventional ? parsed.speaker : null,
					text: cleanText(point.mark)
				};
				doc.events.push(event);
			}
			continue;
		}
		const intervals = [];
		for (let i = 0; i < tier.intervals.length; i++) {
			const iv = tier.intervals[i];
			const startMs = secondsToMs(iv.xmin);
			const endMs = secondsToMs(iv.xmax);
			if (endMs <= startMs) {
				if (iv.text.trim() !== '') zeroLength++;
				continue;
			}
			intervals.push({ startMs, endMs, text: iv.text, source: `tier "${tier.name}" interval ${i + 1} (line ${iv.line})` });
		}
		readTiers.push({ name: tier.name, speaker: parsed.speaker, lane: parsed.lane, layer: parsed.layer, intervals });
	}
	// An empty tier is worth a word when it leaves its speaker with nothing (a tier someone forgot to
	// fill); the empty overflow and layer tiers a tier-per-layer export writes are not.
	const hasText = (t: RawTier) => (t.class === 'IntervalTier' ? t.intervals.some((iv) => iv.text.trim() !== '') : t.points.length > 0);
	const speakerOf = (t: RawTier) => (t.class === 'IntervalTier' ? parseTierName(t.name).speaker : `\u0000${t.name}`);
	const speakersWithText = new Set(raw.tiers.filter(hasText).map(speakerOf));
	const empty = raw.tiers.filter((t) => !hasText(t) && !speakersWithText.has(speakerOf(t)));
	if (empty.length > 0) {
		doc.warnings.push({
			code: 'empty_tier',
			message: `${empty.length} tier(s) hold no text: ${empty.map((t) => `"${t.name}"`).join(', ')}.`,
			element: empty.map((t) => t.name).join(', ')
		});
	}
	if (zeroLength > 0) {
		doc.warnings.push({
			code: 'zero_length_interval',
			message: `${zeroLength} interval(s) with text are shorter than 1 ms and were not imported.`
		});
	}
	doc.segments = mergeTiers(readTiers, 'human', doc.warnings);
	return finishDocument(doc);
}

export interface TextGridWriteOptions {
	/** The recording's duration: the grid spans [0, durationMs] (extended if a segment ends later). */
	durationMs: number;
	/** Text layer keys, one interval tier each per speaker (default: `['transcript']`). */
	layers?: readonly string[];
	/** Speaker order of the tiers; speakers not listed follow in order of their first segment. */
	speakers?: readonly string[];
	/** Write a `SPK - dialect` tier per speaker (default: when any segment has a dialect tag). */
	dialectTier?: boolean;
	/** Write a `SPK - status` tier per speaker (default true). It also keeps segments with no text. */
	statusTier?: boolean;
	/** Same-speaker overlaps: overflow tiers `SPK#2 - …` (default) or an error. */
	overlaps?: 'overflow' | 'error';
}

/**
 * Writes a TextGrid in Praat's long text format, byte for byte as Praat 6.3 writes it (trailing
 * spaces, indentation, shortest round-trip numbers, `""` for a quote), UTF-8 without BOM, LF.
 * Every interval tier tiles [0, xmax] with empty intervals in the gaps. Events become point tiers
 * named by their `tier` (a span is written as a point at its start). Yields chunks of ~64 KB.
 *
 * @example
 * const text = await collect(writeTextGrid({ segments, events: [] }, { durationMs: 60_000, layers: ['transcript'] }));
 */
export function* writeTextGrid(
	input: { segments: readonly InteropSegment[]; events?: readonly InteropEvent[] },
	options: TextGridWriteOptions
): Generator<string> {
	yield* chunked(textGridParts(input, options));
}

function* textGridParts(
	input: { segments: readonly InteropSegment[]; events?: readonly InteropEvent[] },
	options: TextGridWriteOptions
): Generator<string> {
	const layers = options.layers && options.layers.length > 0 ? options.layers : [DEFAULT_LAYER];
	input.segments.forEach(assertWritableSegment);
	const events = [...(input.events ?? [])].sort((a, b) => a.startMs - b.startMs);
	let xmaxMs = options.durationMs;
	for (const s of input.segments) xmaxMs = Math.max(xmaxMs, s.endMs);
	for (const e of events) xmaxMs = Math.max(xmaxMs, e.endMs ?? e.startMs);
	if (!Number.isInteger(xmaxMs) || xmaxMs <= 0) {
		throw new InteropError('invalid_segment', `A TextGrid needs a positive integer duration in ms, got ${options.durationMs}.`);
	}
	const dialectTier = options.dialectTier ?? input.segments.some((s) => s.dialect !== null);
	const statusTier = options.statusTier ?? true;
	let plan = planTiers(input.segments, { layers, speakers: options.speakers, overlaps: options.overlaps });
	if (plan.length === 0) plan = [{ speaker: null, lane: 1, segments: [] }];

	const tierLayers = [...layers, ...(dialectTier ? [DIALECT_LAYER] : []), ...(statusTier ? [STATUS_LAYER] : [])];
	const eventTiers = new Map<string, InteropEvent[]>();
	for (const e of events) {
		let list = eventTiers.get(e.tier);
		if (!list) eventTiers.set(e.tier, (list = []));
		list.push(e);
	}
	const xmax = num(xmaxMs);
	yield `File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0 \nxmax = ${xmax} \ntiers? <exists> \nsize = ${plan.length * tierLayers.length + eventTiers.size} \nitem []: \n`;
	let item = 0;
	for (const lane of plan) {
		for (const layer of tierLayers) {
			item++;
			const intervals = tile(lane.segments, xmaxMs, (s) =>
				layer === DIALECT_LAYER ? (s.dialect ?? '') : layer === STATUS_LAYER ? (s.status ?? 'new') : (s.texts[layer] ?? '')
			);
			let out = `    item [${item}]:\n        class = "IntervalTier" \n        name = ${quote(formatTierName(lane.speaker, lane.lane, layer))} \n        xmin = 0 \n        xmax = ${xmax} \n        intervals: size = ${intervals.length} \n`;
			// Built here in ~64 KB pieces: a yield per interval (millions in a large export) costs more than the text.
			for (let i = 0; i < intervals.length; i++) {
				const [start, end, label] = intervals[i];
				out += `        intervals [${i + 1}]:\n            xmin = ${num(start)} \n            xmax = ${num(end)} \n            text = ${quote(label)} \n`;
				if (out.length >= 64 * 1024) {
					yield out;
					out = '';
				}
			}
			yield out;
		}
	}
	for (const [name, points] of eventTiers) {
		item++;
		yield `    item [${item}]:\n        class = "TextTier" \n        name = ${quote(name)} \n        xmin = 0 \n        xmax = ${xmax} \n        points: size = ${points.length} \n`;
		for (let i = 0; i < points.length; i++) {
			yield `        points [${i + 1}]:\n            number = ${num(points[i].startMs)} \n            mark = ${quote(points[i].text)} \n`;
		}
	}
}

/** [start, end, label] intervals tiling [0, xmax]: segments with empty fillers between them. */
function tile(segments: readonly InteropSegment[], xmaxMs: number, label: (s: InteropSegment) => string): [number, number, string][] {
	const out: [number, number, string][] = [];
	let at = 0;
	for (const s of segments) {
		if (s.startMs > at) out.push([at, s.startMs, '']);
		out.push([s.startMs, s.endMs, label(s)]);
		at = s.endMs;
	}
	if (at < xmaxMs) out.push([at, xmaxMs, '']);
	return out;
}

/** Seconds from integer ms in the shortest form that reads back exactly; Praat prints the same. */
function num(ms: number): string {
	return String(ms / 1000);
}

function quote(text: string): string {
	if (text === '') return '""';
	const clean = cleanText(text);
	return `"${clean.includes('"') ? clean.replaceAll('"', '""') : clean}"`;
}
