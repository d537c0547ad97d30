import { describe, expect, it } from 'vitest';
import { readTrs } from './trs.ts';

/** A Transcriber file as Transcriber 1.5 writes it: ISO-8859-1, DOCTYPE, sections, overlapping turn. */
const TRS = `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd">
<Trans scribe="anon" audio_filename="entretien" version="2" version_date="050601">
<Speakers>
<Speaker id="spk1" name="Hélène" check="no" dialect="native" accent="lyonnais" scope="local"/>
<Speaker id="spk2" name="Jérôme" check="no" dialect="nonnative" accent="" scope="local"/>
</Speakers>
<Episode>
<Section type="report" startTime="0" endTime="9.5">
<Turn speaker="spk1" startTime="0" endTime="4.25">
<Sync time="0"/>
bonjour <Event desc="rire" type="noise" extent="instantaneous"/> à tous
<Sync time="2.5"/>
<Event desc="musique" type="noise" extent="begin"/>
ça va très bien
</Turn>
<Turn speaker="spk1 spk2" startTime="4.25" endTime="6">
<Sync time="4.25"/>
<Who nb="1"/>
oui oui
<Who nb="2"/>
non
<Event desc="musique" type="noise" extent="end"/>
</Turn>
<Turn startTime="6" endTime="9.5">
<Sync time="6"/>
<Sync time="8"/>
<Comment desc="inaudible"/>
</Turn>
</Section>
</Episode>
</Trans>
`;

function latin1(text: string): Buffer {
	return Buffer.from(text, 'latin1');
}

describe(readTrs.name, () => {
	it('reads speakers, Sync stretches, overlapping turns (Who) and events, decoding the declared ISO-8859-1', () => {
		const doc = readTrs(latin1(TRS));
		expect(doc.speakers).toEqual([
			{ code: 'spk1', name: 'Hélène', attributes: { dialect: 'native', accent: 'lyonnais', check: 'no', scope: 'local' } },
			{ code: 'spk2', name: 'Jérôme', attributes: { dialect: 'nonnative', check: 'no', scope: 'local' } }
		]);
		expect(doc.segments.map((s) => [s.startMs, s.endMs, s.speaker, s.texts.transcript])).toEqual([
			[0, 2500, 'spk1', 'bonjour à tous'],
			[2500, 4250, 'spk1', 'ça va très bien'],
			[4250, 6000, 'spk1', 'oui oui'],
			[4250, 6000, 'spk2', 'non']
		]);
		expect(doc.events).toEqual([
			{ startMs: 0, endMs: null, tier: 'noise', speaker: 'spk1', text: 'rire' },
			{ startMs: 2500, endMs: 4250, tier: 'noise', speaker: 'spk1', text: 'musique' },
			{ startMs: 8000, endMs: null, tier: 'comment', speaker: null, text: 'inaudible' }
		]);
		expect(doc.durationMs).toBe(9500);
		expect(doc.media).toBe('entretien');
		expect(doc.warnings.map((w) => w.code)).toEqual(['empty_stretches']);
	});

	it('reads UTF-8 files with Chinese text', () => {
		const utf8 = TRS.replace('ISO-8859-1', 'UTF-8').replace('bonjour', '你好');
		expect(readTrs(Buffer.from(utf8)).segments[0].texts.transcript).toBe('你好 à tous');
	});

	it('refuses an unknown encoding, naming it', () => {
		expect(() => readTrs(latin1(TRS.replace('ISO-8859-1', 'X-MAC-KLINGON')))).toThrow(/Unknown character encoding "X-MAC-KLINGON"/);
	});

	it.each([
		['a Who beyond the turn\'s speakers', TRS.replace('<Who nb="2"/>', '<Who nb="3"/>'), /<Who> on line 21: nb="3" does not name one of the turn's 2 speaker/],
		['a Sync going back in time', TRS.replace('<Sync time="2.5"/>', '<Sync time="-1"/>'), /<Sync> on line 13: time="-1" is not a time/],
		['a Turn without times', TRS.replace('<Turn startTime="6" endTime="9.5">', '<Turn>'), /<Turn> on line 25: the startTime attribute is missing/],
		['broken XML', TRS.replace('</Section>', ''), /line 31, column \d+: unexpected close tag/]
	])('names the element and line of %s', (_name, text, message) => {
		expect(() => readTrs(latin1(text))).toThrow(message);
	});
});
