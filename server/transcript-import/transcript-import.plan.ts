import type { Segment, SegmentOrigin } from '../db/schema.ts';
import type { RecordingEventRow } from '../events/events.repository.ts';
import { previewImport, type ExistingSegment } from '../interop/diff.ts';
import { clipToDuration, formatMs, maxTimeMs, type InteropDocument, type InteropSegment } from '../interop/model.ts';
import { NO_SPEAKER } from '../interop/tiers.ts';
import { nowIso } from '../lib/ids.ts';
import { parseTexts } from '../segments/segments.mapper.ts';
import { STATUS_PATTERN } from '../segments/segments.schemas.ts';
import type { NewSegmentInput } from '../segments/segments.service.ts';
import { pendingSpeakerKey, type ResolvedMapping, type SpeakerTarget } from './transcript-import.mapping.ts';
import type { ImportMode, ImportWarningDto, RecordingPlanDto } from './transcript-import.schemas.ts';

/**
 * What importing one document into one recording changes, computed without writing: the preview
 * shows `dto`, the apply performs `writes`. Pure; the caller loads the rows. Speakers the import
 * creates appear as `new:<code>` until the apply has inserted them.
 */

/**
 * A transcript may run this far past the recording and still be cut to it by itself (with the
 * `clipped_to_recording` warning): decoders disagree on a compressed file's length by a frame or
 * two, and a TextGrid made from the same audio ends at Praat's idea of it. Beyond it the import is
 * refused unless `clip` is asked for.
 */
export const ROUNDING_TOLERANCE_MS = 100;

const SAMPLES_PER_KIND = 5;

export interface PlanInput {
	recording: { id: string; name: string; durationMs: number };
	doc: InteropDocument;
	mode: ImportMode;
	clip: boolean;
	mapping: ResolvedMapping;
	existing: Segment[];
	existingEvents: RecordingEventRow[];
	userId: string | null;
}

export interface PlannedEvent {
	time_ms: number;
	end_ms: number | null;
	tier: string;
	label: string;
	/** A project speaker id, `new:<code>`, or null. */
	speaker_id: string | null;
}

export interface RecordingPlan {
	dto: RecordingPlanDto;
	blocking: boolean;
	writes: {
		inserts: (NewSegmentInput & { speakerId: string | null })[];
		updates: { current: Segment; next: Segment }[];
		deletes: Segment[];
		events: { deleteAll: boolean; inserts: PlannedEvent[] };
	};
}

type Existing = ExistingSegment & { row: Segment };

export function planRecordingImport(input: PlanInput): RecordingPlan {
	const { recording, mode, mapping, userId } = input;
	const warnings: ImportWarningDto[] = [];
	let doc = input.doc;
	let blocking = false;

	// Times: 0 ≤ start < end ≤ duration, refused or cut with a warning, never silently.
	const reach = maxTimeMs(doc);
	if (reach > recording.durationMs) {
		if (input.clip || reach - recording.durationMs <= ROUNDING_TOLERANCE_MS) doc = clipToDuration(doc, recording.durationMs);
		else {
			blocking = true;
			warnings.push({
				code: 'past_the_end',
				message: `The transcript reaches ${formatMs(reach)} but the recording is ${formatMs(recording.durationMs)} long. Cut it at the end of the recording, or import the file that belongs to this recording.`,
				blocking: true,
				durationMs: recording.durationMs,
				maxTimeMs: reach
			});
		}
	}
	for (const w of doc.warnings) warnings.push({ ...w, blocking: false });

	// The file's segments in the project's terms: speaker ids, layer keys, tag ids.
	const speakerKey = (code: string | null): string | null => targetKey(mapping.speakers.get(code ?? NO_SPEAKER));
	const origin: SegmentOrigin = doc.segments.some((s) => s.origin === 'machine') ? 'machine' : 'import';
	const incoming: InteropSegment[] = [];
	let emptied = 0;
	for (const s of doc.segments) {
		const texts: Record<string, string> = {};
		for (const [layer, text] of Object.entries(s.texts)) {
			const key = mapping.layers.get(layer);
			if (key) texts[key] = text;
		}
		const dialect = s.dialect === null ? null : (mapping.dialects.get(s.dialect) ?? null);
		const hadContent = Object.keys(s.texts).length > 0 || s.dialect !== null;
		if (hadContent && Object.keys(texts).length === 0 && dialect === null) {
			emptied++;
			continue;
		}
		const status = s.status !== null && STATUS_PATTERN.test(s.status) ? s.status : null;
		incoming.push({ ...s, speaker: speakerKey(s.speaker), texts, dialect, status });
	}
	// The readers refuse such times; a segment that gets here anyway is refused, not written.
	const badTimes = incoming.filter((s) => !(Number.isInteger(s.startMs) && Number.isInteger(s.endMs) && s.startMs >= 0 && s.endMs > s.startMs));
	if (badTimes.length > 0) {
		blocking = true;
		warnings.push({
			code: 'invalid_times',
			message: `${badTimes.length} segment(s) do not have 0 ≤ start < end (the first: ${badTimes[0].startMs}–${badTimes[0].endMs} ms${badTimes[0].source ? `, ${badTimes[0].source}` : ''}).`,
			blocking: true,
			count: badTimes.length
		});
	}
	if (emptied > 0) {
		warnings.push({
			code: 'skipped_segments',
			message: `${emptied} segment(s) held text only in layers that are skipped; they are not imported.`,
			blocking: false,
			count: emptied
		});
	}

	const existing: Existing[] = input.existing.map((row) => ({
		id: row.id,
		startMs: Number(row.start_ms),
		endMs: Number(row.end_ms),
		speaker: row.speaker_id,
		dialect: row.dialect_tag_id,
		texts: parseTexts(row.texts),
		status: row.status,
		row
	}));
	const layerKeys = [...new Set([...mapping.layers.values()].filter((k): k is string => k !== null))];
	const preview = previewImport(existing, incoming, { mode, layers: layerKeys });

	const now = nowIso();
	const inserts: RecordingPlan['writes']['inserts'] = [];
	const updates: RecordingPlan['writes']['updates'] = [];
	const deletes: Segment[] = [];
	const final: { speaker: string | null; startMs: number; endMs: number }[] = [];
	for (const change of preview.changes) {
		const s = change.incoming;
		const e = change.existing;
		if (change.kind === 'added' && s) {
			inserts.push({
				startMs: s.startMs,
				endMs: s.endMs,
				speakerId: s.speaker,
				dialectTagId: s.dialect,
				texts: s.texts,
				status: s.status ?? 'new',
				origin
			});
			final.push(s);
		} else if (change.kind === 'changed' && s && e) {
			const texts = { ...e.texts };
			for (const key of layerKeys) {
				if (s.texts[key] !== undefined) texts[key] = s.texts[key];
				else delete texts[key];
			}
			const textChanged = change.fields.some((f) => layerKeys.includes(f));
			updates.push({
				current: e.row,
				next: {
					...e.row,
					start_ms: s.startMs,
					end_ms: s.endMs,
					dialect_tag_id: s.dialect ?? e.row.dialect_tag_id,
					texts: JSON.stringify(texts),
					status: s.status ?? e.row.status,
					origin: textChanged ? origin : e.row.origin,
					version: Number(e.row.version) + 1,
					updated_by: userId,
					updated_at: now
				}
			});
			final.push(s);
		} else if (change.kind === 'removed' && e) {
			deletes.push(e.row);
		} else if (e) {
			final.push(e);
		}
	}

	// Same-speaker overlaps (a file's overflow tiers `A#2 - …`, overlapping turns): kept, and said.
	const overlapping = countSameSpeakerOverlaps(final);
	if (overlapping.total > 0) {
		warnings.push({
			code: 'same_speaker_overlap',
			message: `${overlapping.total} segment(s) overlap another segment of the same speaker (${overlapping.speakers
				.map((k) => displayCode(k, mapping))
				.join(', ')}), e.g. from overflow tiers such as "A#2 - transcript". They are all kept and shown overlapping in the editor.`,
			blocking: false,
			count: overlapping.total
		});
	}

	// Events: a replace replaces them; a merge adds those not there yet.
	const eventKey = (e: { time_ms: number; end_ms: number | null; tier: string; label: string }) =>
		`${e.tier}\u0000${e.time_ms}\u0000${e.end_ms ?? ''}\u0000${e.label}`;
	const planned: PlannedEvent[] = doc.events.map((e) => ({
		time_ms: e.startMs,
		end_ms: e.endMs !== null && e.endMs > e.startMs ? e.endMs : null,
		tier: e.tier,
		label: e.text,
		speaker_id: eventSpeaker(e.speaker, mapping)
	}));
	const have = new Set(input.existingEvents.map((e) => eventKey({ ...e, time_ms: Number(e.time_ms), end_ms: e.end_ms === null ? null : Number(e.end_ms) })));
	const seen = new Set<string>();
	const eventInserts = mode === 'replace' ? planned : planned.filter((e) => !have.has(eventKey(e)) && !seen.has(eventKey(e)) && seen.add(eventKey(e)));
	const events = {
		added: eventInserts.length,
		removed: mode === 'replace' ? input.existingEvents.length : 0,
		unchanged: mode === 'replace' ? 0 : input.existingEvents.length
	};

	if (doc.segments.length === 0 && doc.events.length === 0) {
		warnings.push({
			code: 'nothing_to_import',
			message:
				mode === 'replace'
					? `The file holds no segments and no events: replacing would remove all ${existing.length} segment(s) of the recording.`
					: 'The file holds no segments and no events: nothing would change.',
			blocking: false
		});
	}

	const dto: RecordingPlanDto = {
		recordingId: recording.id,
		recordingName: recording.name,
		durationMs: recording.durationMs,
		totals: preview.totals,
		bySpeaker: Object.entries(preview.bySpeaker)
			.map(([key, c]) => ({ ...speakerDisplay(key === NO_SPEAKER ? null : key, mapping), ...c }))
			.sort((a, b) => (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff', 'en')),
		// Every segment has a status: one the file does not carry is no news.
		byLayer: Object.entries(preview.byLayer)
			.filter(([key]) => key !== 'status' || incoming.some((s) => s.status !== null))
			.map(([key, c]) => ({ key, ...c }))
			.sort((a, b) => a.key.localeCompare(b.key, 'en')),
		events,
		warnings,
		samples: samplesOf(preview.changes)
	};
	return { dto, blocking, writes: { inserts, updates, deletes, events: { deleteAll: mode === 'replace', inserts: eventInserts } } };
}

function targetKey(target: SpeakerTarget | undefined): string | null {
	if (!target || target.kind === 'none') return null;
	return target.kind === 'existing' ? target.id : pendingSpeakerKey(target.code);
}

/** An event's speaker: the segments' mapping when it names the same speaker, else none (never created for an event alone). */
function eventSpeaker(code: string | null, mapping: ResolvedMapping): string | null {
	if (code === null) return null;
	return targetKey(mapping.speakers.get(code));
}

function displayCode(key: string | null, mapping: ResolvedMapping): string {
	if (key === null) return NO_SPEAKER;
	for (const target of mapping.speakers.values()) {
		if (target.kind === 'existing' && target.id === key) return target.code;
		if (target.kind === 'create' && pendingSpeakerKey(target.code) === key) return target.code;
	}
	return key;
}

function speakerDisplay(key: string | null, mapping: ResolvedMapping) {
	if (key === null) return { speakerId: null, code: null, name: null };
	for (const target of mapping.speakers.values()) {
		if (target.kind === 'existing' && target.id === key) return { speakerId: key, code: target.code, name: target.name };
		if (target.kind === 'create' && pendingSpeakerKey(target.code) === key) return { speakerId: key, code: target.code, name: target.name };
	}
	// A speaker only the recording's own segments have (a replace removing them): the UI names it by id.
	return { speakerId: key, code: null, name: null };
}

export function countSameSpeakerOverlaps(segments: { speaker: string | null; startMs: number; endMs: number }[]) {
	const bySpeaker = new Map<string | null, { startMs: number; endMs: number }[]>();
	for (const s of segments) {
		let list = bySpeaker.get(s.speaker);
		if (!list) bySpeaker.set(s.speaker, (list = []));
		list.push(s);
	}
	let total = 0;
	const speakers: (string | null)[] = [];
	for (const [speaker, list] of bySpeaker) {
		list.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
		let latestEnd = -Infinity;
		let n = 0;
		for (const s of list) {
			if (s.startMs < latestEnd) n++;
			latestEnd = Math.max(latestEnd, s.endMs);
		}
		if (n > 0) {
			total += n;
			speakers.push(speaker);
		}
	}
	return { total, speakers };
}

type Change = ReturnType<typeof previewImport<Existing>>['changes'][number];

function samplesOf(changes: Change[]): RecordingPlanDto['samples'] {
	const picked: Change[] = [];
	for (const kind of ['changed', 'added', 'removed'] as const) {
		picked.push(...changes.filter((c) => c.kind === kind).slice(0, SAMPLES_PER_KIND));
	}
	const start = (c: Change) => (c.incoming ?? c.existing)!.startMs;
	return picked
		.sort((a, b) => start(a) - start(b))
		.map((c) => ({
			kind: c.kind as 'added' | 'changed' | 'removed',
			fields: c.fields,
			before: c.existing ? snapshot(c.existing) : null,
			after: c.incoming ? snapshot(c.incoming) : null
		}));
}

function snapshot(s: ExistingSegment | InteropSegment) {
	return { startMs: s.startMs, endMs: s.endMs, speakerId: s.speaker, dialectTagId: s.dialect, texts: s.texts, status: s.status };
}
