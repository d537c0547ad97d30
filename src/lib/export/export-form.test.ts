import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api/client';
import { buildExportRequest, exportErrorText, type ExportForm } from './export-form.ts';

const form = (over: Partial<ExportForm> = {}): ExportForm => ({
	format: 'textgrid',
	statuses: [],
	reviewStates: [],
	dialectTagIds: [],
	withoutDialect: false,
	speakerIds: [],
	transcriberIds: [],
	from: '',
	to: '',
	clipFormat: 'wav',
	sampleRate: 16000,
	channels: 1,
	train: 80,
	dev: 10,
	test: 10,
	seed: 1,
	...over
});

describe(buildExportRequest.name, () => {
	it('leaves empty conditions out and sends no clip options for transcripts', () => {
		expect(buildExportRequest(form(), null)).toEqual({ format: 'textgrid', filter: {}, options: {} });
		expect(buildExportRequest(form({ format: 'eaf' }), 'rec1').filter).toEqual({ recordingIds: ['rec1'] });
	});

	it('sends the filter, whole days, and splits as ratios for corpus formats', () => {
		const body = buildExportRequest(form({ format: 'audiofolder', statuses: ['transcribed'], reviewStates: ['accepted'], withoutDialect: true, speakerIds: ['s1'], from: '2026-03-01', to: '2026-03-02', train: 70, dev: 15, test: 15, seed: 42.7, sampleRate: 22050 }), null);
		expect(body.filter).toMatchObject({ statuses: ['transcribed'], reviewStates: ['accepted'], withoutDialect: true, speakerIds: ['s1'] });
		expect(new Date(body.filter!.from!).getTime()).toBeLessThan(new Date(body.filter!.to!).getTime());
		expect(new Date(body.filter!.to!).getTime() - new Date(body.filter!.from!).getTime()).toBe(2 * 86_400_000 - 1);
		expect(body.options).toEqual({ clipFormat: 'wav', sampleRate: 22050, channels: 1, splits: { train: 0.7, dev: 0.15, test: 0.15 }, seed: 42 });
	});
});

describe(exportErrorText.name, () => {
	it('words the export refusals and falls back to the shared messages', () => {
		const t = (id: string, o?: { values?: Record<string, string | number> }) => `${id}|${o?.values?.detail ?? ''}`;
		expect(exportErrorText(new ApiError(422, 'empty_selection', 'nothing'), t)).toBe('export.errors.empty_selection|nothing');
		expect(exportErrorText(new ApiError(403, 'forbidden', 'no'), t)).toBe('errors.forbidden|');
	});
});
