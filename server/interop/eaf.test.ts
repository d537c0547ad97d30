import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interpolateSlots, readEaf, writeEaf } from './eaf.ts';
import { collect, resolveDialectTags, type InteropSegment } from './model.ts';
import { canonical, LAYERS, segmentsArb } from './testing/arbitraries.ts';
import { eafSchemaPath, xmllintValidate } from './testing/tools.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-eaf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const schema = eafSchemaPath();

function seg(startMs: number, endMs: number, speaker: string | null, texts: Record<string, string>, extra: Partial<InteropSegment> = {}): InteropSegment {
	return { startMs, endMs, speaker, dialect: null, texts, status: 'new', origin: 'human', ...extra };
}

function validates(xml: string) {
	const file = path.join(dir, `out${++fileCount}.eaf`);
	writeFileSync(file, xml);
	const result = xmllintValidate(file, schema);
	expect(result.output).toContain('validates');
	expect(result.status).toBe(0);
}

const DATE = '2026-11-21T12:00:00Z';

describe(writeEaf.name, () => {
	it('writes EAF 3.0 that xmllint validates against the schema: tiers per speaker and layer, dialect CV with CVE_REF', async () => {
		const segments = [
			seg(0, 1250, 'A', { transcript: '他说“你好” & <laugh> "quoted"', mandarin: '他说你好' }, { dialect: 'yue' }),
			seg(1000, 2500, '说话人 2', { transcript: 'overlaps A (allowed: different tier)' }, { dialect: 'cmn', status: 'approved' }),
			seg(1250, 2000, 'A', {}, { status: 'transcribed' }),
			seg(1500, 2600, 'A', { transcript: 'same-speaker overlap → A#2' }),
			seg(3000, 3100, null, { transcript: 'line1\nline2\ttab' })
		];
		const xml = await collect(
			writeEaf({ segments }, {
				layers: ['transcript', 'mandarin'],
				date: DATE,
				dialects: [{ code: 'yue', nameEn: 'Cantonese', nameZh: '粤语' }],
				media: { url: 'file:///data/rec1.wav', relativeUrl: './rec1.wav', mimeType: 'audio/x-wav' }
			})
		);
		validates(xml);
		expect(xml).toContain('<TIER LINGUISTIC_TYPE_REF="mandarin" PARENT_REF="A - transcript" PARTICIPANT="A" TIER_ID="A - mandarin">');
		expect(xml).toContain('TIER_ID="A#2 - transcript"');
		expect(xml).toMatch(/<REF_ANNOTATION ANNOTATION_ID="a\d+" ANNOTATION_REF="a1" CVE_REF="cveid_dialect_1">\s*<ANNOTATION_VALUE>yue<\/ANNOTATION_VALUE>/);
		expect(xml).toContain('<CVE_VALUE DESCRIPTION="粤语" LANG_REF="zho">yue</CVE_VALUE>');
		expect(xml).toContain('&amp; &lt;laugh&gt;');
		const doc = readEaf(Buffer.from(xml));
		expect(canonical(doc.segments)).toEqual(canonical(segments));
		expect(doc.media).toBe('./rec1.wav');
		expect(resolveDialectTags(doc, [{ id: 't1', code: 'yue', nameEn: 'Cantonese', nameZh: '粤语' }]).unmatched).toEqual(['cmn']);
	});

	it('validates an empty document and one with a single speaker and no vocabularies', async () => {
		validates(await collect(writeEaf({ segments: [] }, { date: DATE })));
		validates(await collect(writeEaf({ segments: [seg(0, 10, 'A', { transcript: 'x' })] }, { date: DATE, statusTier: false, dialectTier: false })));
	});
});

describe('EAF round-trip', () => {
	it('import(export(x)) keeps every time, text, speaker, layer, tag and status (property)', () => {
		fc.assert(
			fc.property(segmentsArb, (segments) => {
				const xml = [...writeEaf({ segments }, { layers: LAYERS, date: DATE, dialectTier: true })].join('');
				expect(canonical(readEaf(Buffer.from(xml)).segments)).toEqual(canonical(segments));
			}),
			{ numRuns: 300 }
		);
	});

	it('xmllint validates generated documents (property, one xmllint each)', () => {
		fc.assert(
			fc.property(segmentsArb, (segments) => {
				validates([...writeEaf({ segments }, { layers: LAYERS, date: DATE })].join(''));
			}),
			{ numRuns: 15 }
		);
	});
});

const FOREIGN_EAF = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-05-01T12:00:00+00:00" FORMAT="2.8" VERSION="2.8">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///x/rec.wav" MIME_TYPE="audio/x-wav" TIME_ORIGIN="500"/>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
        <TIME_SLOT TIME_SLOT_ID="ts2"/>
        <TIME_SLOT TIME_SLOT_ID="ts3"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="3000"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="4000"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="5000"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="utterance" PARTICIPANT="Mary" TIER_ID="Mary">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>first</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>second</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="translation" PARENT_REF="Mary" TIER_ID="Mary translation">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1"><ANNOTATION_VALUE>premier</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="words" PARENT_REF="Mary" TIER_ID="Mary words">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a2"><ANNOTATION_VALUE>sec</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a7" ANNOTATION_REF="a2" PREVIOUS_ANNOTATION="a6"><ANNOTATION_VALUE>ond</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="variety" PARENT_REF="Mary" TIER_ID="Mary variety">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a1" CVE_REF="cve_hk"><ANNOTATION_VALUE></ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a2"><ANNOTATION_VALUE>Cantonese</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="utterance" TIER_ID="John">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a8" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6"><ANNOTATION_VALUE></ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="utterance" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="translation" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="words" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="Dialects" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="variety" TIME_ALIGNABLE="false"/>
    <LANGUAGE LANG_ID="eng"/>
    <LANGUAGE LANG_ID="zho"/>
    <CONTROLLED_VOCABULARY CV_ID="Dialects">
        <CV_ENTRY_ML CVE_ID="cve_hk"><CVE_VALUE LANG_REF="eng" DESCRIPTION="Hong Kong Cantonese">yue-hk</CVE_VALUE><CVE_VALUE LANG_REF="zho">香港粤语</CVE_VALUE></CV_ENTRY_ML>
        <CV_ENTRY_ML CVE_ID="cve_yue"><CVE_VALUE LANG_REF="eng">Cantonese</CVE_VALUE><CVE_VALUE LANG_REF="zho">粤语</CVE_VALUE></CV_ENTRY_ML>
    </CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>
`;

describe(readEaf.name, () => {
	it('maps a foreign ELAN file: participants, unaligned slots, TIME_ORIGIN, association and subdivision children, a multilingual CV', () => {
		const doc = readEaf(Buffer.from(FOREIGN_EAF));
		expect(doc.segments.map((s) => [s.startMs, s.endMs, s.speaker, s.texts, s.dialect])).toEqual([
			// ts2 and ts3 are unaligned: placed at 1000 and 2000 between 0 and 3000; then +500 origin.
			[500, 1500, 'Mary', { transcript: 'first', translation: 'premier' }, 'yue-hk'],
			[2500, 3500, 'Mary', { transcript: 'second', words: 'sec ond' }, 'Cantonese'],
			[4500, 5500, 'John', {}, null]
		]);
		expect(doc.warnings.map((w) => w.code).sort()).toEqual(['joined_annotations', 'unaligned_time_slots']);
		expect(doc.dialects.map((d) => d.id)).toEqual(['cve_hk', 'cve_yue']);
		const { byValue, unmatched } = resolveDialectTags(doc, [
			{ id: 'tag-hk', code: 'yue-hk', nameEn: 'Hong Kong', nameZh: '香港粤语' },
			{ id: 'tag-yue', code: 'yue', nameEn: 'Cantonese (Yue)', nameZh: '粤语' }
		]);
		expect(byValue.get('yue-hk')?.id).toBe('tag-hk');
		expect(byValue.get('Cantonese')?.id).toBe('tag-yue');
		expect(unmatched).toEqual([]);
	});

	it('joins time-aligned child annotations (Included_In) into the layer of the segment around them', () => {
		const xml = `<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-05-01T12:00:00Z" VERSION="3.0"><HEADER/>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="400"/><TIME_SLOT TIME_SLOT_ID="t3" TIME_VALUE="600"/><TIME_SLOT TIME_SLOT_ID="t4" TIME_VALUE="1000"/></TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="u" TIER_ID="K"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t4"><ANNOTATION_VALUE>你好吗</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>
<TIER LINGUISTIC_TYPE_REF="w" PARENT_REF="K" TIER_ID="K - words"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2"><ANNOTATION_VALUE>你好</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="t3" TIME_SLOT_REF2="t4"><ANNOTATION_VALUE>吗</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="u" TIME_ALIGNABLE="true"/><LINGUISTIC_TYPE CONSTRAINTS="Included_In" LINGUISTIC_TYPE_ID="w" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>`;
		const doc = readEaf(Buffer.from(xml));
		expect(doc.segments).toMatchObject([{ startMs: 0, endMs: 1000, speaker: 'K', texts: { transcript: '你好吗', words: '你好 吗' } }]);
	});

	it.each([
		['malformed XML', '<ANNOTATION_DOCUMENT>\n<HEADER>\n</ANNOTATION_DOCUMENT>', /line 3, column 22: unexpected close tag/],
		['a missing TIME_ORDER', '<ANNOTATION_DOCUMENT><HEADER/></ANNOTATION_DOCUMENT>', /<ANNOTATION_DOCUMENT> on line 1: the required <TIME_ORDER> is missing/],
		['a dangling time slot', FOREIGN_EAF.replace('TIME_SLOT_REF2="ts6"', 'TIME_SLOT_REF2="ts9"'), /<ALIGNABLE_ANNOTATION> on line 30: TIME_SLOT_REF2 "ts9" is not a TIME_SLOT/],
		['an undefined linguistic type', FOREIGN_EAF.replace('LINGUISTIC_TYPE_REF="words"', 'LINGUISTIC_TYPE_REF="nope"'), /<TIER> on line 21: tier "Mary words" refers to an undefined LINGUISTIC_TYPE "nope"/],
		['a reference to no annotation', FOREIGN_EAF.replace('ANNOTATION_REF="a1"><ANNOTATION_VALUE>premier', 'ANNOTATION_REF="a99"><ANNOTATION_VALUE>premier'), /ANNOTATION_REF "a99" is not an annotation/],
		['another XML document', '<html><body/></html>', /root element is <html>/]
	])('names the element and line of %s', (_name, xml, message) => {
		expect(() => readEaf(Buffer.from(xml))).toThrow(message);
	});

	it('refuses an unknown declared encoding by name', () => {
		expect(() => readEaf(Buffer.from('<?xml version="1.0" encoding="X-KLINGON"?><ANNOTATION_DOCUMENT/>'))).toThrow(/Unknown character encoding "X-KLINGON"/);
	});
});

describe(interpolateSlots.name, () => {
	it('spreads runs of unaligned slots evenly and counts them', () => {
		const slots = [{ value: 100 }, { value: null }, { value: null }, { value: null }, { value: 500 }, { value: null }];
		expect(interpolateSlots(slots)).toBe(4);
		expect(slots.map((s) => s.value)).toEqual([100, 200, 300, 400, 500, 500]);
	});
});
