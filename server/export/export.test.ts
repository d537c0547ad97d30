import { createRequire } from 'node:module';
import os from 'node:os';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WebVTTParser } from 'webvtt-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipSampleCount } from '../interop/clip-args.ts';
import { checkKaldiDir } from '../interop/testing/kaldi-check.ts';
import { eafSchemaPath, runPraat, xmllintValidate } from '../interop/testing/tools.ts';
import { unzipTo } from '../interop/testing/unzip.ts';
import { probeSamples, wavData } from '../interop/testing/wav.ts';
import { startWorkerPool } from '../jobs/worker-pool.ts';
import { nowIso, newId } from '../lib/ids.ts';
import { makeTone } from '../media/test-audio.ts';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import { sha256File } from '../recordings/recordings.service.ts';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { ExportJobDto } from './export.schemas.ts';

const require = createRequire(import.meta.url);
const srtValidatorModule = require('srt-validator') as { default?: (text: string) => unknown[] } & ((text: string) => unknown[]);
const srtValidator = srtValidatorModule.default ?? srtValidatorModule;

/**
 * Export end to end on both databases: POST an export, the worker pool runs it, the zip is
 * downloaded and unpacked with an independent reader, and every file is read back by the format's
 * own tool (Praat, xmllint + the EAF schema, the W3C WebVTT parser, srt-validator, Kaldi's rules,
 * ffprobe for clip lengths); TextGrid and EAF go back in through the real import route.
 */

interface SegmentSpec {
	startMs: number;
	endMs: number;
	speaker: 'A' | 'B' | null;
	texts: Record<string, string>;
	dialect?: string;
	status?: string;
}

const SEGMENTS: SegmentSpec[] = [
	{ startMs: 0, endMs: 1200, speaker: 'A', texts: { transcript: '佢话"唔该" \\ 啦', mandarin: '他说“谢谢”' }, dialect: 'yue', status: 'transcribed' },
	{ startMs: 1200, endMs: 2500, speaker: 'A', texts: { transcript: 'zero-gap neighbour\nsecond line' }, dialect: 'yue' },
	{ startMs: 2000, endMs: 3300, speaker: 'B', texts: { transcript: '重叠 overlap 	tab' }, dialect: 'hak', status: 'transcribed' },
	{ startMs: 3500, endMs: 4000, speaker: 'B', texts: {} },
	{ startMs: 4200, endMs: 5800, speaker: null, texts: { transcript: '无人 no speaker & <tag>' } },
	{ startMs: 6000, endMs: 7777, speaker: 'A', texts: { transcript: '最后一句。' }, dialect: 'yue', status: 'transcribed' }
];

describe.each(DB_KINDS)('export on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let reviewer: { id: string; cookie: string };
	let project: ProjectDto;
	let speakers: Record<string, string>;
	let tags: Record<string, string>;
	let recordingId: string;
	let otherRecordingId: string;
	let dir: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		reviewer = await ctx.createUser('reviewer');
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-export-'));
		project = (await (await ctx.json('POST', '/api/projects', { name: `Export ${kind}` }, admin.cookie)).json()).project;
		for (const member of [transcriber, reviewer]) await ctx.addMember(project.id, member);
		speakers = {};
		for (const code of ['A', 'B']) {
			const res = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code, name: `Speaker ${code}` }, admin.cookie);
			speakers[code] = (await res.json()).speaker.id;
		}
		const full = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project as ProjectDto;
		tags = Object.fromEntries(full.dialectTags.map((t) => [t.code, t.id]));
		expect(tags.yue && tags.hak).toBeTruthy();
		recordingId = await recordingWithAudio('录音 一.flac', 9_000);
		otherRecordingId = await recordingWithAudio('second.flac', 4_000);
		for (const s of SEGMENTS) await addSegment(recordingId, s);
		await addSegment(otherRecordingId, { startMs: 500, endMs: 1500, speaker: 'B', texts: { transcript: '第二个录音' }, dialect: 'hak' });
		await ctx.deps.db
			.insertInto('recording_event')
			.values([
				{ id: newId(), recording_id: recordingId, time_ms: 1500, end_ms: null, tier: 'events', label: 'click "x"', speaker_id: null, source: 'test', created_by: null, created_at: nowIso() },
				{ id: newId(), recording_id: recordingId, time_ms: 5000, end_ms: null, tier: 'events', label: '笑', speaker_id: null, source: 'test', created_by: null, created_at: nowIso() }
			])
			.execute();
	});
	afterAll(async () => {
		await ctx.close();
		rmSync(dir, { recursive: true, force: true });
	});

	async function recordingWithAudio(name: string, durationMs: number): Promise<string> {
		const file = path.join(dir, `${newId()}.flac`);
		// A chirp in stereo at 44.1 kHz: resampled and downmixed on the way out.
		await makeTone(ctx.deps.media.ffmpeg, file, { seconds: durationMs / 1000, frequency: 300 + durationMs / 100, sampleRate: 44100, channels: 2, codecArgs: ['-c:a', 'flac'] });
		const sha256 = await sha256File(file);
		const target = ctx.deps.storage.originalPath(sha256, 'flac');
		mkdirSync(path.dirname(target), { recursive: true });
		copyFileSync(file, target);
		return (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs, name, sha256, ext: 'flac' })).id;
	}

	async function addSegment(id: string, s: SegmentSpec) {
		const res = await ctx.json(
			'POST',
			`/api/recordings/${id}/segments`,
			{ startMs: s.startMs, endMs: s.endMs, speakerId: s.speaker ? speakers[s.speaker] : null, dialectTagId: s.dialect ? tags[s.dialect] : null, texts: s.texts, ...(s.status ? { status: s.status } : {}) },
			transcriber.cookie
		);
		expect(res.status, await res.clone().text()).toBe(201);
	}

	/** Starts an export, runs the worker pool until it is idle, and returns the finished job. */
	async function runExport(body: unknown): Promise<ExportJobDto> {
		const res = await ctx.json('POST', `/api/projects/${project.slug}/exports`, body, admin.cookie);
		expect(res.status, await res.clone().text()).toBe(201);
		const queued = (await res.json()).export as ExportJobDto;
		expect(queued.state).toBe('queued');
		const pool = await startWorkerPool(ctx.deps, { size: 1, pollMs: 100 });
		await pool.whenIdle();
		await pool.stop();
		const polled = await ctx.json('GET', `/api/exports/${queued.id}`, undefined, admin.cookie);
		expect(polled.status).toBe(200);
		return (await polled.json()).export as ExportJobDto;
	}

	/** Downloads and unpacks a finished export; returns its folder and the entry names. */
	async function download(job: ExportJobDto): Promise<{ out: string; names: string[] }> {
		expect(job.state, job.error ?? '').toBe('done');
		expect(job.downloadUrl).toBe(`/api/exports/${job.id}/download`);
		const res = await ctx.request(job.downloadUrl!, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/zip');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.zip"$/);
		const zip = Buffer.from(await res.arrayBuffer());
		expect(zip.length).toBe(job.size);
		const out = path.join(dir, job.id);
		mkdirSync(out);
		return { out, names: await unzipTo(zip, out) };
	}

	const read = (out: string, name: string) => readFileSync(path.join(out, name), 'utf8');

	it('exports a recording as a TextGrid that Praat re-reads, with its events as a point tier, and imports back to the same segments', async () => {
		const job = await runExport({ format: 'textgrid', filter: { recordingIds: [recordingId] } });
		expect(job.summary).toMatchObject({ segments: SEGMENTS.length, recordings: 1 });
		expect(job.progress).toBe(1);
		const entry = await ctx.deps.db.selectFrom('audit_log').select(['actor_id', 'project_id', 'target_id', 'details']).where('action', '=', 'export.create').where('target_id', '=', job.id).executeTakeFirstOrThrow();
		expect(entry).toMatchObject({ actor_id: admin.id, project_id: project.id });
		expect(JSON.parse(entry.details)).toMatchObject({ format: 'textgrid', filter: { recordingIds: [recordingId] }, segments: SEGMENTS.length });
		const { out, names } = await download(job);
		expect(names.sort()).toEqual(['README.md', 'manifest.json', '录音 一.TextGrid']);
		const file = path.join(out, '录音 一.TextGrid');
		const check = runPraat('validate_textgrid.praat', file);
		expect(check.status, check.stderr + check.stdout).toBe(0);
		const text = read(out, '录音 一.TextGrid');
		expect(text).toContain('class = "TextTier"');
		expect(text).toContain('mark = "click ""x""" ');
		expect(text).toContain('佢话""唔该"" \\ 啦');
		// Praat re-saves it byte for byte.
		const resaved = path.join(out, 'resaved.TextGrid');
		const roundtrip = runPraat('roundtrip.praat', file, resaved);
		expect(roundtrip.status, roundtrip.stderr).toBe(0);
		expect(readFileSync(resaved, 'utf8')).toBe(text);

		await expectRoundTrip(file, '录音 一.TextGrid');
		const events = await ctx.json('GET', `/api/recordings/${await lastRoundTrip}/events`, undefined, admin.cookie);
		expect(((await events.json()).events as { timeMs: number; tier: string; label: string }[]).map((e) => [e.timeMs, e.tier, e.label])).toEqual([
			[1500, 'events', 'click "x"'],
			[5000, 'events', '笑']
		]);
		await dropRecording(await lastRoundTrip);
	});

	let lastRoundTrip: Promise<string> = Promise.resolve('');

	/** Imports an exported file into a fresh recording through the real route and compares the segments. */
	async function expectRoundTrip(file: string, name: string) {
		const target = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 9_000 })).id;
		lastRoundTrip = Promise.resolve(target);
		const send = (fields: Record<string, string>) => {
			const form = new FormData();
			form.append('file', new Blob([readFileSync(file)]), name);
			form.append('mode', 'replace');
			for (const [k, v] of Object.entries(fields)) form.append(k, v);
			return ctx.request(`/api/recordings/${target}/transcript-import`, { method: 'POST', body: form, cookie: admin.cookie });
		};
		const preview = await send({});
		expect(preview.status, await preview.clone().text()).toBe(200);
		const token = (await preview.json()).preview.token as string;
		const applied = await send({ apply: 'true', token });
		expect(applied.status, await applied.clone().text()).toBe(201);
		const got = ((await (await ctx.json('GET', `/api/recordings/${target}/segments`, undefined, admin.cookie)).json()).segments as SegmentDto[]).map(comparable);
		const want = ((await (await ctx.json('GET', `/api/recordings/${recordingId}/segments`, undefined, admin.cookie)).json()).segments as SegmentDto[]).map(comparable);
		expect(got).toEqual(want);
	}

	/** Removes a round trip's recording, so the project-wide exports after it see the fixtures only. */
	async function dropRecording(id: string) {
		const db = ctx.deps.db;
		await db.deleteFrom('segment_revision').where('recording_id', '=', id).execute();
		await db.deleteFrom('segment').where('recording_id', '=', id).execute();
		await db.deleteFrom('recording_event').where('recording_id', '=', id).execute();
		await db.deleteFrom('recording').where('id', '=', id).execute();
	}

	const comparable = (s: SegmentDto) => ({ startMs: s.startMs, endMs: s.endMs, speakerId: s.speakerId, dialectTagId: s.dialectTagId, texts: s.texts, status: s.status });

	it('exports EAF 3.0 that the schema validates, and imports it back to the same segments', async () => {
		const job = await runExport({ format: 'eaf', filter: { recordingIds: [recordingId] } });
		const { out } = await download(job);
		const file = path.join(out, '录音 一.eaf');
		const valid = xmllintValidate(file, eafSchemaPath());
		expect(valid.status, valid.output).toBe(0);
		expect(read(out, '录音 一.eaf')).toContain('&lt;tag&gt;');
		await expectRoundTrip(file, '录音 一.eaf');
		await dropRecording(await lastRoundTrip);
	});

	it('exports SRT and WebVTT that srt-validator and the W3C parser accept', async () => {
		const vtt = await download(await runExport({ format: 'webvtt', filter: { recordingIds: [recordingId] } }));
		const parsed = new WebVTTParser().parse(read(vtt.out, '录音 一.vtt'), 'subtitles');
		expect(parsed.errors).toEqual([]);
		expect(parsed.cues.length).toBe(5);
		const srt = await download(await runExport({ format: 'srt', filter: { recordingIds: [recordingId] } }));
		expect(srtValidator(read(srt.out, '录音 一.srt'))).toEqual([]);
	});

	it('exports a Kaldi data directory per split that passes validate_data_dir.sh’s rules, with whole recordings at 16 kHz', async () => {
		const job = await runExport({ format: 'kaldi', options: { splits: { train: 0.5, dev: 0.25, test: 0.25 }, seed: 3 } });
		const { out, names } = await download(job);
		const splitDirs = [...new Set(names.filter((n) => n.startsWith('data/')).map((n) => n.split('/')[1]))];
		expect(splitDirs.length).toBeGreaterThan(0);
		const uttSpeakers = new Map<string, string>();
		for (const split of splitDirs) {
			const files = Object.fromEntries(readdirSync(path.join(out, 'data', split)).map((f) => [f, read(out, `data/${split}/${f}`)]));
			expect(checkKaldiDir(files)).toEqual([]);
			for (const line of files.utt2spk.trim().split('\n')) {
				const spk = line.split(' ')[1];
				expect(uttSpeakers.get(spk) ?? split, `speaker ${spk} in two splits`).toBe(split);
				uttSpeakers.set(spk, split);
			}
			for (const line of files['wav.scp'].trim().split('\n')) expect(existsSync(path.join(out, line.split(' ')[1]))).toBe(true);
		}
		// The empty-text segment is left out; everything else is there.
		expect(job.summary).toMatchObject({ segments: SEGMENTS.length, skipped: { empty_text: 1 } });
		const wav = path.join(out, `audio/${recordingId}.wav`);
		expect(probeSamples(ctx.deps.media, wav)).toBe(clipSampleCount(0, 9_000, 16000));
		expect(wavData(wav)).toMatchObject({ rate: 16000, channels: 1, bits: 16 });
		const manifest = JSON.parse(read(out, 'manifest.json'));
		expect(manifest.splits).toMatchObject({ seed: 3, ratios: { train: 0.5 } });
		expect(read(out, 'README.md')).toContain('speaker-disjoint');
	});

	it('keeps Kaldi in utterance-id order when reviewers moved segments to another speaker or earlier in time', async () => {
		const rows = await ctx.deps.db.selectFrom('segment').select(['id', 'version', 'start_ms', 'speaker_id']).where('recording_id', '=', recordingId).orderBy('start_ms').execute();
		const at = (startMs: number) => rows.find((r) => r.start_ms === startMs)!;
		const correct = (row: { id: string; version: number | string }, corrected: Record<string, unknown>) => ({
			id: newId(), segment_id: row.id, recording_id: recordingId, task_id: null, stage: 1, base_version: Number(row.version), reviewer_id: reviewer.id,
			decision: 'correct' as const, corrected: JSON.stringify(corrected), categories: '[]', comment: '', created_at: nowIso()
		});
		await ctx.deps.db
			.insertInto('segment_review')
			.values([
				// A's second segment becomes B's: its utterance id now sorts among B's.
				correct(at(1200), { speakerId: speakers.B }),
				// A's last segment starts before A's first: it must come first among A's.
				correct(at(6000), { startMs: 0, endMs: 900 }),
				// The segment without a speaker gets one.
				correct(at(4200), { speakerId: speakers.A })
			])
			.execute();
		try {
			const job = await runExport({ format: 'kaldi' });
			const { out, names } = await download(job);
			const segments: string[][] = [];
			const utt2spk = new Map<string, string>();
			for (const split of new Set(names.filter((n) => n.startsWith('data/')).map((n) => n.split('/')[1]))) {
				const files = Object.fromEntries(readdirSync(path.join(out, 'data', split)).map((f) => [f, read(out, `data/${split}/${f}`)]));
				expect(checkKaldiDir(files)).toEqual([]);
				segments.push(...files.segments.trim().split('\n').map((l) => l.split(' ')));
				for (const l of files.utt2spk.trim().split('\n')) utt2spk.set(l.split(' ')[0], l.split(' ')[1]);
			}
			// Every segment with text is there once, with its accepted speaker and times.
			expect(job.summary).toMatchObject({ segments: SEGMENTS.length, skipped: { empty_text: 1 } });
			const ofRecording = segments.filter((s) => s[1] === recordingId).map(([utt, , start, end]) => [utt2spk.get(utt), start, end]);
			expect(ofRecording).toHaveLength(5);
			expect(ofRecording).toContainEqual(['B', '1.200', '2.500']);
			expect(ofRecording).toContainEqual(['A', '0.000', '0.900']);
			expect(ofRecording).toContainEqual(['A', '4.200', '5.800']);
			expect(ofRecording.filter(([spk]) => spk?.startsWith('unk'))).toEqual([]);
		} finally {
			await ctx.deps.db.deleteFrom('segment_review').execute();
		}
	});

	it('exports an audiofolder with one exact clip per segment, speaker-disjoint splits, a manifest and a README', async () => {
		const job = await runExport({ format: 'audiofolder', options: { sampleRate: 22050, seed: 9 } });
		const { out, names } = await download(job);
		const metadata = names.filter((n) => n.endsWith('/metadata.jsonl'));
		expect(metadata.length).toBeGreaterThan(0);
		const speakerSplit = new Map<string, string>();
		let rows = 0;
		for (const file of metadata) {
			const split = file.split('/')[0];
			for (const line of read(out, file).trim().split('\n')) {
				const row = JSON.parse(line) as { file_name: string; speaker: string; start: number; end: number; transcription: string };
				rows++;
				const clip = path.join(out, split, row.file_name);
				expect(probeSamples(ctx.deps.media, clip)).toBe(clipSampleCount(Math.round(row.start * 1000), Math.round(row.end * 1000), 22050));
				const key = row.speaker || `none:${row.file_name}`;
				expect(speakerSplit.get(key) ?? split).toBe(split);
				if (row.speaker) speakerSplit.set(key, split);
				expect(row.transcription).not.toMatch(/\\u[0-9a-f]{4}/);
			}
		}
		expect(rows).toBe(SEGMENTS.length);
		const manifest = JSON.parse(read(out, 'manifest.json'));
		expect(manifest.counts.segments).toBe(rows);
		expect(Object.keys(manifest.counts.byDialect).sort()).toEqual(['(none)', 'hak', 'yue']);
		expect(manifest.audio).toMatchObject({ format: 'wav', sampleRate: 22050, channels: 1, from: 'original', content: 'clips' });
		expect(read(out, 'README.md')).toMatch(/Per speaker/);
	});

	it('exports Common Voice TSVs, NeMo manifests with FLAC clips, and CSV / JSONL with every field', async () => {
		const cv = await download(await runExport({ format: 'common-voice', filter: { speakerIds: [speakers.A] } }));
		const tsv = read(cv.out, 'validated.tsv').split('\n');
		expect(tsv[0].split('\t')).toHaveLength(13);
		expect(tsv.slice(1, -1)).toHaveLength(3);
		for (const line of tsv.slice(1, -1)) {
			expect(line.split('\t')).toHaveLength(13);
			expect(existsSync(path.join(cv.out, 'clips', line.split('\t')[1]))).toBe(true);
		}

		const nemo = await download(await runExport({ format: 'nemo', options: { clipFormat: 'flac' }, filter: { dialectTagIds: [tags.hak] } }));
		const lines = nemo.names.filter((n) => n.endsWith('_manifest.jsonl')).flatMap((n) => read(nemo.out, n).trim().split('\n').map((l) => JSON.parse(l) as { audio_filepath: string; duration: number }));
		expect(lines).toHaveLength(2);
		for (const l of lines) {
			expect(l.audio_filepath).toMatch(/^clips\/.+\.flac$/);
			expect(probeSamples(ctx.deps.media, path.join(nemo.out, l.audio_filepath))).toBe(Math.round(l.duration * 16000));
		}

		const csv = await download(await runExport({ format: 'csv', filter: { statuses: ['transcribed'] } }));
		const table = read(csv.out, 'segments.csv');
		expect(table.split('\r\n')[0]).toContain('status,review_state,review_stage,reviewer,transcriber,cer');
		expect(table.trim().split('\r\n')).toHaveLength(4);
		expect(table).toContain('"佢话""唔该"" \\ 啦"');

		// A reviewer's correction: the export writes the accepted version, its state, the reviewer and the CER.
		const target = await ctx.deps.db.selectFrom('segment').select(['id', 'version']).where('recording_id', '=', recordingId).where('start_ms', '=', 6000).executeTakeFirstOrThrow();
		await ctx.deps.db
			.insertInto('segment_review')
			.values({ id: newId(), segment_id: target.id, recording_id: recordingId, task_id: null, stage: 1, base_version: target.version, reviewer_id: reviewer.id, decision: 'correct', corrected: JSON.stringify({ texts: { transcript: '最后一句话。' } }), categories: '[]', comment: '', created_at: nowIso() })
			.execute();
		const reviewed = await download(await runExport({ format: 'jsonl', filter: { reviewStates: ['corrected'] } }));
		const corrected = read(reviewed.out, 'segments.jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(corrected).toHaveLength(1);
		expect(corrected[0]).toMatchObject({ text_transcript: '最后一句话。', review_state: 'corrected', review_stage: 1, reviewer: 'Test reviewer', status: 'transcribed' });
		expect(corrected[0].cer as number).toBeGreaterThan(0.1);
		expect(corrected[0].cer as number).toBeLessThan(0.25);

		// A second transcriber's version of a window (variant 1) is not exported.
		await ctx.deps.db.insertInto('segment').values({ id: newId(), recording_id: recordingId, start_ms: 6000, end_ms: 7777, speaker_id: speakers.B, dialect_tag_id: null, texts: JSON.stringify({ transcript: '另一个版本' }), status: 'transcribed', version: 1, variant: 1, created_by: transcriber.id, created_at: nowIso(), updated_by: null, updated_at: nowIso() }).execute();

		const jsonl = await download(await runExport({ format: 'jsonl', filter: { transcriberIds: [transcriber.id], from: '2000-01-01T00:00:00.000Z' } }));
		const records = read(jsonl.out, 'segments.jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(records).toHaveLength(SEGMENTS.length + 1);
		expect(records[0]).toMatchObject({ status: 'transcribed', review_state: 'unreviewed', review_stage: 0, reviewer: null, cer: 0 });
		expect(records.every((r) => typeof r.transcriber === 'string')).toBe(true);
		expect(records.some((r) => r.text_transcript === '另一个版本')).toBe(false);
		await ctx.deps.db.deleteFrom('segment').where('variant', '=', 1).execute();
		await ctx.deps.db.deleteFrom('segment_review').execute();
	});

	it('tells the dialog what to filter by and how much a filter selects', async () => {
		const choices = await (await ctx.json('GET', `/api/projects/${project.id}/exports/choices`, undefined, admin.cookie)).json();
		expect(choices.statuses).toEqual(['new', 'transcribed']);
		expect(choices.transcribers.map((t: { id: string }) => t.id)).toEqual([transcriber.id]);
		const count = await ctx.json('POST', `/api/projects/${project.id}/exports/count`, { filter: { speakerIds: [speakers.A], statuses: ['transcribed'] } }, admin.cookie);
		expect(await count.json()).toEqual({ segments: 2, recordings: 1, hours: Math.round(((1200 + 1777) / 3_600_000) * 10_000) / 10_000 });
		const all = await (await ctx.json('POST', `/api/projects/${project.id}/exports/count`, {}, admin.cookie)).json();
		expect(all).toMatchObject({ segments: SEGMENTS.length + 1, recordings: 2 });
		expect((await ctx.json('POST', `/api/projects/${project.id}/exports/count`, { filter: { dialectTagIds: [newId()] } }, admin.cookie)).status).toBe(422);
		expect((await ctx.json('GET', `/api/projects/${project.id}/exports/choices`, undefined, reviewer.cookie)).status).toBe(403);
	});

	it('refuses bad input with a 4xx and writes nothing', async () => {
		const before = (await ctx.deps.db.selectFrom('export_job').select('id').execute()).length;
		const post = (body: unknown, cookie = admin.cookie) => ctx.json('POST', `/api/projects/${project.id}/exports`, body, cookie);
		expect((await post({ format: 'docx' })).status).toBe(400);
		expect((await post({ format: 'csv', filter: { speakerIds: ['not-an-id'] } })).status).toBe(400);
		expect((await post({ format: 'csv', filter: { from: '2030-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z' } })).status).toBe(400);
		expect((await post({ format: 'csv', options: { sampleRate: 12 } })).status).toBe(400);
		const foreign = await post({ format: 'csv', filter: { speakerIds: [newId()] } });
		expect(foreign.status).toBe(422);
		expect((await foreign.json()).error.code).toBe('invalid_filter');
		const empty = await post({ format: 'csv', filter: { statuses: ['nothing-has-this'] } });
		expect((await post({ format: 'csv', filter: { reviewStates: ['approved'] } })).status).toBe(400);
		expect(empty.status).toBe(422);
		expect((await empty.json()).error.code).toBe('empty_selection');
		expect((await post({ format: 'csv' }, reviewer.cookie)).status).toBe(403);
		expect((await ctx.json('POST', `/api/projects/no-such-project/exports`, { format: 'csv' }, admin.cookie)).status).toBe(404);
		expect((await ctx.json('GET', `/api/exports/${newId()}`, undefined, admin.cookie)).status).toBe(404);
		expect((await ctx.deps.db.selectFrom('export_job').select('id').execute()).length).toBe(before);
	});

	it('fails a job whose audio cannot be decoded, with the reason, and leaves no partial file', async () => {
		const broken = await recordingWithAudio('broken.flac', 3_000);
		await addSegment(broken, { startMs: 100, endMs: 900, speaker: 'A', texts: { transcript: '坏' } });
		const row = (await ctx.deps.db.selectFrom('recording').select(['sha256', 'original_ext']).where('id', '=', broken).executeTakeFirstOrThrow());
		writeFileSync(ctx.deps.storage.originalPath(row.sha256, row.original_ext), 'no longer audio');
		const job = await runExport({ format: 'audiofolder', filter: { recordingIds: [broken] } });
		expect(job.state).toBe('failed');
		expect(job.error).toMatch(/^ffmpeg could not cut the audio: \S/);
		expect(job.downloadUrl).toBeNull();
		expect(readdirSync(path.join(ctx.dataDir, 'exports')).filter((f) => f.startsWith(job.id))).toEqual([]);
		expect(readdirSync(ctx.deps.storage.tmpDir).filter((f) => f.startsWith('export-'))).toEqual([]);
		const res = await ctx.request(`/api/exports/${job.id}/download`, { cookie: admin.cookie });
		expect(res.status).toBe(409);
		await ctx.deps.db.deleteFrom('segment').where('recording_id', '=', broken).execute();
	});

	it('lets managers and exporters export, refuses other members with 403 and answers a non-member 404, on every request', async () => {
		const job = await runExport({ format: 'csv' });
		const exporter = await ctx.createUser('exporter');
		const outsider = await ctx.createUser('manager');
		await ctx.addMember(project.id, exporter);
		const urls = [`/api/projects/${project.id}/exports`, `/api/projects/${project.slug}/exports/choices`, `/api/exports/${job.id}`, job.downloadUrl!];
		const status = async (url: string, cookie: string) => (await ctx.request(url, { cookie })).status;
		for (const url of urls) {
			expect(await status(url, exporter.cookie), `exporter: ${url}`).toBe(200);
			expect(await status(url, reviewer.cookie), `reviewer: ${url}`).toBe(403);
			const res = await ctx.request(url, { cookie: outsider.cookie });
			expect(res.status, `non-member: ${url}`).toBe(404);
			expect((await res.json()).error.message).toMatch(/^(Project|Export) not found$/);
		}
		const forbidden = await (await ctx.request(job.downloadUrl!, { cookie: transcriber.cookie })).json();
		expect(forbidden.error).toMatchObject({ code: 'forbidden', message: 'Your role in this project (transcriber) may not export' });
		expect((await ctx.json('POST', `/api/projects/${project.id}/exports`, { format: 'csv' }, exporter.cookie)).status).toBe(201);
		// A download is checked against the caller's role now, not when the export was made.
		await ctx.addMember(project.id, exporter, 'reviewer');
		expect(await status(job.downloadUrl!, exporter.cookie)).toBe(403);
		await ctx.deps.db.deleteFrom('project_member').where('user_id', '=', exporter.id).execute();
		expect(await status(job.downloadUrl!, exporter.cookie)).toBe(404);
	});

	it('restarts an export whose server died while it ran, and lists recent exports newest first', async () => {
		const res = await ctx.json('POST', `/api/projects/${project.id}/exports`, { format: 'jsonl' }, admin.cookie);
		const queued = (await res.json()).export as ExportJobDto;
		// As a dead server leaves it: the job running under a worker of a process that is gone.
		await ctx.deps.db.updateTable('job').set({ state: 'running', locked_by: `${os.hostname()}:4194303:dead`, locked_at: nowIso(), attempts: 1 }).where('payload', '=', JSON.stringify({ exportId: queued.id })).execute();
		await ctx.deps.db.updateTable('export_job').set({ state: 'running', progress: 0.4 }).where('id', '=', queued.id).execute();
		const pool = await startWorkerPool(ctx.deps, { size: 1, pollMs: 100 });
		await pool.whenIdle();
		await pool.stop();
		const done = (await (await ctx.json('GET', `/api/exports/${queued.id}`, undefined, admin.cookie)).json()).export as ExportJobDto;
		expect(done).toMatchObject({ state: 'done', progress: 1 });
		const list = (await (await ctx.json('GET', `/api/projects/${project.id}/exports`, undefined, admin.cookie)).json()).exports as ExportJobDto[];
		expect(list[0].id).toBe(queued.id);
		expect(list.map((e) => e.id)).toEqual([...list.map((e) => e.id)].sort().reverse());
	});
});
