import { describe, expect, it } from 'vitest';
import type { LabelStudioTask } from '../interop/label-studio.ts';
import { emptyDocument, finishDocument, type InteropDocument, type InteropSegment } from '../interop/model.ts';
import { audioBaseNames, matchTasksToRecordings } from './match-recordings.ts';
import { MappingError, asciiCode, resolveMapping, type ProjectContext } from './transcript-import.mapping.ts';
import { countSameSpeakerOverlaps, planRecordingImport } from './transcript-import.plan.ts';

const seg = (speaker: string | null, texts: Record<string, string>, dialect: string | null = null): InteropSegment => ({
	startMs: 0,
	endMs: 1000,
	speaker,
	dialect,
	texts,
	status: null,
	origin: 'human'
});

function doc(segments: InteropSegment[]): InteropDocument {
	return finishDocument({ ...emptyDocument('textgrid'), segments });
}

const PROJECT: ProjectContext = {
	projectId: 'p',
	speakers: [
		{ id: 'id-a', code: 'A', name: 'Ah Ming' },
		{ id: 'id-lee', code: 'LEE', name: 'Lee Wai' }
	],
	layers: [
		{ key: 'mandarin', name_en: 'Mandarin', name_zh: '普通话', sort_order: 1 },
		{ key: 'transcript', name_en: 'Transcript', name_zh: '转写', sort_order: 0 }
	],
	tags: [{ id: 'tag-gz', code: 'yue-gz', nameEn: 'Guangzhou', nameZh: '广州话' }]
};

describe(resolveMapping.name, () => {
	it('fills defaults: speakers by code, case or name, else created with an ASCII code; layers by key or name; dialects by code or name', () => {
		const m = resolveMapping(
			[doc([seg('A', { transcript: 'x' }), seg('lee', { 普通话: 'y' }), seg('Ah Ming', {}), seg('张三', { notes: 'z' }, '广州话'), seg(null, {}, 'Klingon')])],
			PROJECT
		);
		expect(Object.fromEntries(m.speakers)).toEqual({
			A: { kind: 'existing', id: 'id-a', code: 'A', name: 'Ah Ming' },
			lee: { kind: 'existing', id: 'id-lee', code: 'LEE', name: 'Lee Wai' },
			'Ah Ming': { kind: 'existing', id: 'id-a', code: 'A', name: 'Ah Ming' },
			张三: { kind: 'create', code: 'S1', name: '张三' },
			'(none)': { kind: 'none' }
		});
		expect(Object.fromEntries(m.layers)).toEqual({ transcript: 'transcript', 普通话: 'mandarin', notes: null });
		expect(Object.fromEntries(m.dialects)).toEqual({ 广州话: 'tag-gz', Klingon: null });
		expect(m.creates).toEqual([{ code: 'S1', name: '张三' }]);
		expect(m.warnings.map((w) => [w.code, w.values])).toEqual([
			['skipped_layer', ['notes']],
			['unmatched_dialect', ['Klingon']]
		]);
	});

	it('keeps new codes apart from taken ones and from each other', () => {
		const m = resolveMapping([doc([seg('Zoé Martin', { transcript: 'a' }), seg('B', {}), seg('b', {})])], {
			...PROJECT,
			speakers: [{ id: 'x', code: 'Zoe_Martin', name: 'Someone else' }]
		});
		expect(m.creates.map((c) => c.code)).toEqual(['Zoe_Martin-2', 'B', 'b-2']);
	});

	it('sends the file’s transcript to the first layer of a project that has no transcript layer', () => {
		const m = resolveMapping([doc([seg('A', { transcript: 'x' })])], { ...PROJECT, layers: [{ key: 'hanzi', name_en: 'Characters', name_zh: '汉字', sort_order: 0 }] });
		expect(m.layers.get('transcript')).toBe('hanzi');
	});

	it('takes explicit choices and refuses ones naming what does not exist', () => {
		const d = [doc([seg('A', { transcript: 'x', notes: 'n' }, 'zz')])];
		const m = resolveMapping(d, PROJECT, {
			speakers: { A: { create: { code: 'NEW', name: 'New one' } } },
			layers: { notes: 'mandarin', transcript: null },
			dialects: { zz: 'tag-gz' }
		});
		expect(m.speakers.get('A')).toEqual({ kind: 'create', code: 'NEW', name: 'New one' });
		expect(Object.fromEntries(m.layers)).toEqual({ notes: 'mandarin', transcript: null });
		expect(m.dialects.get('zz')).toBe('tag-gz');

		const problems = (mapping: Parameters<typeof resolveMapping>[2]) => {
			try {
				resolveMapping(d, PROJECT, mapping);
				return [];
			} catch (err) {
				return (err as MappingError).problems;
			}
		};
		expect(problems({ speakers: { A: { speakerId: 'nope' } } })).toEqual([expect.stringContaining('not a speaker of this project')]);
		expect(problems({ speakers: { A: { create: { code: 'lee' } } } })).toEqual([expect.stringContaining('taken by LEE')]);
		expect(problems({ speakers: { Q: null } })).toEqual(['The file has no speaker "Q" to map']);
		expect(problems({ layers: { notes: 'transcript', transcript: 'transcript' } })).toEqual([expect.stringContaining('both mapped')]);
		expect(problems({ layers: { notes: 'gloss' } })).toEqual([expect.stringContaining('not a text layer')]);
		expect(problems({ dialects: { zz: 'tag-x' } })).toEqual([expect.stringContaining('not a dialect tag')]);
	});

	it('makes codes ASCII', () => {
		expect(asciiCode('SPK01')).toBe('SPK01');
		expect(asciiCode('Zoé Martin')).toBe('Zoe_Martin');
		expect(asciiCode('说话人')).toBe('');
		expect(asciiCode('-x')).toBe('x');
	});
});

describe(matchTasksToRecordings.name, () => {
	const task = (id: number, audio: string | null, segments = 1): LabelStudioTask => ({
		id,
		audio,
		annotationId: segments > 0 ? id : null,
		document: doc(Array.from({ length: segments }, () => seg('A', { transcript: 't' })))
	});
	const recordings = [
		{ id: 'r1', name: 'Tape 1.WAV', durationMs: 1000 },
		{ id: 'r2', name: 'tape2.flac', durationMs: 1000 },
		{ id: 'r3', name: 'same.wav', durationMs: 1000 },
		{ id: 'r4', name: 'same.mp3', durationMs: 1000 },
		{ id: 'r5', name: 'busy.wav', durationMs: 0 }
	];

	it('cuts audio references to their base names, with and without the upload prefix', () => {
		expect(audioBaseNames('/data/upload/3/1a2b3c4d-Tape%201.wav?x=1#t')).toEqual(['1a2b3c4d-tape 1.wav', 'tape 1.wav']);
		expect(audioBaseNames('C:\\audio\\a.wav')).toEqual(['a.wav']);
		expect(audioBaseNames('s3://b/%E5%BD%95%E9%9F%B3.wav')).toEqual(['录音.wav']);
		expect(audioBaseNames('bad%zz.wav')).toEqual(['bad%zz.wav']);
	});

	it('matches by name, then by name without extension; reports the rest with their reason', () => {
		const { matched, unmatched } = matchTasksToRecordings(
			[
				task(1, '/data/upload/1/deadbeef-tape%201.wav'),
				task(2, 'http://h/files/TAPE2.mp3'),
				task(3, 'same.ogg'),
				task(4, 'tape2.flac'),
				task(5, 'nothing.wav'),
				task(6, 'busy.wav'),
				task(7, 'same.wav', 0),
				task(8, null)
			],
			recordings
		);
		expect(matched.map((m) => [m.task.id, m.recording.id])).toEqual([
			[1, 'r1'],
			[2, 'r2']
		]);
		expect(unmatched.map((u) => [u.taskId, u.reason])).toEqual([
			[3, 'ambiguous'],
			[4, 'duplicate'],
			[5, 'no_recording'],
			[6, 'not_ready'],
			[7, 'no_annotation'],
			[8, 'no_recording']
		]);
		expect(matchTasksToRecordings([task(3, 'same.wav')], recordings).matched[0].recording.id).toBe('r3');
	});
});

describe(countSameSpeakerOverlaps.name, () => {
	it('counts the segments that start before an earlier one of the same speaker ends', () => {
		expect(
			countSameSpeakerOverlaps([
				{ speaker: 'a', startMs: 0, endMs: 1000 },
				{ speaker: 'a', startMs: 500, endMs: 600 },
				{ speaker: 'a', startMs: 900, endMs: 1200 },
				{ speaker: 'a', startMs: 1200, endMs: 1300 },
				{ speaker: 'b', startMs: 0, endMs: 1000 },
				{ speaker: null, startMs: 100, endMs: 200 }
			])
		).toEqual({ total: 2, speakers: ['a'] });
	});
});

describe(planRecordingImport.name, () => {
	it('refuses times outside 0 ≤ start < end even if a reader let them through, and writes nothing for them', () => {
		const d = doc([{ ...seg('A', { transcript: 'x' }), startMs: -5, endMs: 100 }]);
		const plan = planRecordingImport({
			recording: { id: 'r', name: 'r.wav', durationMs: 10_000 },
			doc: d,
			mode: 'merge',
			clip: false,
			mapping: resolveMapping([d], PROJECT),
			existing: [],
			existingEvents: [],
			userId: null
		});
		expect(plan.blocking).toBe(true);
		expect(plan.dto.warnings.find((w) => w.code === 'invalid_times')).toMatchObject({ blocking: true, count: 1 });
	});
});
