/**
 * What the transcript import dialog sends and how it words what comes back. Pure (no Svelte, no
 * fetch), so it is tested on its own.
 */
import { ApiError } from '$lib/api/client';
import type { ImportWarning } from '$lib/api/types';
import { describeError } from '$lib/i18n/errors';
import { formatClock } from '$lib/utils/format-duration';

type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

export type ImportFormat = 'textgrid' | 'eaf' | 'trs' | 'srt' | 'webvtt' | 'asr-json' | 'label-studio';
export const IMPORT_FORMATS: ImportFormat[] = ['textgrid', 'eaf', 'trs', 'srt', 'webvtt', 'asr-json', 'label-studio'];

export type SpeakerChoice = { speakerId: string } | { create: { code: string; name?: string } } | null;

/** The person's own choices (the server fills in the rest): what the `mapping` field carries. */
export interface MappingChoices {
	speakers: Record<string, SpeakerChoice>;
	layers: Record<string, string | null>;
	dialects: Record<string, string | null>;
}

export const emptyChoices = (): MappingChoices => ({ speakers: {}, layers: {}, dialects: {} });

export interface ImportRequest {
	mode: 'merge' | 'replace';
	/** '' lets the server detect it. */
	format: ImportFormat | '';
	clip: boolean;
	choices: MappingChoices;
}

/** The `mapping` field: only the parts the person chose, so the defaults stay the server's. */
export function mappingJson(choices: MappingChoices): string {
	const out: Record<string, unknown> = {};
	for (const part of ['speakers', 'layers', 'dialects'] as const) {
		if (Object.keys(choices[part]).length > 0) out[part] = choices[part];
	}
	return JSON.stringify(out);
}

/** The multipart body of a preview (no token) or an apply (with the preview's token). */
export function buildImportForm(file: File, request: ImportRequest, token?: string): FormData {
	const form = new FormData();
	form.append('file', file, file.name);
	form.append('mode', request.mode);
	if (request.format) form.append('format', request.format);
	form.append('mapping', mappingJson(request.choices));
	form.append('clip', String(request.clip));
	if (token) {
		form.append('apply', 'true');
		form.append('token', token);
	}
	return form;
}

/** A speaker code the server accepts (ASCII letters, digits, `_ . -`, ≤ 32), from a file's name for the speaker. */
export function suggestCode(fileCode: string, index: number): string {
	const ascii = fileCode
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/\s+/g, '_')
		.replace(/[^A-Za-z0-9_.-]/g, '')
		.replace(/^[^A-Za-z0-9]+/, '')
		.slice(0, 32);
	return ascii || `S${index + 1}`;
}

const KNOWN_WARNINGS = new Set([
	'past_the_end',
	'clipped_to_recording',
	'same_speaker_overlap',
	'unmatched_dialect',
	'skipped_layer',
	'skipped_segments',
	'empty_tier',
	'zero_length_interval',
	'zero_length_annotation',
	'zero_length_stretch',
	'nothing_to_import',
	'no_recording_matched'
]);

/** A warning in the person's language when it is one the UI knows, else the server's words. */
export function warningText(warning: ImportWarning, t: Translate, quote: (values: string[]) => string): string {
	if (!KNOWN_WARNINGS.has(warning.code)) return warning.message;
	return t(`transcriptImport.w.${warning.code}`, {
		values: {
			count: warning.count ?? 0,
			values: quote(warning.values ?? []),
			element: warning.element ?? '',
			duration: formatClock(warning.durationMs ?? 0, 3),
			max: formatClock(warning.maxTimeMs ?? 0, 3)
		}
	});
}

const KNOWN_ERRORS = new Set([
	'malformed_file',
	'unknown_encoding',
	'unsupported_format',
	'preview_stale',
	'invalid_mapping',
	'use_project_import',
	'not_label_studio',
	'too_large',
	'past_the_end'
]);

/** An import failure for the person: the reader's own words (they name the line) inside a sentence of theirs. */
export function importErrorText(err: unknown, t: Translate): string {
	if (err instanceof ApiError && KNOWN_ERRORS.has(err.code)) {
		const problems = Array.isArray(err.details.problems) ? (err.details.problems as string[]).join('; ') : '';
		return t(`transcriptImport.errors.${err.code}`, { values: { detail: problems || err.message } });
	}
	return describeError(err, t);
}
