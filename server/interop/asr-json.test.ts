import { describe, expect, it } from 'vitest';
import { readAsrJson } from './asr-json.ts';

describe(readAsrJson.name, () => {
	it('reads Whisper segments with words as machine-made text, keeping CJK and the language', () => {
		const whisper = {
			text: ' 你好。 second',
			language: 'yue',
			segments: [
				{ id: 0, seek: 0, start: 0.0, end: 1.52, text: ' 你好。', avg_logprob: -0.2, words: [{ word: ' 你', start: 0.0, end: 0.5, probability: 0.9 }, { word: '好。', start: 0.5, end: 1.52, probability: 0.8 }] },
				{ id: 1, start: 1.52, end: 1.52, text: ' zero length' },
				{ id: 2, start: 2.0005, end: 3.25, text: ' second', speaker: 'SPEAKER_01', words: [{ word: 'second' }] }
			]
		};
		const doc = readAsrJson(Buffer.from(JSON.stringify(whisper)));
		expect(doc.language).toBe('yue');
		expect(doc.segments).toMatchObject([
			{ startMs: 0, endMs: 1520, speaker: null, texts: { transcript: '你好。' }, origin: 'machine', words: [{ startMs: 0, endMs: 500, text: '你', confidence: 0.9 }, { startMs: 500, endMs: 1520, text: '好。', confidence: 0.8 }] },
			{ startMs: 2001, endMs: 3250, speaker: 'SPEAKER_01', texts: { transcript: 'second' }, origin: 'machine' }
		]);
		expect(doc.segments[1].words).toBeUndefined();
		expect(doc.warnings.map((w) => w.code)).toEqual(['skipped_segments', 'untimed_words']);
	});

	it('reads a bare segment array and the Hugging Face chunks shape', () => {
		expect(readAsrJson(Buffer.from('[{"start":1,"end":2,"text":"a"}]')).segments[0]).toMatchObject({ startMs: 1000, endMs: 2000 });
		expect(readAsrJson(Buffer.from('{"text":"x","chunks":[{"timestamp":[0.5,1.5],"text":" 早晨"}]}')).segments[0]).toMatchObject({ startMs: 500, endMs: 1500, texts: { transcript: '早晨' } });
	});

	it.each([
		['invalid JSON', '{\n  "segments": [\n    {"start": 1,, "end": 2}\n  ]\n}', /line 3, column 17: invalid JSON/],
		['a segment without times', '{"segments":[{"start":"one","end":2,"text":"x"}]}', /segments\[0\]: the start time must be a number/],
		['another JSON document', '{"hello":"world"}', /Not an ASR result/]
	])('explains %s', (_name, text, message) => {
		expect(() => readAsrJson(Buffer.from(text))).toThrow(message);
	});
});
