import { describe, expect, it } from 'vitest';
import { cleanText, clipToDuration, compactTexts, emptyDocument, maxTimeMs, resolveDialectTags, secondsToMs, type InteropDocument } from './model.ts';
import { detectTranscriptFormat, readTranscript } from './read.ts';
import { assignLanes, formatTierName, parseTierName } from './tiers.ts';

function doc(): InteropDocument {
	const d = emptyDocument('srt');
	d.segments = [
		{ startMs: 0, endMs: 1000, speaker: 'A', dialect: 'yue', texts: { transcript: 'a' }, status: null, origin: 'human' },
		{ startMs: 1500, endMs: 2500, speaker: 'A', dialect: null, texts: { transcript: 'b' }, status: null, origin: 'human', words: [{ startMs: 1500, endMs: 1900, text: 'b1', confidence: null }, { startMs: 2100, endMs: 2500, text: 'b2', confidence: null }] },
		{ startMs: 2600, endMs: 3000, speaker: 'B', dialect: '粤语', texts: { transcript: 'c' }, status: null, origin: 'human' }
	];
	d.events = [{ startMs: 2700, endMs: null, tier: 'noise', speaker: null, text: 'x' }];
	return d;
}

describe(clipToDuration.name, () => {
	it('reports the overrun, cuts what crosses the end, removes what starts after it, with a warning', () => {
		const original = doc();
		expect(maxTimeMs(original)).toBe(3000);
		const clipped = clipToDuration(original, 2000);
		expect(clipped.segments.map((s) => [s.startMs, s.endMs])).toEqual([
			[0, 1000],
			[1500, 2000]
		]);
		expect(clipped.segments[1].words).toEqual([{ startMs: 1500, endMs: 1900, text: 'b1', confidence: null }]);
		expect(clipped.events).toEqual([]);
		expect(clipped.warnings[0].message).toMatch(/reaches 0:00:03.000 but the recording is 0:00:02.000 long: 1 segment\(s\) cut at the end, 1 segment\(s\) and 1 event\(s\) after it removed/);
		expect(original.segments).toHaveLength(3);
		expect(clipToDuration(original, 5000).warnings).toEqual([]);
	});
});

describe('text and time helpers', () => {
	it('cleans text: NFC, LF, no control characters, no lone surrogates', () => {
		expect(cleanText('e\u0301\r\nx\u0007\ud800y')).toBe('é\nx\ufffdy');
		// The fast paths: ASCII needing nothing, ASCII with controls, CJK with a decomposed mark.
		expect(cleanText('plain "ascii"\ttext')).toBe('plain "ascii"\ttext');
		expect(cleanText('a\rb\u001fc\u007f')).toBe('a\nbc');
		expect(cleanText('佢哋講e\u0301')).toBe('佢哋講é');
		expect(cleanText('\udc00')).toBe('\ufffd');
		expect(cleanText('')).toBe('');
		expect(compactTexts({ a: '', b: '  ', c: ' x ', d: null })).toEqual({ c: ' x ' });
		expect(secondsToMs(1.0005)).toBe(1001);
		expect(secondsToMs(59.9996)).toBe(60000);
	});

	it('matches dialect values to project tags by code or name', () => {
		const { byValue, unmatched } = resolveDialectTags(doc(), [{ id: 't', code: 'yue', nameEn: 'Cantonese', nameZh: '粤语' }]);
		expect([...byValue.keys()]).toEqual(['yue', '粤语']);
		expect(unmatched).toEqual([]);
	});
});

describe('tier names', () => {
	it.each([
		['A - transcript', { speaker: 'A', lane: 1, layer: 'transcript', conventional: true }],
		['说话人 2#3 - dialect', { speaker: '说话人 2', lane: 3, layer: 'dialect', conventional: true }],
		['(none) - status', { speaker: null, lane: 1, layer: 'status', conventional: true }],
		['Jean - Pierre - mandarin', { speaker: 'Jean - Pierre', lane: 1, layer: 'mandarin', conventional: true }],
		['Mary', { speaker: 'Mary', lane: 1, layer: 'transcript', conventional: false }],
		['words - phone set', { speaker: 'words - phone set', lane: 1, layer: 'transcript', conventional: false }]
	])('parses %s', (name, expected) => {
		expect(parseTierName(name)).toEqual(expected);
		if (expected.conventional) expect(formatTierName(expected.speaker, expected.lane, expected.layer)).toBe(name);
	});

	it('puts overlapping segments on overflow lanes, touching ones on the same lane', () => {
		expect(assignLanes([{ startMs: 0, endMs: 10 }, { startMs: 10, endMs: 20 }, { startMs: 5, endMs: 15 }, { startMs: 12, endMs: 30 }])).toEqual([1, 1, 2, 3]);
	});
});

describe(detectTranscriptFormat.name, () => {
	it.each([
		['a.TextGrid', 'File type = "ooTextFile"', 'textgrid'],
		['a.eaf', '<ANNOTATION_DOCUMENT/>', 'eaf'],
		['a.trs', '<Trans/>', 'trs'],
		['a.srt', '1\n00:00:01,000 --> 00:00:02,000\nx', 'srt'],
		['a.vtt', 'WEBVTT', 'webvtt'],
		['a.json', '{"segments":[]}', 'asr-json'],
		['a.json', '[{"data":{"audio":"x"},"annotations":[]}]', 'label-studio'],
		['noext', 'WEBVTT\n', 'webvtt'],
		['noext', '\ufeffFile type = "ooTextFile"', 'textgrid']
	])('%s holding %j is %s', (name, content, format) => {
		expect(detectTranscriptFormat(name, Buffer.from(content))).toBe(format);
	});

	it('refuses what it cannot tell, and reads through readTranscript', () => {
		expect(() => detectTranscriptFormat('notes.txt', Buffer.from('hello'))).toThrow(/Cannot tell the transcript format of "notes.txt"/);
		expect(readTranscript('a.vtt', Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>hi\n')).documents[0].segments[0]).toMatchObject({ speaker: 'A', startMs: 1000 });
	});
});
