import { decodeXmlBytes } from './decode.ts';
import {
	DEFAULT_LAYER,
	InteropError,
	cleanText,
	emptyDocument,
	finishDocument,
	secondsToMs,
	type InteropDocument,
	type InteropEvent,
	type InteropSegment
} from './model.ts';
import { childElements, parseXml, where, type XmlElement } from './xml.ts';

/**
 * Transcriber (.trs, DTD trans-14) reader.
 *
 * - `<Speakers>` become speakers (id → code, name; dialect/accent/type/check kept as attributes).
 * - Each stretch of a `<Turn>` between `<Sync time>` points (and the turn's end) is a segment of
 *   the turn's speaker. A turn of several speakers (`speaker="spk1 spk2"`, overlapping speech)
 *   switches speaker at each `<Who nb="n"/>`: every speaker gets its own segment with the same times.
 * - `<Event>` (noise, lexical, pronounce, entities) and `<Comment>` become events: instantaneous
 *   ones as points, `extent="begin"`…`"end"` pairs as spans; their text stays out of the transcript.
 * - The declared XML encoding is honoured (ISO-8859-1 is common); an unknown one is refused by name.
 * - Stretches with no text (silences between Syncs) are not segments; their count is a warning.
 */
export function readTrs(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('trs');
	const { text } = decodeXmlBytes(bytes, 'trs');
	const root = parseXml(text, 'trs');
	if (root.name !== 'Trans') {
		throw new InteropError('unsupported_format', `The root element is <${root.name}>, not <Trans>: not a Transcriber file.`, {
			format: 'trs',
			element: root.name,
			line: root.line
		});
	}
	const fail = (element: XmlElement, message: string): never => {
		throw new InteropError('malformed_file', `${where(element)}: ${message}`, { format: 'trs', element: element.name, line: element.line });
	};
	const time = (element: XmlElement, attr: string): number => {
		const raw = element.attrs[attr];
		if (raw === undefined) fail(element, `the ${attr} attribute is missing`);
		const value = Number(raw);
		if (raw!.trim() === '' || !Number.isFinite(value) || value < 0) fail(element, `${attr}="${raw}" is not a time in seconds`);
		return secondsToMs(value);
	};

	doc.media = root.attrs.audio_filename ?? null;
	const known = new Set<string>();
	for (const speakers of childElements(root, 'Speakers')) {
		for (const s of childElements(speakers, 'Speaker')) {
			const id = s.attrs.id ?? fail(s, 'a Speaker needs an id');
			const attributes: Record<string, string> = {};
			for (const key of ['dialect', 'accent', 'type', 'check', 'scope']) if (s.attrs[key]) attributes[key] = s.attrs[key];
			doc.speakers.push({ code: id, name: cleanText(s.attrs.name ?? '').trim() || id, attributes });
			known.add(id);
		}
	}

	let emptyStretches = 0;
	let sectionEnd = 0;
	const openEvents = new Map<string, InteropEvent>();
	for (const episode of childElements(root, 'Episode')) {
		for (const section of childElements(episode, 'Section')) {
			const sectionStart = time(section, 'startTime');
			const end = time(section, 'endTime');
			if (end < sectionStart) fail(section, `endTime is before startTime`);
			sectionEnd = Math.max(sectionEnd, end);
			for (const turn of childElements(section, 'Turn')) {
				const turnStart = time(turn, 'startTime');
				const turnEnd = time(turn, 'endTime');
				if (turnEnd < turnStart) fail(turn, 'endTime is before startTime');
				const speakers = (turn.attrs.speaker ?? '').split(/\s+/).filter(Boolean);
				for (const s of speakers) {
					if (!known.has(s)) {
						doc.warnings.push({ code: 'unknown_speaker', message: `${where(turn)} names speaker "${s}", which <Speakers> does not declare.`, line: turn.line, element: 'Turn' });
						doc.speakers.push({ code: s, name: s });
						known.add(s);
					}
				}
				// Walk the turn's mixed content: Sync starts a stretch, Who switches speaker, text accumulates.
				let stretchStart = turnStart;
				let who = 0; // index into speakers; 0 also for single-speaker turns
				let texts = new Map<number, string>();
				const flush = (at: number, element: XmlElement) => {
					if (at < stretchStart) fail(element, `time ${at / 1000} s goes back before ${stretchStart / 1000} s`);
					let any = false;
					for (const [index, raw] of texts) {
						const value = raw.replace(/[ \t\n]+/g, ' ').trim();
						if (value === '') continue;
						any = true;
						if (at === stretchStart) {
							doc.warnings.push({ code: 'zero_length_stretch', message: `${where(element)}: text "${value.slice(0, 30)}" has no duration and was not imported.`, line: element.line });
							continue;
						}
						const segment: InteropSegment = {
							startMs: stretchStart,
							endMs: at,
							speaker: speakers[index] ?? null,
							dialect: null,
							texts: { [DEFAULT_LAYER]: value },
							status: null,
							origin: 'human',
							source: `Turn on line ${turn.line}`
						};
						doc.segments.push(segment);
					}
					if (!any && at > stretchStart) emptyStretches++;
					texts = new Map();
					stretchStart = at;
				};
				const addText = (value: string) => texts.set(who, (texts.get(who) ?? '') + value);
				const walk = (element: XmlElement) => {
					for (const child of element.children) {
						if (typeof child === 'string') {
							addText(cleanText(child));
							continue;
						}
						if (child.name === 'Sync') {
							flush(time(child, 'time'), child);
						} else if (child.name === 'Who') {
							const nb = Number(child.attrs.nb);
							if (!Number.isInteger(nb) || nb < 1 || (speakers.length > 0 && nb > speakers.length)) {
								fail(child, `nb="${child.attrs.nb}" does not name one of the turn's ${speakers.length} speaker(s)`);
							}
							who = nb - 1;
						} else if (child.name === 'Event' || child.name === 'Comment' || child.name === 'Background') {
							addEvent(child, stretchStart, speakers[who] ?? null);
							// Keep word boundaries where an event sat between words.
							addText(' ');
						} else {
							walk(child);
						}
					}
				};
				const addEvent = (el: XmlElement, at: number, speaker: string | null) => {
					const kind = el.name === 'Event' ? (el.attrs.type ?? 'noise') : el.name.toLowerCase();
					const desc = cleanText(el.attrs.desc ?? el.attrs.type ?? '');
					const extent = el.attrs.extent ?? 'instantaneous';
					const eventTime = el.name === 'Background' && el.attrs.time ? time(el, 'time') : at;
					const key = `${kind}\u0000${desc}`;
					if (extent === 'begin') {
						const event: InteropEvent = { startMs: eventTime, endMs: null, tier: kind, speaker, text: desc };
						openEvents.set(key, event);
						doc.events.push(event);
					} else if (extent === 'end') {
						const open = openEvents.get(key);
						if (open) {
							open.endMs = eventTime > open.startMs ? eventTime : null;
							openEvents.delete(key);
						} else doc.events.push({ startMs: eventTime, endMs: null, tier: kind, speaker, text: desc });
					} else {
						doc.events.push({ startMs: eventTime, endMs: null, tier: kind, speaker, text: desc });
					}
				};
				walk(turn);
				flush(turnEnd, turn);
			}
		}
	}
	if (emptyStretches > 0) {
		doc.warnings.push({ code: 'empty_stretches', message: `${emptyStretches} stretch(es) between Sync points have no text and were not made segments.` });
	}
	doc.durationMs = sectionEnd > 0 ? sectionEnd : null;
	return finishDocument(doc);
}
