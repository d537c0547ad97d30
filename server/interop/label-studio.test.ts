import { describe, expect, it } from 'vitest';
import { readLabelStudio } from './label-studio.ts';

/** The shape of Label Studio's "JSON" export of an audio project with per-region text areas. */
const EXPORT = [
	{
		id: 7,
		data: { audio: '/data/upload/3/5f2a1c-rec01.wav' },
		annotations: [
			{ id: 20, was_cancelled: false, created_at: '2025-01-01T10:00:00Z', updated_at: '2025-01-01T10:00:00Z', result: [] },
			{
				id: 21,
				was_cancelled: false,
				created_at: '2025-01-02T10:00:00Z',
				updated_at: '2025-01-03T10:00:00Z',
				result: [
					{ id: 'r1', from_name: 'speaker', to_name: 'audio', type: 'labels', original_length: 12.5, value: { start: 0.25, end: 2.5, channel: 0, labels: ['Speaker A'] } },
					{ id: 'r1', from_name: 'transcription', to_name: 'audio', type: 'textarea', value: { start: 0.25, end: 2.5, channel: 0, text: ['你好', '第二行'] } },
					{ id: 'r1', from_name: 'dialect', to_name: 'audio', type: 'choices', value: { start: 0.25, end: 2.5, choices: ['yue'] } },
					{ id: 'r2', from_name: 'speaker', to_name: 'audio', type: 'labels', value: { start: 2, end: 4, channel: 0, labels: ['Speaker B', 'Noise'] } },
					{ id: 'r2', from_name: 'transcription', to_name: 'audio', type: 'textarea', value: { text: ['overlap "quoted"'] } },
					{ id: 'r3', from_name: 'rating', to_name: 'audio', type: 'rating', value: { rating: 4 } }
				]
			},
			{ id: 22, was_cancelled: true, created_at: '2025-02-01T10:00:00Z', updated_at: '2025-02-01T10:00:00Z', result: [] }
		],
		predictions: []
	},
	{
		id: 8,
		data: { audio: 'https://example.invalid/rec02.mp3' },
		annotations: [{ id: 30, was_cancelled: true, result: [] }],
		predictions: [
			{ id: 40, created_at: '2025-01-01T00:00:00Z', result: [{ from_name: 'transcription', to_name: 'audio', type: 'textarea', original_length: 3, value: { text: ['whole file'] } }] }
		]
	}
];

describe(readLabelStudio.name, () => {
	it('takes the latest non-cancelled annotation and joins results by region id', () => {
		const [first, second] = readLabelStudio(Buffer.from(JSON.stringify(EXPORT)));
		expect(first).toMatchObject({ id: 7, audio: '/data/upload/3/5f2a1c-rec01.wav', annotationId: 21 });
		expect(first.document.durationMs).toBe(12_500);
		expect(first.document.segments.map((s) => [s.startMs, s.endMs, s.speaker, s.dialect, s.texts, s.origin])).toEqual([
			[250, 2500, 'Speaker A', 'yue', { transcript: '你好\n第二行' }, 'human'],
			[2000, 4000, 'Speaker B', null, { transcript: 'overlap "quoted"' }, 'human']
		]);
		expect(first.document.warnings.map((w) => w.code)).toEqual(['latest_annotation', 'several_labels', 'ignored_results']);
		expect(second.annotationId).toBe(40);
		expect(second.document.segments).toMatchObject([{ startMs: 0, endMs: 3000, texts: { transcript: 'whole file' }, origin: 'machine' }]);
		expect(second.document.warnings.map((w) => w.code)).toContain('prediction_used');
	});

	it('maps text areas to layers when a task has several, or as told', () => {
		const task = {
			data: { audio: 'a.wav' },
			annotations: [
				{
					id: 1,
					result: [
						{ id: 'x', from_name: 'transcription', type: 'textarea', value: { start: 0, end: 1, text: ['方言字'] } },
						{ id: 'x', from_name: 'mandarin', type: 'textarea', value: { start: 0, end: 1, text: ['普通话'] } },
						{ id: 'x', from_name: 'accent', type: 'choices', value: { start: 0, end: 1, choices: ['Hakka'] } }
					]
				}
			]
		};
		const [auto] = readLabelStudio(Buffer.from(JSON.stringify([task])));
		expect(auto.document.segments[0]).toMatchObject({ texts: { transcription: '方言字', mandarin: '普通话' }, dialect: 'Hakka' });
		const [mapped] = readLabelStudio(Buffer.from(JSON.stringify([task])), { layerMap: { transcription: 'transcript' } });
		expect(mapped.document.segments[0].texts).toEqual({ transcript: '方言字', mandarin: '普通话' });
	});

	it('refuses what is not a task export', () => {
		expect(() => readLabelStudio(Buffer.from('{"segments":[]}'))).toThrow(/Not a Label Studio JSON export/);
		expect(() => readLabelStudio(Buffer.from('[1]'))).toThrow(/tasks\[0\] is not an object/);
	});
});
