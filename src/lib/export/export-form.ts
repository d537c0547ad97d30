/**
 * What the export dialog sends and how it words what comes back. Pure (no Svelte, no fetch), so it
 * is tested on its own.
 */
import { ApiError } from '$lib/api/client';
import type { CreateExportInput, ExportFilter, ExportFormat } from '$lib/api/types';
import { describeError } from '$lib/i18n/errors';

type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

export const EXPORT_FORMAT_GROUPS: { key: 'transcripts' | 'corpus' | 'tables'; formats: ExportFormat[] }[] = [
	{ key: 'transcripts', formats: ['textgrid', 'eaf', 'srt', 'webvtt'] },
	{ key: 'corpus', formats: ['kaldi', 'nemo', 'audiofolder', 'common-voice'] },
	{ key: 'tables', formats: ['csv', 'jsonl'] }
];

export const CORPUS_FORMATS: ExportFormat[] = ['kaldi', 'nemo', 'audiofolder', 'common-voice'];
export const RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** The dialog's fields as the person sets them (percentages for splits, dates as yyyy-mm-dd). */
export const REVIEW_STATES = ['unreviewed', 'accepted', 'corrected', 'rejected'] as const;
export type ReviewStateName = (typeof REVIEW_STATES)[number];

export interface ExportForm {
	format: ExportFormat;
	statuses: string[];
	reviewStates: ReviewStateName[];
	dialectTagIds: string[];
	withoutDialect: boolean;
	speakerIds: string[];
	transcriberIds: string[];
	from: string;
	to: string;
	clipFormat: 'wav' | 'flac';
	sampleRate: number;
	channels: number;
	train: number;
	dev: number;
	test: number;
	seed: number;
}

/** The request body: empty conditions left out, dates as the whole day (local time), splits as ratios. */
export function buildExportRequest(form: ExportForm, recordingId: string | null): CreateExportInput {
	const filter: ExportFilter = {};
	if (recordingId) filter.recordingIds = [recordingId];
	if (form.statuses.length) filter.statuses = form.statuses;
	if (form.reviewStates.length) filter.reviewStates = form.reviewStates;
	if (form.dialectTagIds.length) filter.dialectTagIds = form.dialectTagIds;
	if (form.withoutDialect) filter.withoutDialect = true;
	if (form.speakerIds.length) filter.speakerIds = form.speakerIds;
	if (form.transcriberIds.length) filter.transcriberIds = form.transcriberIds;
	if (form.from) filter.from = new Date(`${form.from}T00:00:00`).toISOString();
	if (form.to) filter.to = new Date(`${form.to}T23:59:59.999`).toISOString();
	const corpus = CORPUS_FORMATS.includes(form.format);
	const share = (n: number) => Math.max(0, Math.min(100, Number(n) || 0)) / 100;
	return {
		format: form.format,
		filter,
		options: corpus
			? {
					clipFormat: form.clipFormat,
					sampleRate: form.sampleRate,
					channels: form.channels,
					splits: { train: share(form.train), dev: share(form.dev), test: share(form.test) },
					seed: Math.max(0, Math.floor(Number(form.seed) || 0))
				}
			: {}
	};
}

const KNOWN_ERRORS = new Set(['invalid_filter', 'empty_selection', 'not_ready']);

export function exportErrorText(err: unknown, t: Translate): string {
	if (err instanceof ApiError && KNOWN_ERRORS.has(err.code)) return t(`export.errors.${err.code}`, { values: { detail: err.message } });
	return describeError(err, t);
}
