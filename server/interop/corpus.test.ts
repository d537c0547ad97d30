import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAudiofolderMetadata } from './audiofolder.ts';
import { COMMON_VOICE_COLUMNS, writeCommonVoiceTsv } from './common-voice.ts';
import { CorpusStats, type CorpusSegment, type FileChunk } from './corpus.ts';
import { kaldiSpeakerIds, kaldiText, kaldiUttId, sortKaldiRows, writeKaldiDataDir } from './kaldi.ts';
import { collect } from './model.ts';
import { writeNemoManifest } from './nemo.ts';
import { csvField, segmentTableColumns, writeSegmentsCsv, writeSegmentsJsonl } from './segments-table.ts';
import { assignSplits } from './splits.ts';
import { checkKaldiDir } from './testing/kaldi-check.ts';
import { runPython } from './testing/tools.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRICKY_TEXTS = ['他说"你好", 好嘅', 'line1\nline2\ttab', 'NA', '=SUM(A1)', '全角\u3000空格\u00a0nbsp', '<s> 开始 #0 </s>', '😀 emoji', '  edge spaces  ', ''];
const SPEAKERS = ['sp1', 'sp1A', 'a', 'a-0', 'b.x', null];
const RECORDINGS = ['01jcz8k2m3n4p5q6r7s8', '01jcz8k2m3n4p5q6r7t9', '01jczaaaaaaaaaaaaaaa'];

function makeRows(): CorpusSegment[] {
	const rows: CorpusSegment[] = [];
	let i = 0;
	for (const recordingId of RECORDINGS) {
		for (let k = 0; k < 40; k++, i++) {
			const speaker = SPEAKERS[i % SPEAKERS.length];
			const startMs = k * 1500 + (i % 3) * 100;
			rows.push({
				id: `seg${String(i).padStart(4, '0')}`,
				recordingId,
				recordingName: `录音 ${recordingId.slice(-2)}.wav`,
				startMs,
				endMs: startMs + 800 + (i % 5) * 300,
				speaker,
				speakerName: speaker ? `说话人 ${speaker}` : null,
				dialect: i % 4 === 0 ? null : ['yue', 'yue-gz', 'cmn'][i % 3],
				dialectName: i % 4 === 0 ? null : ['粤语', '广州话', '官话'][i % 3],
				texts: { transcript: TRICKY_TEXTS[i % TRICKY_TEXTS.length], mandarin: i % 2 ? '普通话' : '' },
				status: ['new', 'transcribed', 'approved'][i % 3],
				reviewer: i % 2 ? 'li' : null,
				transcriber: 'wang',
				cer: i % 2 ? 0.125 : null,
				origin: i % 7 === 0 ? 'machine' : 'human',
				updatedAt: '2026-11-21T12:00:00.000Z'
			});
		}
	}
	// Exact duplicate of one segment's key (same speaker, recording and times): gets a suffix.
	rows.push({ ...rows[1], id: 'dup0001' });
	const { bySpeaker } = assignSplits(
		rows.map((r) => ({ speaker: r.speaker ?? `unk:${r.recordingId}`, dialect: r.dialect, durationMs: r.endMs - r.startMs })),
		{ seed: 42 }
	);
	return rows.map((r) => ({ ...r, split: bySpeaker.get(r.speaker ?? `unk:${r.recordingId}`)! }));
}

async function writeFiles(root: string, chunks: AsyncIterable<FileChunk>): Promise<Record<string, string>> {
	const files: Record<string, string> = {};
	for await (const { file, data } of chunks) {
		const target = path.join(root, file);
		mkdirSync(path.dirname(target), { recursive: true });
		if (!(file in files)) writeFileSync(target, '');
		appendFileSync(target, data);
		files[file] = (files[file] ?? '') + data;
	}
	return files;
}

describe(writeKaldiDataDir.name, () => {
	it("writes data dirs per split that pass validate_data_dir.sh's rules (sorting, ids, text, segments, wav.scp)", async () => {
		const rows = makeRows();
		const speakerIds = kaldiSpeakerIds(rows.flatMap((r) => (r.speaker ? [r.speaker] : [])));
		expect([...speakerIds.values()].every((id) => /^[A-Za-z0-9]+$/.test(id))).toBe(true);
		expect(new Set(speakerIds.values()).size).toBe(speakerIds.size);
		const stats = new CorpusStats();
		const files = await writeFiles(
			path.join(dir, 'kaldi'),
			writeKaldiDataDir(sortKaldiRows(rows, speakerIds), { speakerIds, wavScp: (id) => `sox wav/${id}.flac -t wav -r 16000 -c 1 - |`, stats })
		);
		const splits = [...new Set(Object.keys(files).map((f) => f.split('/')[0]))].sort();
		expect(splits.length).toBeGreaterThanOrEqual(2);
		for (const split of splits) {
			const dirFiles = Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith(`${split}/`)).map(([f, t]) => [f.slice(split.length + 1), t]));
			expect(checkKaldiDir(dirFiles)).toEqual([]);
		}
		const allText = Object.entries(files).filter(([f]) => f.endsWith('/text')).map(([, t]) => t).join('');
		expect(allText).toContain(' 全角 空格 nbsp\n');
		expect(allText).toContain(' 开始\n');
		expect(allText).not.toContain('<s>');
		const utt2spk = Object.entries(files).filter(([f]) => f.endsWith('/utt2spk')).map(([, t]) => t).join('');
		expect(utt2spk).toMatch(/^sp1A-01jcz8k2m3n4p5q6r7s8-00001600-00002700-1 sp1A$/m);
		expect(stats.skipped.get('empty_text')).toBe(rows.filter((r) => r.texts.transcript.trim() === '').length);
		expect(stats.total.segments + (stats.skipped.get('empty_text') ?? 0)).toBe(rows.length);
	});

	it('refuses rows that are not in utterance-id order instead of writing an invalid directory', async () => {
		const rows = makeRows().map((r) => ({ ...r, split: null }));
		const speakerIds = kaldiSpeakerIds(rows.flatMap((r) => (r.speaker ? [r.speaker] : [])));
		const sorted = sortKaldiRows(rows.filter((r) => r.texts.transcript.trim() !== ''), speakerIds);
		[sorted[0], sorted[1]] = [sorted[1], sorted[0]];
		await expect(collect((async function* () { for await (const c of writeKaldiDataDir(sorted, { speakerIds, wavScp: (id) => id })) yield c.data; })())).rejects.toThrow(/utterance-id order/);
	});

	it('makes ids that sort consistently by utterance and by speaker', () => {
		const ids = kaldiSpeakerIds(['sp1', 'sp1A', 'sp1_', 'sp-1', 'unknown', 'x']);
		expect(ids.get('sp1')).toBe('sp1');
		expect(ids.get('sp-1')).toBe('sp1x2');
		expect(ids.get('sp1_')).toBe('sp1x3');
		expect(ids.get('unknown')).toBe('sunknown');
		const utt = kaldiUttId({ speaker: 'sp1A', recordingId: 'rec1', startMs: 1234, endMs: 56789 }, ids);
		expect(utt).toBe('sp1A-rec1-00001234-00056789');
		expect(kaldiText('你好，世界 ok', 'characters')).toBe('你 好 ， 世 界 ok');
	});
});

describe('JSON-lines corpus manifests', () => {
	it('NeMo: one JSON object per line, no blank lines, duration/offset in seconds, CJK unescaped (read by Python)', async () => {
		const rows = makeRows().map((r) => ({ ...r, audioPath: `audio/${r.recordingId}.wav` }));
		const files = await writeFiles(path.join(dir, 'nemo'), writeNemoManifest(rows, { mode: 'offset' }));
		const file = path.join(dir, 'nemo', 'train_manifest.jsonl');
		expect(files['train_manifest.jsonl']).not.toMatch(/\\u[0-9a-f]{4}/);
		const py = runPython(
			`import json,sys
for i,line in enumerate(open(sys.argv[1],encoding='utf-8').read().split('\\n')[:-1]):
    o=json.loads(line)
    assert isinstance(o['duration'],float) and o['duration']>0, i
    assert isinstance(o['offset'],(int,float)), i
    assert o['audio_filepath'].startswith('audio/'), i
    assert o['text'].strip()!='' , i
print('ok')`,
			file
		);
		expect(py.stderr).toBe('');
		expect(py.stdout.trim()).toBe('ok');
		expect(files['train_manifest.jsonl']).toContain('"text":"他说\\"你好\\", 好嘅"');
	});

	it('audiofolder: metadata.jsonl per split, identical keys and types, relative file names', async () => {
		const rows = makeRows().map((r) => ({ ...r, audioPath: `clips/${r.id}.wav` }));
		const files = await writeFiles(path.join(dir, 'hf'), writeAudiofolderMetadata(rows, { layers: ['transcript', 'mandarin'] }));
		const py = runPython(
			`import json,sys,glob,os
kinds=set()
for f in sorted(glob.glob(os.path.join(sys.argv[1],'*','metadata.jsonl'))):
    for line in open(f,encoding='utf-8'):
        o=json.loads(line)
        kinds.add(tuple((k,type(v).__name__) for k,v in o.items()))
        assert not o['file_name'].startswith('/') and '..' not in o['file_name']
print(len(kinds))`,
			path.join(dir, 'hf')
		);
		expect(py.stdout.trim()).toBe('1');
		expect(Object.keys(files).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^(train|dev|test)\/metadata\.jsonl$/)]));
		await expect(collect((async function* () { for await (const c of writeAudiofolderMetadata([{ ...rows[0], audioPath: '../x.wav' }])) yield c.data; })())).rejects.toThrow(/not a relative path/);
	});
});

describe(writeCommonVoiceTsv.name, () => {
	it('writes 13-column TSVs without quoting and without TAB/CR/LF inside fields', async () => {
		const rows = makeRows().map((r) => ({ ...r, audioPath: `${r.id}.mp3` }));
		const files = await writeFiles(path.join(dir, 'cv'), writeCommonVoiceTsv(rows, { locale: 'zh-CN' }));
		for (const [name, text] of Object.entries(files)) {
			expect(text).not.toContain('\r');
			const lines = text.slice(0, -1).split('\n');
			if (name === 'clip_durations.tsv') {
				expect(lines[0]).toBe('clip\tduration[ms]');
				continue;
			}
			expect(lines[0]).toBe(COMMON_VOICE_COLUMNS.join('\t'));
			for (const line of lines) expect(line.split('\t')).toHaveLength(13);
		}
		const py = runPython(
			`import csv,sys
rows=list(csv.DictReader(open(sys.argv[1],encoding='utf-8'),delimiter='\\t',quoting=csv.QUOTE_NONE))
print(len(rows), rows[0]['sentence'], len(rows[0]['client_id']))`,
			path.join(dir, 'cv', 'validated.tsv')
		);
		expect(py.stdout.trim()).toBe(`${rows.filter((r) => r.texts.transcript.trim() !== '').length} 他说"你好", 好嘅 128`);
	});
});

describe('segment tables', () => {
	it('CSV is RFC 4180 that Python reads back to every exact value (quotes, commas, newlines, CJK, "NA")', async () => {
		const rows = makeRows();
		const text = await collect(writeSegmentsCsv(rows, { layers: ['transcript', 'mandarin'] }));
		expect(text.startsWith('segment_id,')).toBe(true);
		const file = path.join(dir, 'segments.csv');
		writeFileSync(file, text);
		const py = runPython(`import csv,json,sys
print(json.dumps(list(csv.reader(open(sys.argv[1],encoding='utf-8',newline=''))),ensure_ascii=False))`, file);
		const parsed = JSON.parse(py.stdout) as string[][];
		expect(parsed[0]).toEqual(segmentTableColumns(['transcript', 'mandarin']));
		expect(parsed).toHaveLength(rows.length + 1);
		const col = (name: string) => parsed[0].indexOf(name);
		rows.forEach((r, i) => {
			expect(parsed[i + 1][col('text_transcript')]).toBe(r.texts.transcript);
			expect(parsed[i + 1][col('start')]).toBe((r.startMs / 1000).toFixed(3));
			expect(parsed[i + 1][col('cer')]).toBe(r.cer === null || r.cer === undefined ? '' : String(r.cer));
			expect(parsed[i + 1][col('reviewer')]).toBe(r.reviewer ?? '');
		});
	});

	it('the Excel variant adds a BOM and defuses formula cells; the default leaves data exact', async () => {
		const rows = makeRows().slice(0, 4);
		const excel = await collect(writeSegmentsCsv(rows, { layers: ['transcript'], excel: true }));
		expect(excel.startsWith('\ufeffsegment_id,')).toBe(true);
		expect(excel).toContain(",'=SUM(A1),");
		expect(csvField('=SUM(A1)')).toBe('=SUM(A1)');
		expect(csvField(' x')).toBe('" x"');
	});

	it('JSONL carries every field with numbers as numbers and texts unescaped', async () => {
		const rows = makeRows();
		const text = await collect(writeSegmentsJsonl(rows, { layers: ['transcript', 'mandarin'] }));
		expect(text).not.toMatch(/\\u[0-9a-f]{4}/);
		const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines).toHaveLength(rows.length);
		expect(lines[0]).toMatchObject({ segment_id: rows[0].id, start_ms: rows[0].startMs, start: rows[0].startMs / 1000, texts: { transcript: rows[0].texts.transcript, mandarin: '' } });
		expect(lines.every((l) => typeof l.duration === 'number' && 'cer' in l && 'reviewer' in l && 'status' in l && 'dialect' in l)).toBe(true);
	});

	it('streams 100,000 rows in bounded chunks', async () => {
		const base = makeRows()[1];
		async function* many() {
			for (let i = 0; i < 100_000; i++) yield { ...base, id: `s${i}`, startMs: i * 10, endMs: i * 10 + 5 };
		}
		let chunks = 0;
		let longest = 0;
		for await (const chunk of writeSegmentsJsonl(many(), { layers: ['transcript'] })) {
			chunks++;
			longest = Math.max(longest, chunk.length);
		}
		expect(chunks).toBeGreaterThan(100);
		expect(longest).toBeLessThan(70_000);
	});
});

describe(CorpusStats.name, () => {
	it('reports counts and hours per split, dialect and speaker', () => {
		const stats = new CorpusStats();
		stats.add({ startMs: 0, endMs: 1_800_000, split: 'train', dialect: 'yue', speaker: 'A' });
		stats.add({ startMs: 0, endMs: 1_800_000, split: 'dev', dialect: null, speaker: 'B' });
		stats.skip('empty_text');
		expect(JSON.parse(JSON.stringify(stats))).toEqual({
			segments: 2,
			hours: 1,
			bySplit: { dev: { segments: 1, hours: 0.5 }, train: { segments: 1, hours: 0.5 } },
			byDialect: { '(none)': { segments: 1, hours: 0.5 }, yue: { segments: 1, hours: 0.5 } },
			bySpeaker: { A: { segments: 1, hours: 0.5 }, B: { segments: 1, hours: 0.5 } },
			skipped: { empty_text: 1 }
		});
	});
});

