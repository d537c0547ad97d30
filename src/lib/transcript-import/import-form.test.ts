import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api/client';
import { editorImportGuard } from './editor-guard.ts';
import { buildImportForm, emptyChoices, importErrorText, mappingJson, suggestCode, warningText } from './import-form.ts';

const t = (id: string, options?: { values?: Record<string, string | number> }) => `${id}${options?.values ? ` ${JSON.stringify(options.values)}` : ''}`;

describe('import form', () => {
	it('sends only the choices made, and the token only to apply', async () => {
		const choices = emptyChoices();
		expect(mappingJson(choices)).toBe('{}');
		choices.speakers.Mei = { create: { code: 'MEI' } };
		choices.layers.notes = null;
		expect(JSON.parse(mappingJson(choices))).toEqual({ speakers: { Mei: { create: { code: 'MEI' } } }, layers: { notes: null } });

		const file = new File(['x'], '录音.TextGrid');
		const preview = buildImportForm(file, { mode: 'replace', format: '', clip: true, choices });
		expect([...preview.keys()]).toEqual(['file', 'mode', 'mapping', 'clip']);
		expect(preview.get('mode')).toBe('replace');
		expect(preview.get('clip')).toBe('true');
		expect((preview.get('file') as File).name).toBe('录音.TextGrid');
		const apply = buildImportForm(file, { mode: 'merge', format: 'srt', clip: false, choices }, 'f'.repeat(64));
		expect(apply.get('format')).toBe('srt');
		expect(apply.get('apply')).toBe('true');
		expect(apply.get('token')).toBe('f'.repeat(64));
	});

	it('suggests ASCII speaker codes', () => {
		expect(suggestCode('Zoé Martin', 0)).toBe('Zoe_Martin');
		expect(suggestCode('说话人', 2)).toBe('S3');
	});

	it('words known warnings in the UI language, others as the server did', () => {
		expect(warningText({ code: 'past_the_end', message: 'x', blocking: true, durationMs: 6000, maxTimeMs: 8000 }, t, (v) => v.join())).toBe(
			'transcriptImport.w.past_the_end {"count":0,"values":"","element":"","duration":"0:06.000","max":"0:08.000"}'
		);
		expect(warningText({ code: 'formatting_removed', message: 'Bold was dropped.', blocking: false }, t, (v) => v.join())).toBe('Bold was dropped.');
	});

	it('keeps the reader’s words (the line) inside the sentence for a malformed file', () => {
		const err = new ApiError(422, 'malformed_file', 'line 17: expected a number');
		expect(importErrorText(err, t)).toBe('transcriptImport.errors.malformed_file {"detail":"line 17: expected a number"}');
		const mapping = new ApiError(422, 'invalid_mapping', 'a; b', { problems: ['a', 'b'] });
		expect(importErrorText(mapping, t)).toBe('transcriptImport.errors.invalid_mapping {"detail":"a; b"}');
		expect(importErrorText(new ApiError(403, 'forbidden', 'no'), t)).toBe('errors.forbidden');
	});
});

describe(editorImportGuard.name, () => {
	it('flushes the outbox first and refuses while edits are unsaved or in conflict', async () => {
		let flushed = 0;
		const autosave = { hasUnsavedChanges: true, conflicts: [] as unknown[], flush: async () => (flushed++, (autosave.hasUnsavedChanges = false), true) };
		expect(await editorImportGuard(autosave, 'unsaved')).toBeNull();
		expect(flushed).toBe(1);
		const offline = { hasUnsavedChanges: true, conflicts: [], flush: async () => false };
		expect(await editorImportGuard(offline, 'unsaved')).toBe('unsaved');
		expect(await editorImportGuard({ hasUnsavedChanges: false, conflicts: [{}], flush: async () => true }, 'unsaved')).toBe('unsaved');
		expect(await editorImportGuard(null, 'unsaved')).toBeNull();
	});
});
