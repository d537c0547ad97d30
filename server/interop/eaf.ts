import { decodeXmlBytes } from './decode.ts';
import {
	DEFAULT_LAYER,
	InteropError,
	assertWritableSegment,
	chunked,
	emptyDocument,
	finishDocument,
	type InteropDocument,
	type InteropSegment,
	type VocabularyEntry
} from './model.ts';
import {
	DIALECT_LAYER,
	RESERVED_LAYERS,
	STATUS_LAYER,
	formatTierName,
	mergeTiers,
	parseTierName,
	planTiers,
	type ReadTier,
	type TierInterval
} from './tiers.ts';
import { childElements, escapeXmlAttr, escapeXmlText, firstChild, parseXml, textContent, where, type XmlElement } from './xml.ts';

/**
 * ELAN EAF 2.x / 3.0.
 *
 * Reading: top-level (alignable) tiers are segments: the speaker is the tier's PARTICIPANT (else
 * the speaker of the tier name `SPK - layer`, else the tier id), the layer is the one the tier name
 * names, else `transcript`. Child tiers give layers of their parent's segments: a Symbolic
 * Association child is one text per parent annotation; subdivisions and included tiers are joined
 * with spaces (with a warning). A child tier called `… - dialect`, or one whose linguistic type uses
 * a vocabulary named like `dialect`, gives the segment's dialect tag; `… - status` its status.
 * Unaligned time slots are interpolated between their aligned neighbours; TIME_ORIGIN is added.
 *
 * Writing: EAF 3.0 valid against the MPI schema; one alignable tier per speaker (and overflow lane)
 * with the transcript, the other layers, the dialect tag and the status as Symbolic_Association
 * children, dialect tags and statuses as controlled vocabularies referenced by CVE_REF.
 */

const DIALECT_CV_PATTERN = /dialect|方言|variety|varieties/i;

interface Slot {
	id: string;
	value: number | null;
}

interface LinguisticType {
	id: string;
	constraints: string | null;
	cv: string | null;
	timeAlignable: boolean;
}

interface Annotation {
	id: string;
	tierId: string;
	element: XmlElement;
	value: string;
	cveRef: string | null;
	/** Alignable: slot ids; reference: the parent annotation id. */
	ts1?: string;
	ts2?: string;
	ref?: string;
}

/** Reads an EAF file into the model; structural errors name the element and its line. */
export function readEaf(bytes: Uint8Array): InteropDocument {
	const doc = emptyDocument('eaf');
	const { text } = decodeXmlBytes(bytes, 'eaf');
	const root = parseXml(text, 'eaf');
	if (root.name !== 'ANNOTATION_DOCUMENT') {
		throw new InteropError('unsupported_format', `The root element is <${root.name}>, not <ANNOTATION_DOCUMENT>: not an ELAN file.`, {
			format: 'eaf',
			element: root.name,
			line: root.line
		});
	}
	const fail = (element: XmlElement, message: string): never => {
		throw new InteropError('malformed_file', `${where(element)}: ${message}`, { format: 'eaf', element: element.name, line: element.line });
	};

	// Header: media and time origin.
	const header = firstChild(root, 'HEADER') ?? fail(root, 'the required <HEADER> is missing');
	const units = header.attrs.TIME_UNITS ?? 'milliseconds';
	if (units !== 'milliseconds') fail(header, `TIME_UNITS="${units}" is not supported (only milliseconds)`);
	let origin = 0;
	const media = childElements(header, 'MEDIA_DESCRIPTOR');
	const audio = media.find((m) => /^audio\//.test(m.attrs.MIME_TYPE ?? '')) ?? media[0];
	if (audio) {
		doc.media = audio.attrs.RELATIVE_MEDIA_URL || audio.attrs.MEDIA_URL || null;
		if (audio.attrs.TIME_ORIGIN) {
			origin = Number(audio.attrs.TIME_ORIGIN);
			if (!Number.isInteger(origin) || origin < 0) fail(audio, `TIME_ORIGIN="${audio.attrs.TIME_ORIGIN}" is not a number of milliseconds`);
		}
	}

	// Time slots, unaligned ones interpolated by their position in TIME_ORDER.
	const timeOrder = firstChild(root, 'TIME_ORDER') ?? fail(root, 'the required <TIME_ORDER> is missing');
	const slots: Slot[] = childElements(timeOrder, 'TIME_SLOT').map((el) => {
		const id = el.attrs.TIME_SLOT_ID ?? fail(el, 'TIME_SLOT_ID is missing');
		const raw = el.attrs.TIME_VALUE;
		if (raw === undefined || raw === '') return { id, value: null };
		const value = Number(raw);
		if (!Number.isFinite(value) || value < 0) fail(el, `TIME_VALUE="${raw}" is not a non-negative number of milliseconds`);
		return { id, value: Math.round(value) };
	});
	const unaligned = interpolateSlots(slots);
	if (unaligned > 0) {
		doc.warnings.push({
			code: 'unaligned_time_slots',
			message: `${unaligned} unaligned time slot(s) were placed evenly between their aligned neighbours.`
		});
	}
	const slotTime = new Map(slots.map((s) => [s.id, (s.value ?? 0) + origin]));

	// Linguistic types and vocabularies.
	const types = new Map<string, LinguisticType>();
	for (const el of childElements(root, 'LINGUISTIC_TYPE')) {
		const id = el.attrs.LINGUISTIC_TYPE_ID ?? fail(el, 'LINGUISTIC_TYPE_ID is missing');
		types.set(id, {
			id,
			constraints: el.attrs.CONSTRAINTS ?? null,
			cv: el.attrs.CONTROLLED_VOCABULARY_REF ?? null,
			timeAlignable: el.attrs.TIME_ALIGNABLE !== 'false'
		});
	}
	const vocabularies = new Map<string, VocabularyEntry[]>();
	for (const el of childElements(root, 'CONTROLLED_VOCABULARY')) {
		const id = el.attrs.CV_ID ?? fail(el, 'CV_ID is missing');
		const entries: VocabularyEntry[] = [];
		for (const entry of childElements(el, 'CV_ENTRY_ML')) {
			const values = childElements(entry, 'CVE_VALUE').map((v) => ({
				lang: v.attrs.LANG_REF ?? null,
				value: textContent(v).trim(),
				description: v.attrs.DESCRIPTION ?? null
			}));
			if (values.length === 0) fail(entry, 'a CV_ENTRY_ML needs at least one CVE_VALUE');
			entries.push({ id: entry.attrs.CVE_ID ?? values[0].value, values });
		}
		for (const entry of childElements(el, 'CV_ENTRY')) {
			// EAF 2.x: one value per entry, the description as an attribute.
			const value = textContent(entry).trim();
			entries.push({ id: entry.attrs.CVE_ID ?? value, values: [{ lang: null, value, description: entry.attrs.DESCRIPTION ?? null }] });
		}
		if (el.attrs.EXT_REF && entries.length === 0) {
			doc.warnings.push({ code: 'external_vocabulary', message: `Vocabulary "${id}" is external (EXT_REF); only the annotated values were imported.`, element: 'CONTROLLED_VOCABULARY' });
		}
		vocabularies.set(id, entries);
	}

	// Tiers and their annotations.
	const tierElements = childElements(root, 'TIER');
	const tiers = new Map<string, { element: XmlElement; parent: string | null; type: LinguisticType | null; annotations: Annotation[] }>();
	const annotations = new Map<string, Annotation>();
	for (const el of tierElements) {
		const id = el.attrs.TIER_ID ?? fail(el, 'TIER_ID is missing');
		if (tiers.has(id)) fail(el, `TIER_ID "${id}" is used twice`);
		const typeRef = el.attrs.LINGUISTIC_TYPE_REF;
		const type = typeRef ? (types.get(typeRef) ?? fail(el, `tier "${id}" refers to an undefined LINGUISTIC_TYPE "${typeRef}"`)) : null;
		const list: Annotation[] = [];
		for (const wrapper of childElements(el, 'ANNOTATION')) {
			const a = firstChild(wrapper, 'ALIGNABLE_ANNOTATION') ?? firstChild(wrapper, 'REF_ANNOTATION') ?? fail(wrapper, 'an ANNOTATION holds neither an ALIGNABLE_ANNOTATION nor a REF_ANNOTATION');
			const annotationId = a.attrs.ANNOTATION_ID ?? fail(a, 'ANNOTATION_ID is missing');
			const valueElement = firstChild(a, 'ANNOTATION_VALUE') ?? fail(a, 'the required ANNOTATION_VALUE is missing');
			const annotation: Annotation = { id: annotationId, tierId: id, element: a, value: textContent(valueElement), cveRef: a.attrs.CVE_REF ?? null };
			if (a.name === 'ALIGNABLE_ANNOTATION') {
				annotation.ts1 = a.attrs.TIME_SLOT_REF1 ?? fail(a, 'TIME_SLOT_REF1 is missing');
				annotation.ts2 = a.attrs.TIME_SLOT_REF2 ?? fail(a, 'TIME_SLOT_REF2 is missing');
				if (!slotTime.has(annotation.ts1)) fail(a, `TIME_SLOT_REF1 "${annotation.ts1}" is not a TIME_SLOT`);
				if (!slotTime.has(annotation.ts2)) fail(a, `TIME_SLOT_REF2 "${annotation.ts2}" is not a TIME_SLOT`);
			} else {
				annotation.ref = a.attrs.ANNOTATION_REF ?? fail(a, 'ANNOTATION_REF is missing');
			}
			if (annotations.has(annotationId)) fail(a, `ANNOTATION_ID "${annotationId}" is used twice`);
			annotations.set(annotationId, annotation);
			list.push(annotation);
		}
		tiers.set(id, { element: el, parent: el.attrs.PARENT_REF ?? null, type, annotations: list });
	}
	for (const [id, tier] of tiers) {
		if (tier.parent !== null && !tiers.has(tier.parent)) fail(tier.element, `tier "${id}" has PARENT_REF "${tier.parent}", which is not a tier`);
	}

	const emptyTiers = [...tiers].filter(([, t]) => t.annotations.length === 0).map(([id]) => id);
	if (emptyTiers.length > 0) {
		doc.warnings.push({
			code: 'empty_tier',
			message: `${emptyTiers.length} tier(s) hold no annotations: ${emptyTiers.map((id) => `"${id}"`).join(', ')}.`,
			element: emptyTiers.join(', ')
		});
	}

	// Top-level tiers → segments, through the same merge as TextGrid tiers.
	const topLevel: ReadTier[] = [];
	const topSpeaker = new Map<string, string | null>();
	const claimed = new Set<string>();
	let reversed = 0;
	let zeroLength = 0;
	for (const [id, tier] of tiers) {
		if (tier.parent !== null) continue;
		const parsed = parseTierName(id);
		const participant = tier.element.attrs.PARTICIPANT?.trim();
		const speaker = participant ? participant : parsed.speaker;
		let layer = parsed.conventional ? parsed.layer : DEFAULT_LAYER;
		const claimKey = JSON.stringify([speaker, parsed.lane, layer]);
		if (claimed.has(claimKey) && !parsed.conventional) {
			// A second foreign tier of the same speaker (e.g. "A" and "A-gloss"): its own layer.
			layer = tier.type && tier.type.id !== layer && !claimed.has(JSON.stringify([speaker, parsed.lane, tier.type.id])) ? tier.type.id : id;
			doc.warnings.push({
				code: 'tier_as_layer',
				message: `Tier "${id}" is a second top-level tier of speaker ${speaker ?? '(none)'}; it was imported as layer "${layer}".`,
				element: 'TIER'
			});
		}
		claimed.add(JSON.stringify([speaker, parsed.lane, layer]));
		topSpeaker.set(id, speaker);
		const intervals: TierInterval[] = [];
		for (const a of tier.annotations) {
			if (a.ts1 === undefined || a.ts2 === undefined) fail(a.element, `a top-level tier ("${id}") can only hold ALIGNABLE_ANNOTATIONs`);
			let start = slotTime.get(a.ts1!)!;
			let end = slotTime.get(a.ts2!)!;
			if (end < start) {
				reversed++;
				[start, end] = [end, start];
			}
			if (end === start) {
				if (a.value.trim() !== '') zeroLength++;
				continue;
			}
			intervals.push({ startMs: start, endMs: end, text: layer === DIALECT_LAYER ? dialectValue(a, tier.type, vocabularies) : a.value, source: `annotation ${a.id} on tier "${id}" (line ${a.element.line})`, id: a.id });
		}
		topLevel.push({ name: id, speaker, lane: parsed.lane, layer, intervals, keepEmpty: !RESERVED_LAYERS.has(layer) });
	}
	const segmentOf = new Map<string, InteropSegment>();
	doc.segments = mergeTiers(topLevel, 'human', doc.warnings, (interval, segment) => {
		if (interval.id) segmentOf.set(interval.id, segment);
	});

	// Child tiers → layers of their parent's segments.
	const topSegmentOf = (a: Annotation, seen = 0): InteropSegment | undefined => {
		if (seen > 50) fail(a.element, 'the annotation references form a loop');
		const direct = segmentOf.get(a.id);
		if (direct) return direct;
		if (a.ref !== undefined) {
			const parent = annotations.get(a.ref) ?? fail(a.element, `ANNOTATION_REF "${a.ref}" is not an annotation`);
			return topSegmentOf(parent, seen + 1);
		}
		return undefined;
	};
	const joined = new Map<string, number>();
	for (const [id, tier] of tiers) {
		if (tier.parent === null) continue;
		const parsed = parseTierName(id);
		const cvId = tier.type?.cv ?? null;
		const layer =
			parsed.conventional && parsed.layer !== DEFAULT_LAYER
				? parsed.layer
				: cvId !== null && DIALECT_CV_PATTERN.test(cvId)
					? DIALECT_LAYER
					: (tier.type?.id ?? id);
		const root = rootTier(tiers, id);
		for (const a of tier.annotations) {
			let segment = topSegmentOf(a);
			if (!segment && a.ts1 !== undefined && a.ts2 !== undefined) {
				// A time-aligned child (Time_Subdivision, Included_In): the parent segment around its middle.
				const mid = (slotTime.get(a.ts1)! + slotTime.get(a.ts2)!) / 2;
				const speaker = topSpeaker.get(root) ?? null;
				segment = doc.segments.find((s) => s.speaker === speaker && s.startMs <= mid && mid < s.endMs && s.source?.includes(`on tier "${root}"`));
			}
			if (!segment) {
				doc.warnings.push({ code: 'orphan_annotation', message: `Annotation ${a.id} on tier "${id}" has no parent segment and was not imported.`, line: a.element.line, element: 'ANNOTATION' });
				continue;
			}
			const value = layer === DIALECT_LAYER ? dialectValue(a, tier.type, vocabularies) : layer === STATUS_LAYER ? a.value.trim() : a.value;
			if (value.trim() === '') continue;
			if (layer === DIALECT_LAYER) {
				if (segment.dialect !== null && segment.dialect !== value) joined.set(id, (joined.get(id) ?? 0) + 1);
				segment.dialect ??= value;
			} else if (layer === STATUS_LAYER) {
				segment.status ??= value;
			} else if (segment.texts[layer] !== undefined) {
				segment.texts[layer] += ` ${value}`;
				joined.set(id, (joined.get(id) ?? 0) + 1);
			} else {
				segment.texts[layer] = value;
			}
		}
	}
	for (const [id, count] of joined) {
		doc.warnings.push({
			code: 'joined_annotations',
			message: `Tier "${id}" has several annotations for one segment in ${count} place(s); texts were joined with spaces (dialect: the first kept).`,
			element: 'TIER'
		});
	}
	if (reversed > 0) doc.warnings.push({ code: 'reversed_times', message: `${reversed} annotation(s) ended before they started; their times were swapped.` });
	if (zeroLength > 0) doc.warnings.push({ code: 'zero_length_annotation', message: `${zeroLength} annotation(s) with text have no duration and were not imported.` });

	// The dialect vocabulary: every CV bound to a dialect tier.
	const dialectCvs = new Set<string>();
	for (const [id, tier] of tiers) {
		const cv = tier.type?.cv;
		if (cv && (DIALECT_CV_PATTERN.test(cv) || parseTierName(id).layer === DIALECT_LAYER)) dialectCvs.add(cv);
	}
	for (const cv of dialectCvs) doc.dialects.push(...(vocabularies.get(cv) ?? []));
	doc.durationMs = null;
	return finishDocument(doc);
}

function rootTier(tiers: Map<string, { parent: string | null }>, id: string): string {
	let at = id;
	for (let i = 0; i < 50; i++) {
		const parent = tiers.get(at)?.parent;
		if (!parent) return at;
		at = parent;
	}
	return at;
}

/** The dialect value of an annotation: its text, or the referenced vocabulary entry's first value. */
function dialectValue(a: Annotation, type: LinguisticType | null, vocabularies: Map<string, VocabularyEntry[]>): string {
	const text = a.value.trim();
	if (text !== '' || a.cveRef === null) return text;
	const entries = (type?.cv ? vocabularies.get(type.cv) : undefined) ?? [...vocabularies.values()].flat();
	return entries.find((e) => e.id === a.cveRef)?.values[0]?.value ?? '';
}

/** Fills null slot values in place by linear interpolation between aligned neighbours; returns how many. */
export function interpolateSlots(slots: { value: number | null }[]): number {
	let count = 0;
	let i = 0;
	while (i < slots.length) {
		if (slots[i].value !== null) {
			i++;
			continue;
		}
		let j = i;
		while (j < slots.length && slots[j].value === null) j++;
		const before = i > 0 ? slots[i - 1].value! : 0;
		const after = j < slots.length ? slots[j].value! : before;
		const steps = j - i + 1;
		for (let k = i; k < j; k++) slots[k].value = Math.round(before + ((after - before) * (k - i + 1)) / steps);
		count += j - i;
		i = j;
	}
	return count;
}

export interface DialectVocabularyTag {
	code: string;
	nameEn?: string;
	nameZh?: string;
}

export interface EafWriteOptions {
	/** Text layer keys; `transcript` (else the first) is the alignable parent, the others its children. */
	layers?: readonly string[];
	speakers?: readonly string[];
	/** The dialect vocabulary (a project's tags); codes used by segments but missing here are added. */
	dialects?: readonly DialectVocabularyTag[];
	/** Write `SPK - dialect` child tiers (default: when any segment has a tag or `dialects` is given). */
	dialectTier?: boolean;
	/** Write `SPK - status` child tiers (default true). */
	statusTier?: boolean;
	overlaps?: 'overflow' | 'error';
	media?: { url: string; relativeUrl?: string; mimeType: string };
	/** xs:dateTime of the document (default: now). Pass one for reproducible files. */
	date?: string;
	author?: string;
}

const CONSTRAINTS_XML =
	'    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation\'s time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>\n' +
	'    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>\n' +
	'    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>\n' +
	'    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation\'s time interval, gaps are allowed" STEREOTYPE="Included_In"/>\n';

/**
 * Writes EAF 3.0 (valid against the MPI EAFv3.0.xsd, elements in the schema's fixed order), UTF-8.
 * Yields chunks of ~64 KB.
 *
 * @example
 * const xml = await collect(writeEaf({ segments }, { layers: ['transcript', 'mandarin'], date: '2026-01-01T00:00:00Z' }));
 */
export function* writeEaf(input: { segments: readonly InteropSegment[] }, options: EafWriteOptions = {}): Generator<string> {
	yield* chunked(eafParts(input, options));
}

/** The long loops build their text in pieces of about this many characters: a yield per annotation costs more than the text. */
const PIECE = 64 * 1024;

function* eafParts(input: { segments: readonly InteropSegment[] }, options: EafWriteOptions): Generator<string> {
	input.segments.forEach(assertWritableSegment);
	const layers = options.layers && options.layers.length > 0 ? [...options.layers] : [DEFAULT_LAYER];
	const parentLayer = layers.includes(DEFAULT_LAYER) ? DEFAULT_LAYER : layers[0];
	const childLayers = layers.filter((l) => l !== parentLayer);
	const dialectTier = options.dialectTier ?? (input.segments.some((s) => s.dialect !== null) || (options.dialects?.length ?? 0) > 0);
	const statusTier = options.statusTier ?? true;
	const plan = planTiers(input.segments, { layers, speakers: options.speakers, overlaps: options.overlaps });

	// Vocabularies: the given dialect tags first, then any code a segment uses.
	const dialectTags = new Map<string, DialectVocabularyTag>();
	for (const tag of options.dialects ?? []) dialectTags.set(tag.code, tag);
	const statuses = new Set<string>();
	for (const s of input.segments) {
		if (s.dialect !== null && !dialectTags.has(s.dialect)) dialectTags.set(s.dialect, { code: s.dialect });
		if (s.status !== null) statuses.add(s.status);
	}
	const dialectCve = new Map([...dialectTags.keys()].map((code, i) => [code, `cveid_dialect_${i + 1}`]));
	const statusCve = new Map([...statuses].map((status, i) => [status, `cveid_status_${i + 1}`]));

	// Time slots: two per segment, listed in ascending time (ELAN's own layout).
	const laneSegments = plan.flatMap((lane) => lane.segments);
	const slotIndex = new Map<InteropSegment, [number, number]>();
	const boundaries: { time: number; segment: number; end: boolean }[] = [];
	laneSegments.forEach((s, i) => {
		boundaries.push({ time: s.startMs, segment: i, end: false }, { time: s.endMs, segment: i, end: true });
	});
	boundaries.sort((a, b) => a.time - b.time || a.segment - b.segment || Number(a.end) - Number(b.end));
	const slotOf: [number, number][] = laneSegments.map(() => [0, 0]);
	boundaries.forEach((b, i) => {
		slotOf[b.segment][b.end ? 1 : 0] = i + 1;
	});
	laneSegments.forEach((s, i) => slotIndex.set(s, slotOf[i]));

	const date = options.date ?? new Date().toISOString();
	let annotationCount = laneSegments.length;
	for (const s of laneSegments) {
		for (const l of childLayers) if ((s.texts[l] ?? '') !== '') annotationCount++;
		if (dialectTier && s.dialect !== null) annotationCount++;
		if (statusTier && s.status !== null) annotationCount++;
	}

	yield '<?xml version="1.0" encoding="UTF-8"?>\n';
	yield `<ANNOTATION_DOCUMENT AUTHOR="${escapeXmlAttr(options.author ?? '')}" DATE="${escapeXmlAttr(date)}" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n`;
	yield '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">\n';
	if (options.media) {
		const m = options.media;
		yield `        <MEDIA_DESCRIPTOR MEDIA_URL="${escapeXmlAttr(m.url)}" MIME_TYPE="${escapeXmlAttr(m.mimeType)}"${m.relativeUrl ? ` RELATIVE_MEDIA_URL="${escapeXmlAttr(m.relativeUrl)}"` : ''}/>\n`;
	}
	yield `        <PROPERTY NAME="lastUsedAnnotationId">${annotationCount}</PROPERTY>\n    </HEADER>\n`;
	if (boundaries.length === 0) yield '    <TIME_ORDER/>\n';
	else {
		let out = '    <TIME_ORDER>\n';
		for (let i = 0; i < boundaries.length; i++) {
			out += `        <TIME_SLOT TIME_SLOT_ID="ts${i + 1}" TIME_VALUE="${boundaries[i].time}"/>\n`;
			if (out.length >= PIECE) {
				yield out;
				out = '';
			}
		}
		yield `${out}    </TIME_ORDER>\n`;
	}

	let nextRef = laneSegments.length;
	let alignable = 0;
	const alignableId = new Map<InteropSegment, string>();
	for (const lane of plan) {
		for (const s of lane.segments) alignableId.set(s, `a${++alignable}`);
	}
	for (const lane of plan) {
		const parentId = formatTierName(lane.speaker, lane.lane, parentLayer);
		const participant = lane.speaker !== null ? ` PARTICIPANT="${escapeXmlAttr(lane.speaker)}"` : '';
		yield `    <TIER LINGUISTIC_TYPE_REF="${escapeXmlAttr(parentLayer)}"${participant} TIER_ID="${escapeXmlAttr(parentId)}"${lane.segments.length === 0 ? '/>\n' : '>\n'}`;
		if (lane.segments.length === 0) continue;
		let out = '';
		for (const s of lane.segments) {
			const [ts1, ts2] = slotIndex.get(s)!;
			out += `        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID="${alignableId.get(s)}" TIME_SLOT_REF1="ts${ts1}" TIME_SLOT_REF2="ts${ts2}">\n                <ANNOTATION_VALUE>${escapeXmlText(s.texts[parentLayer] ?? '')}</ANNOTATION_VALUE>\n            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>\n`;
			if (out.length >= PIECE) {
				yield out;
				out = '';
			}
		}
		yield `${out}    </TIER>\n`;
		const children: { layer: string; value: (s: InteropSegment) => string | null; cve?: (s: InteropSegment) => string | undefined }[] = [
			...childLayers.map((layer) => ({ layer, value: (s: InteropSegment) => s.texts[layer] ?? null })),
			...(dialectTier ? [{ layer: DIALECT_LAYER, value: (s: InteropSegment) => s.dialect, cve: (s: InteropSegment) => dialectCve.get(s.dialect!) }] : []),
			...(statusTier ? [{ layer: STATUS_LAYER, value: (s: InteropSegment) => s.status, cve: (s: InteropSegment) => statusCve.get(s.status!) }] : [])
		];
		for (const child of children) {
			const annotated = lane.segments.filter((s) => {
				const v = child.value(s);
				return v !== null && v !== '';
			});
			const head = `    <TIER LINGUISTIC_TYPE_REF="${escapeXmlAttr(child.layer)}" PARENT_REF="${escapeXmlAttr(parentId)}"${participant} TIER_ID="${escapeXmlAttr(formatTierName(lane.speaker, lane.lane, child.layer))}"`;
			if (annotated.length === 0) {
				yield `${head}/>\n`;
				continue;
			}
			let out = `${head}>\n`;
			for (const s of annotated) {
				const cve = child.cve?.(s);
				out += `        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="a${++nextRef}" ANNOTATION_REF="${alignableId.get(s)}"${cve ? ` CVE_REF="${cve}"` : ''}>\n                <ANNOTATION_VALUE>${escapeXmlText(child.value(s)!)}</ANNOTATION_VALUE>\n            </REF_ANNOTATION>\n        </ANNOTATION>\n`;
				if (out.length >= PIECE) {
					yield out;
					out = '';
				}
			}
			yield `${out}    </TIER>\n`;
		}
	}

	yield `    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${escapeXmlAttr(parentLayer)}" TIME_ALIGNABLE="true"/>\n`;
	for (const layer of childLayers) {
		yield `    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${escapeXmlAttr(layer)}" TIME_ALIGNABLE="false"/>\n`;
	}
	if (dialectTier) {
		yield `    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="${DIALECT_LAYER}" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${DIALECT_LAYER}" TIME_ALIGNABLE="false"/>\n`;
	}
	if (statusTier) {
		yield `    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="${STATUS_LAYER}" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${STATUS_LAYER}" TIME_ALIGNABLE="false"/>\n`;
	}
	yield '    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00138502-001" LANG_ID="eng" LANG_LABEL="English (eng)"/>\n';
	yield '    <LANGUAGE LANG_ID="zho" LANG_LABEL="Chinese (zho)"/>\n';
	yield CONSTRAINTS_XML;
	if (dialectTier) {
		yield `    <CONTROLLED_VOCABULARY CV_ID="${DIALECT_LAYER}">\n        <DESCRIPTION LANG_REF="eng">Dialect tags</DESCRIPTION>\n        <DESCRIPTION LANG_REF="zho">方言标签</DESCRIPTION>\n`;
		for (const [code, tag] of dialectTags) {
			const en = tag.nameEn ? ` DESCRIPTION="${escapeXmlAttr(tag.nameEn)}"` : '';
			const zh = tag.nameZh ? ` DESCRIPTION="${escapeXmlAttr(tag.nameZh)}"` : '';
			yield `        <CV_ENTRY_ML CVE_ID="${dialectCve.get(code)}">\n            <CVE_VALUE${en} LANG_REF="eng">${escapeXmlText(code)}</CVE_VALUE>\n            <CVE_VALUE${zh} LANG_REF="zho">${escapeXmlText(code)}</CVE_VALUE>\n        </CV_ENTRY_ML>\n`;
		}
		yield '    </CONTROLLED_VOCABULARY>\n';
	}
	if (statusTier) {
		yield `    <CONTROLLED_VOCABULARY CV_ID="${STATUS_LAYER}">\n        <DESCRIPTION LANG_REF="eng">Segment workflow status</DESCRIPTION>\n`;
		for (const [status, id] of statusCve) {
			yield `        <CV_ENTRY_ML CVE_ID="${id}">\n            <CVE_VALUE LANG_REF="eng">${escapeXmlText(status)}</CVE_VALUE>\n        </CV_ENTRY_ML>\n`;
		}
		yield '    </CONTROLLED_VOCABULARY>\n';
	}
	yield '</ANNOTATION_DOCUMENT>\n';
}
