import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InteropError, collect, type InteropSegment } from './model.ts';
import { canonical, LAYERS, segmentsArb } from './testing/arbitraries.ts';
import { runPraat } from './testing/tools.ts';
import { parseTextGrid, readTextGrid, writeTextGrid } from './textgrid.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-textgrid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

function seg(startMs: number, endMs: number, speaker: string | null, transcript: string, extra: Partial<InteropSegment> = {}): InteropSegment {
	return { startMs, endMs, speaker, dialect: null, texts: transcript ? { transcript } : {}, status: 'new', origin: 'human', ...extra };
}

async function exportTextGrid(segments: InteropSegment[], durationMs: number, layers: readonly string[] = ['transcript']) {
	const text = await collect(writeTextGrid({ segments }, { durationMs, layers, dialectTier: true }));
	const file = path.join(dir, `out${++fileCount}.TextGrid`);
	writeFileSync(file, text);
	return { text, file };
}

/** Praat validates the tiling and re-saves the file; ours must be byte-identical to Praat's own. */
function praatAccepts(file: string) {
	const check = runPraat('validate_textgrid.praat', file);
	expect(check.stderr).toBe('');
	expect(check.status).toBe(0);
	const resaved = `${file}.praat`;
	const roundtrip = runPraat('roundtrip.praat', file, resaved);
	expect(roundtrip.status).toBe(0);
	expect(readFileSync(resaved).equals(readFileSync(file))).toBe(true);
}

describe(writeTextGrid.name, () => {
	it('writes what Praat re-reads and re-saves byte for byte (quotes, CJK, newlines, tabs, backslashes, gaps, overlaps)', async () => {
		const segments = [
			seg(0, 1250, 'A', '他说"你好" ok — ümlaut 😀', { dialect: 'yue' }),
			seg(1250, 2500, 'A', 'line1\nline2 ! not a comment\t\\x'),
			seg(2000, 3000, 'A', 'overlaps A itself'),
			seg(333, 2001, 'B', '', { status: 'transcribed' }),
			seg(3100, 3500, null, 'no speaker', { texts: { transcript: 'no speaker', mandarin: '普通话' } })
		];
		const { text, file } = await exportTextGrid(segments, 4000, ['transcript', 'mandarin']);
		expect(text.startsWith('File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0 \nxmax = 4 \ntiers? <exists> \n')).toBe(true);
		expect(text).toContain('text = "他说""你好"" ok — ümlaut 😀" \n');
		expect(text).toContain('name = "A#2 - transcript" \n');
		praatAccepts(file);
		const dump = runPraat('dump_textgrid.praat', file);
		expect(dump.stdout).toContain('tier 1 interval name=A - transcript n=3');
		expect(dump.stdout).toContain('<他说"你好" ok — ümlaut 😀>');
		expect(readTextGrid(readFileSync(file)).segments.length).toBe(segments.length);
	});

	it('spans the whole recording with empty intervals and keeps point events', async () => {
		const { text, file } = await exportTextGrid([seg(1000, 2000, 'A', 'x')], 9000);
		const grid = parseTextGrid(text);
		const tier = grid.tiers[0];
		expect(tier.class === 'IntervalTier' && tier.intervals.map((i) => [i.xmin, i.xmax, i.text])).toEqual([
			[0, 1, ''],
			[1, 2, 'x'],
			[2, 9, '']
		]);
		praatAccepts(file);
		const withEvents = await collect(
			writeTextGrid({ segments: [seg(0, 500, 'A', 'a')], events: [{ startMs: 250, endMs: null, tier: 'events', speaker: null, text: 'click "x"' }] }, { durationMs: 1000 })
		);
		expect(readTextGrid(Buffer.from(withEvents)).events).toEqual([{ startMs: 250, endMs: null, tier: 'events', speaker: null, text: 'click "x"' }]);
	});

	it('refuses same-speaker overlaps when asked, and zero-length segments always', async () => {
		const overlapping = [seg(0, 1000, 'A', 'a'), seg(500, 1500, 'A', 'b')];
		await expect(collect(writeTextGrid({ segments: overlapping }, { durationMs: 2000, overlaps: 'error' }))).rejects.toMatchObject({ code: 'same_speaker_overlap' });
		await expect(collect(writeTextGrid({ segments: [seg(10, 10, 'A', 'a')] }, { durationMs: 2000 }))).rejects.toBeInstanceOf(InteropError);
	});

	it('streams a large grid in bounded chunks', () => {
		const segments = Array.from({ length: 20_000 }, (_, i) => seg(i * 100, i * 100 + 90, i % 2 ? 'A' : 'B', `第${i}句`));
		let chunks = 0;
		let longest = 0;
		for (const chunk of writeTextGrid({ segments }, { durationMs: 2_000_000 })) {
			chunks++;
			longest = Math.max(longest, chunk.length);
		}
		expect(chunks).toBeGreaterThan(50);
		expect(longest).toBeLessThan(70_000);
	});
});

describe('TextGrid round-trip', () => {
	it('import(export(x)) keeps every time, text, speaker, layer, tag and status (property)', () => {
		fc.assert(
			fc.property(segmentsArb, (segments) => {
				const durationMs = Math.max(1000, ...segments.map((s) => s.endMs));
				const text = [...writeTextGrid({ segments }, { durationMs, layers: LAYERS, dialectTier: true })].join('');
				const doc = readTextGrid(Buffer.from(text));
				expect(canonical(doc.segments)).toEqual(canonical(segments));
				expect(doc.durationMs).toBe(durationMs);
			}),
			{ numRuns: 300 }
		);
	});

	it('Praat re-reads generated grids identically (property, fewer runs: one Praat process each)', async () => {
		await fc.assert(
			fc.asyncProperty(segmentsArb, async (segments) => {
				const durationMs = Math.max(1000, ...segments.map((s) => s.endMs));
				const { file } = await exportTextGrid(segments, durationMs, LAYERS);
				praatAccepts(file);
			}),
			{ numRuns: 12 }
		);
	});
});

describe(readTextGrid.name, () => {
	it('reads the long and short files Praat itself saved as UTF-16 (its default for non-ASCII text)', () => {
		const long = path.join(dir, 'praat-long.TextGrid');
		const short = path.join(dir, 'praat-short.TextGrid');
		const made = runPraat('make_textgrid.praat', long, short);
		expect(made.status).toBe(0);
		const bytes = readFileSync(long);
		expect([bytes[0], bytes[1]]).toEqual([0xfe, 0xff]);
		for (const file of [long, short]) {
			const doc = readTextGrid(readFileSync(file));
			expect(doc.durationMs).toBe(4000);
			expect(doc.segments.map((s) => [s.startMs, s.endMs, s.speaker, s.texts.transcript])).toEqual([
				[500, 3750, 'Mary', '粤语 ümlaut'],
				[1250, 2500, 'A', '他说"你好" ok'],
				[2500, 4000, 'A', 'line1\nline2 \\ tab\t!']
			]);
			expect(doc.events).toEqual([{ startMs: 1500, endMs: null, tier: 'bell', speaker: null, text: 'click' }]);
		}
	});

	it('reads UTF-16 LE with BOM, UTF-8 with BOM, CRLF, comments and the old short header', async () => {
		const { text } = await exportTextGrid([seg(0, 1000, 'A', '你好')], 2000);
		const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')]);
		expect(readTextGrid(le).segments[0].texts.transcript).toBe('你好');
		const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('xmin = 0 \n', 'xmin = 0 ! a comment "with quotes"\n'))]);
		expect(readTextGrid(bom).segments[0].texts.transcript).toBe('你好');
		const oldShort = 'File type = "ooTextFile short"\n"TextGrid"\n\n0\n2\n<exists>\n1\n"IntervalTier"\n"A"\n0\n2\n2\n0\n1\n"hi"\n1\n2\n""\n';
		expect(readTextGrid(Buffer.from(oldShort)).segments).toMatchObject([{ startMs: 0, endMs: 1000, speaker: 'A', texts: { transcript: 'hi' } }]);
	});

	it('reports zero-length intervals instead of losing them silently', () => {
		const grid = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n1\n"IntervalTier"\n"A"\n0\n2\n3\n0\n1\n"a"\n1\n1.0002\n"tiny"\n1.0002\n2\n""\n';
		const doc = readTextGrid(Buffer.from(grid));
		expect(doc.segments).toHaveLength(1);
		expect(doc.warnings.map((w) => w.code)).toContain('zero_length_interval');
	});

	it('reports a tier that leaves its speaker with nothing, not the empty layer tiers of a speaker who has text', () => {
		const tier = (name: string, text: string) => `"IntervalTier"\n"${name}"\n0\n2\n1\n0\n2\n"${text}"\n`;
		const grid = `File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n4\n${tier('A - transcript', 'hi')}${tier('A - notes', '')}${tier('A#2 - transcript', '')}${tier('B', ' ')}`;
		const doc = readTextGrid(Buffer.from(grid));
		expect(doc.segments.map((s) => [s.speaker, s.texts])).toEqual([['A', { transcript: 'hi' }]]);
		expect(doc.warnings.filter((w) => w.code === 'empty_tier')).toEqual([{ code: 'empty_tier', message: '1 tier(s) hold no text: "B".', element: 'B' }]);
	});

	it.each([
		['a truncated file', 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 2\ntiers? <exists>\nsize = 1\nitem []:\n    item [1]:\n        class = "IntervalTier"\n        name = "A"\n        xmin = 0\n        xmax = 2\n        intervals: size = 2\n        intervals [1]:\n            xmin = 0\n            xmax = 1\n            text = "a"\n', /line 18: the file ends after this line, where the start of interval 2 of tier 1 \("A"\)/],
		['an unclosed string', 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n1\n"IntervalTier"\n"A\n0\n2\n', /line 9: a "string" is not closed/],
		['a string where a time belongs', 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n1\n"IntervalTier"\n"A"\n0\n2\n1\n"zero"\n2\n""\n', /line 13: expected the start of interval 1 of tier 1 \("A"\), found the string "zero"/],
		['an unknown tier class', 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n1\n"PitchTier"\n"A"\n0\n2\n0\n', /line 8: tier 1 has an unknown class "PitchTier"/],
		['another Praat object', 'File type = "ooTextFile"\nObject class = "Sound 2"\n\n', /holds a Sound 2, not a TextGrid/]
	])('names the line of %s', (_name, text, message) => {
		expect(() => readTextGrid(Buffer.from(text))).toThrow(message);
	});

	// Its speed is measured by `npm run bench -- import` (import_textgrid_s_10k), not asserted here.
	it('parses a 10,000-interval TextGrid', async () => {
		const segments = Array.from({ length: 10_000 }, (_, i) => seg(i * 1000, i * 1000 + 900, 'A', `第${i}句 "q"`));
		const text = await collect(writeTextGrid({ segments }, { durationMs: 10_000_000, statusTier: false }));
		const bytes = Buffer.from(text);
		const doc = readTextGrid(bytes);
		expect(doc.segments).toHaveLength(10_000);
		expect(doc.segments[9_999]).toMatchObject({ startMs: 9_999_000, endMs: 9_999_900 });
	});
});
