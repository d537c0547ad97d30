import { decodeTextBytes } from './decode.ts';
import { isObject, parseJson } from './asr-json.ts';
import {
	DEFAULT_LAYER,
	InteropError,
	cleanText,
	emptyDocument,
	finishDocument,
	secondsToMs,
	type InteropDocument,
	type InteropSegment,
	type TextOrigin
} from './model.ts';

/**
 * Label Studio JSON export ("JSON", the full format: an array of tasks) of an audio project.
 *
 * Assumptions, from Label Studio's audio templates (Labels + per-region TextArea/Choices):
 * - Each task is one audio file (`data.audio`, else the first string in `data`).
 * - Of a task's annotations the latest (`updated_at`, then `created_at`, then `id`) that was not
 *   cancelled is used; with none, the latest prediction is used and its text is machine-made.
 * - Results with the same region `id` describe one region: its times come from `value.start/end`
 *   (seconds); a `labels` result names the speaker (its first label); a `textarea` result is the
 *   text of a layer (`value.text` lines joined with LF); a `choices` result is the dialect tag when
 *   its `from_name` looks like one (dialect/accent/variety/方言), else the text of a layer
 *   named after it (choices joined with ", ").
 * - Layer keys: the `from_name` of the text area, or `transcript` when the task has only one
 *   text area; `layerMap` overrides either.
 * - A text area without a region (whole-file transcription) is one segment over the whole file
 *   (needs `original_length`). `value.channel` is not used. Other result types are reported.
 */

const DIALECT_NAME = /dialect|accent|variety|方言|口音/i;

export interface LabelStudioTask {
	/** The task id in Label Studio. */
	id: string | number | null;
	/** The audio the task points at (`/data/upload/1/abc-rec.wav`, an URL…), for matching recordings. */
	audio: string | null;
	/** The annotation (or prediction) used, by id. */
	annotationId: string | number | null;
	document: InteropDocument;
}

export interface LabelStudioOptions {
	/** `from_name` → layer key (e.g. `{ transcription: 'transcript' }`). */
	layerMap?: Record<string, string>;
	/** The `from_name` whose choices are the dialect tag (default: one matching dialect/accent). */
	dialectFrom?: string;
	/** The `from_name` whose labels are the speaker (default: any labels result). */
	speakerFrom?: string;
}

interface Result {
	id?: string;
	type?: string;
	from_name?: string;
	original_length?: number;
	value?: Record<string, unknown>;
}

export function readLabelStudio(bytes: Uint8Array, options: LabelStudioOptions = {}): LabelStudioTask[] {
	const warnings: InteropDocument['warnings'] = [];
	const { text } = decodeTextBytes(bytes, 'label-studio', warnings);
	const value = parseJson(text, 'label-studio');
	const tasks = Array.isArray(value) ? value : isObject(value) && (Array.isArray(value.annotations) || isObject(value.data)) ? [value] : null;
	if (!tasks) {
		throw new InteropError('unsupported_format', 'Not a Label Studio JSON export: expected an array of tasks with "data" and "annotations" (export as "JSON", not "JSON-MIN" or CSV).', {
			format: 'label-studio'
		});
	}
	return tasks.map((task, index) => readTask(task, index, options, warnings));
}

function readTask(task: unknown, index: number, options: LabelStudioOptions, fileWarnings: InteropDocument['warnings']): LabelStudioTask {
	if (!isObject(task)) throw new InteropError('malformed_file', `${where(index)} is not an object`, { format: 'label-studio', element: where(index) });
	const doc = emptyDocument('label-studio');
	doc.warnings.push(...fileWarnings);
	const data = isObject(task.data) ? task.data : {};
	const audio = typeof data.audio === 'string' ? data.audio : (Object.values(data).find((v): v is string => typeof v === 'string') ?? null);
	doc.media = audio;
	const id = typeof task.id === 'string' || typeof task.id === 'number' ? task.id : null;

	const annotations = (Array.isArray(task.annotations) ? task.annotations : []).filter(isObject);
	const usable = annotations.filter((a) => a.was_cancelled !== true);
	const cancelled = annotations.length - usable.length;
	let chosen = latest(usable);
	let origin: TextOrigin = 'human';
	if (!chosen) {
		chosen = latest((Array.isArray(task.predictions) ? task.predictions : []).filter(isObject));
		if (chosen) {
			origin = 'machine';
			doc.warnings.push({ code: 'prediction_used', message: `Task ${id ?? index + 1} has no ${cancelled > 0 ? 'completed' : ''} annotation; its latest prediction was imported as machine-made text.`.replace('  ', ' ') });
		} else {
			doc.warnings.push({ code: 'no_annotation', message: `Task ${id ?? index + 1} has no annotation${cancelled > 0 ? ' that was not cancelled' : ''}; nothing imported.` });
			return { id, audio, annotationId: null, document: finishDocument(doc) };
		}
	} else if (usable.length > 1) {
		doc.warnings.push({ code: 'latest_annotation', message: `Task ${id ?? index + 1} has ${usable.length} annotations; the latest (id ${String(chosen.id)}) was imported.` });
	}
	const results: Result[] = (Array.isArray(chosen.result) ? chosen.result : []).filter(isObject) as Result[];
	const textAreas = new Set(results.filter((r) => r.type === 'textarea').map((r) => r.from_name ?? ''));
	const layerFor = (fromName: string): string =>
		options.layerMap?.[fromName] ?? (textAreas.size === 1 && textAreas.has(fromName) ? DEFAULT_LAYER : fromName || DEFAULT_LAYER);

	let durationMs: number | null = null;
	const regions = new Map<string, { start: number | null; end: number | null; segment: InteropSegment; results: number }>();
	const wholeFile: Result[] = [];
	const ignored = new Set<string>();
	let extraLabels = 0;
	results.forEach((r, i) => {
		if (typeof r.original_length === 'number' && Number.isFinite(r.original_length)) durationMs = secondsToMs(r.original_length);
		const v = isObject(r.value) ? r.value : {};
		const hasTimes = typeof v.start === 'number' && typeof v.end === 'number';
		if (!['labels', 'textarea', 'choices'].includes(r.type ?? '')) {
			ignored.add(r.type ?? '(no type)');
			return;
		}
		const key = r.id ?? `#${i}`;
		if (!hasTimes && !regions.has(key)) {
			wholeFile.push(r);
			return;
		}
		let region = regions.get(key);
		if (!region) {
			region = {
				start: null,
				end: null,
				results: 0,
				segment: { startMs: 0, endMs: 0, speaker: null, dialect: null, texts: {}, status: null, origin, source: `${where(index)} region ${key}` }
			};
			regions.set(key, region);
		}
		region.results++;
		if (hasTimes) {
			region.start = v.start as number;
			region.end = v.end as number;
		}
		apply(region.segment, r, v);
	});
	// Results that named a region id before the region's times appeared.
	for (const r of wholeFile.splice(0)) {
		const region = r.id !== undefined ? regions.get(r.id) : undefined;
		if (region) apply(region.segment, r, isObject(r.value) ? r.value : {});
		else wholeFile.push(r);
	}

	function apply(segment: InteropSegment, r: Result, v: Record<string, unknown>) {
		const fromName = r.from_name ?? '';
		if (r.type === 'labels') {
			if (options.speakerFrom && fromName !== options.speakerFrom) return;
			const labels = Array.isArray(v.labels) ? v.labels.filter((l): l is string => typeof l === 'string') : [];
			if (labels.length > 1) extraLabels++;
			if (labels[0] !== undefined) segment.speaker = cleanText(labels[0]).trim() || null;
		} else if (r.type === 'textarea') {
			const lines = Array.isArray(v.text) ? v.text.filter((t): t is string => typeof t === 'string') : typeof v.text === 'string' ? [v.text] : [];
			const value = cleanText(lines.join('\n'));
			if (value.trim() === '') return;
			const layer = layerFor(fromName);
			segment.texts[layer] = segment.texts[layer] ? `${segment.texts[layer]}\n${value}` : value;
		} else if (r.type === 'choices') {
			const choices = Array.isArray(v.choices) ? v.choices.filter((c): c is string => typeof c === 'string') : [];
			if (choices.length === 0) return;
			if (options.dialectFrom ? fromName === options.dialectFrom : DIALECT_NAME.test(fromName)) segment.dialect = cleanText(choices[0]).trim();
			else segment.texts[options.layerMap?.[fromName] ?? fromName] = cleanText(choices.join(', '));
		}
	}

	let untimed = 0;
	for (const region of regions.values()) {
		if (region.start === null || region.end === null) {
			untimed++;
			continue;
		}
		const segment = region.segment;
		segment.startMs = secondsToMs(Math.max(0, region.start));
		segment.endMs = secondsToMs(region.end);
		if (segment.endMs <= segment.startMs) {
			untimed++;
			continue;
		}
		doc.segments.push(segment);
	}
	if (wholeFile.length > 0) {
		const segment: InteropSegment = { startMs: 0, endMs: durationMs ?? 0, speaker: null, dialect: null, texts: {}, status: null, origin, source: `${where(index)} (whole file)` };
		for (const r of wholeFile) apply(segment, r, isObject(r.value) ? r.value : {});
		if (Object.keys(segment.texts).length > 0 || segment.dialect !== null) {
			if (segment.endMs > 0) doc.segments.push(segment);
			else doc.warnings.push({ code: 'no_duration', message: `Task ${id ?? index + 1} has a whole-file text but no original_length; it was not imported.` });
		}
	}
	if (untimed > 0) doc.warnings.push({ code: 'untimed_regions', message: `${untimed} region(s) without a valid start and end were skipped.` });
	if (extraLabels > 0) doc.warnings.push({ code: 'several_labels', message: `${extraLabels} region(s) carry several labels; the first was taken as the speaker.` });
	if (ignored.size > 0) doc.warnings.push({ code: 'ignored_results', message: `Result types not imported: ${[...ignored].join(', ')}.` });
	doc.durationMs = durationMs;
	return { id, audio, annotationId: typeof chosen.id === 'string' || typeof chosen.id === 'number' ? chosen.id : null, document: finishDocument(doc) };
}

function where(index: number): string {
	return `tasks[${index}]`;
}

function latest(list: Record<string, unknown>[]): Record<string, unknown> | undefined {
	let best: Record<string, unknown> | undefined;
	for (const a of list) {
		if (!best || compareAnnotations(a, best) > 0) best = a;
	}
	return best;
}

function compareAnnotations(a: Record<string, unknown>, b: Record<string, unknown>): number {
	const time = (x: Record<string, unknown>) => Date.parse(String(x.updated_at ?? x.created_at ?? '')) || 0;
	return time(a) - time(b) || Number(a.id ?? 0) - Number(b.id ?? 0);
}
