import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, type InteropSegment } from '../interop/model.ts';
import { runPraat } from '../interop/testing/tools.ts';
import { writeTextGrid } from '../interop/textgrid.ts';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import type { SegmentDto } from '../segments/segments.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { MAX_TRANSCRIPT_BYTES, type AppliedDto, type RecordingImportPreviewDto } from './transcript-import.schemas.ts';
import { importIntoRecording } from './transcript-import.service.ts';

/** Transcript import through the API on both databases: preview, apply, merge/replace, mapping, events, origin, staleness, bad input. */

const seg = (startMs: number, endMs: number, speaker: string | null, texts: Record<string, string>, extra: Partial<InteropSegment> = {}): InteropSegment => ({
	startMs,
	endMs,
	speaker,
	dialect: null,
	texts,
	status: null,
	origin: 'human',
	...extra
});

async function textGrid(segments: InteropSegment[], durationMs: number, options: { layers?: string[]; events?: { startMs: number; tier: string; text: string }[] } = {}) {
	return collect(
		writeTextGrid(
			{ segments, events: (options.events ?? []).map((e) => ({ ...e, endMs: null, speaker: null })) },
			{ durationMs, layers: options.layers, statusTier: false }
		)
	);
}

const TRS_LATIN1 = Buffer.from(
	`<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd">
<Trans scribe="x" audio_filename="rec" version="1" version_date="2024-01-01">
<Speakers><Speaker id="spk1" name="Renée" check="no" dialect="native" accent="" scope="local"/></Speakers>
<Episode><Section type="report" startTime="0" endTime="4">
<Turn speaker="spk1" startTime="0" endTime="4">
<Sync time="0"/>
déjà vu
<Event desc="rire" type="noise" extent="instantaneous"/>
<Sync time="2"/>
café crème
</Turn>
</Section></Episode>
</Trans>
`,
	'latin1'
);

describe.each(DB_KINDS)('transcript import on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let project: ProjectDto;
	let s1: { id: string; code: string };
	let dir: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		project = (await (await ctx.json('POST', '/api/projects', { name: `Import ${kind}` }, admin.cookie)).json()).project;
		await ctx.addMember(project.id, transcriber);
		s1 = (await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'Ah Ming' }, admin.cookie)).json()).speaker;
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-import-'));
	});
	afterAll(async () => {
		await ctx.close();
		rmSync(dir, { recursive: true, force: true });
	});

	let recordingId: string;
	beforeEach(async () => {
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 10_000 })).id;
	});

	const send = (target: string, fileName: string, content: string | Uint8Array, fields: Record<string, string> = {}, cookie = admin.cookie) => {
		const form = new FormData();
		form.append('file', new Blob([content as BlobPart]), fileName);
		for (const [k, v] of Object.entries(fields)) form.append(k, v);
		return ctx.request(target, { method: 'POST', body: form, cookie });
	};
	const importInto = (id: string, fileName: string, content: string | Uint8Array, fields: Record<string, string> = {}, cookie = admin.cookie) =>
		send(`/api/recordings/${id}/transcript-import`, fileName, content, fields, cookie);

	async function preview(id: string, fileName: string, content: string | Uint8Array, fields: Record<string, string> = {}) {
		const res = await importInto(id, fileName, content, fields);
		expect(res.status, await res.clone().text()).toBe(200);
		return ((await res.json()) as { preview: RecordingImportPreviewDto }).preview;
	}

	async function previewAndApply(id: string, fileName: string, content: string | Uint8Array, fields: Record<string, string> = {}) {
		const first = await preview(id, fileName, content, fields);
		const res = await importInto(id, fileName, content, { ...fields, apply: 'true', token: first.token });
		expect(res.status, await res.clone().text()).toBe(201);
		return (await res.json()) as { preview: RecordingImportPreviewDto; applied: AppliedDto };
	}

	const segments = async (id: string) =>
		((await (await ctx.json('GET', `/api/recordings/${id}/segments`, undefined, admin.cookie)).json()) as { segments: SegmentDto[] }).segments;

	/** Everything an import may write, to check that a refused one wrote nothing. */
	async function written(id: string) {
		const db = ctx.deps.db;
		const [segs, revisions, speakers, events] = await Promise.all([
			db.selectFrom('segment').select(['id', 'version', 'texts']).where('recording_id', '=', id).orderBy('id').execute(),
			db.selectFrom('segment_revision').select('id').where('recording_id', '=', id).execute(),
			db.selectFrom('speaker').select(['id', 'code']).where('project_id', '=', project.id).orderBy('id').execute(),
			db.selectFrom('recording_event').select('id').where('recording_id', '=', id).execute()
		]);
		return { segs, revisions: revisions.length, speakers, events: events.length };
	}

	async function seedSegment(id: string, body: Record<string, unknown>) {
		const res = await ctx.json('POST', `/api/recordings/${id}/segments`, body, admin.cookie);
		expect(res.status).toBe(201);
		return ((await res.json()) as { segment: SegmentDto }).segment;
	}

	it('previews a TextGrid without writing anything: counts per speaker and layer, speakers to create, events, defaults', async () => {
		const file = await textGrid(
			[seg(0, 1000, 'S1', { transcript: '你好', mandarin: '你好' }), seg(1000, 2500, 'Mei', { transcript: '早晨' }), seg(3000, 4000, 'Mei', { transcript: '食咗飯未' })],
			10_000,
			{ layers: ['transcript', 'mandarin'], events: [{ startMs: 1500, tier: 'bell', text: 'click' }] }
		);
		const before = await written(recordingId);
		const p = await preview(recordingId, 'talk.TextGrid', file);
		expect(await written(recordingId)).toEqual(before);

		expect(p.file).toMatchObject({ name: 'talk.TextGrid', format: 'textgrid', segments: 3, events: 1, durationMs: 10_000, maxTimeMs: 4000 });
		expect(p.recording.totals).toEqual({ added: 3, changed: 0, removed: 0, unchanged: 0 });
		expect(p.recording.bySpeaker).toEqual([
			{ speakerId: 'new:Mei', code: 'Mei', name: 'Mei', added: 2, changed: 0, removed: 0 },
			{ speakerId: s1.id, code: 'S1', name: 'Ah Ming', added: 1, changed: 0, removed: 0 }
		]);
		expect(p.recording.byLayer).toEqual([
			{ key: 'mandarin', added: 1, changed: 0, removed: 0 },
			{ key: 'transcript', added: 3, changed: 0, removed: 0 }
		]);
		expect(p.recording.events).toEqual({ added: 1, removed: 0, unchanged: 0 });
		expect(p.mapping).toEqual({
			speakers: { S1: { speakerId: s1.id }, Mei: { create: { code: 'Mei', name: 'Mei' } } },
			layers: { transcript: 'transcript', mandarin: 'mandarin' },
			dialects: {}
		});
		expect(p.creates.speakers).toEqual([{ code: 'Mei', name: 'Mei' }]);
		expect(p.canApply).toBe(true);
		expect(p.token).toMatch(/^[0-9a-f]{64}$/);
		expect(p.recording.samples.map((s) => [s.kind, s.after?.startMs, s.after?.texts.transcript])).toEqual([
			['added', 0, '你好'],
			['added', 1000, '早晨'],
			['added', 3000, '食咗飯未']
		]);
	});

	it('applies in one go: segments with origin import and a create revision each, the speaker created, the point tier kept as an event', async () => {
		const file = await textGrid([seg(0, 1000, 'S1', { transcript: '你好' }), seg(1200, 2500, 'Lan', { transcript: '早晨' })], 10_000, {
			events: [{ startMs: 1500, tier: 'bell', text: 'click' }]
		});
		const { applied } = await previewAndApply(recordingId, 'talk.TextGrid', file);
		expect(applied).toMatchObject({ created: 2, updated: 0, deleted: 0, unchanged: 0, events: { added: 1, removed: 0 } });
		expect(applied.speakers.map((s) => [s.code, s.name])).toEqual([['Lan', 'Lan']]);

		const rows = await segments(recordingId);
		expect(rows.map((s) => [s.startMs, s.endMs, s.speakerId, s.texts, s.origin, s.createdBy])).toEqual([
			[0, 1000, s1.id, { transcript: '你好' }, 'import', admin.id],
			[1200, 2500, applied.speakers[0].id, { transcript: '早晨' }, 'import', admin.id]
		]);
		const revisions = await ctx.deps.db.selectFrom('segment_revision').select(['segment_id', 'action', 'after']).where('recording_id', '=', recordingId).execute();
		expect(revisions.map((r) => r.action)).toEqual(['create', 'create']);
		expect(JSON.parse(revisions.find((r) => r.segment_id === rows[0].id)!.after!)).toEqual(rows[0]);

		const events = (await (await ctx.json('GET', `/api/recordings/${recordingId}/events`, undefined, transcriber.cookie)).json()).events;
		expect(events).toMatchObject([{ timeMs: 1500, endMs: null, tier: 'bell', label: 'click', speakerId: null, source: 'textgrid talk.TextGrid', createdBy: admin.id }]);
		// The speaker is the project's now: a second import maps to it by code.
		const again = await preview(recordingId, 'talk.TextGrid', file);
		expect(again.mapping.speakers.Lan).toEqual({ speakerId: applied.speakers[0].id });
		expect(again.recording.totals).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
		expect(again.recording.events).toEqual({ added: 0, removed: 0, unchanged: 1 });
	});

	it('merge keeps what the file lacks; replace removes it; a matched segment keeps the layers the file does not carry', async () => {
		const kept = await seedSegment(recordingId, { startMs: 5000, endMs: 6000, speakerId: s1.id, texts: { transcript: '留住' } });
		const matched = await seedSegment(recordingId, { startMs: 0, endMs: 1000, speakerId: s1.id, texts: { transcript: '旧', mandarin: '普通话' } });
		const file = await textGrid([seg(0, 1000, 'S1', { transcript: '新' }), seg(2000, 3000, 'S1', { transcript: '加' })], 10_000);

		const merge = await preview(recordingId, 'a.TextGrid', file, { mode: 'merge' });
		expect(merge.recording.totals).toEqual({ added: 1, changed: 1, removed: 0, unchanged: 1 });
		const replace = await preview(recordingId, 'a.TextGrid', file, { mode: 'replace' });
		expect(replace.recording.totals).toEqual({ added: 1, changed: 1, removed: 1, unchanged: 0 });
		expect(replace.recording.bySpeaker).toEqual([{ speakerId: s1.id, code: 'S1', name: 'Ah Ming', added: 1, changed: 1, removed: 1 }]);
		expect(replace.recording.byLayer).toEqual([{ key: 'transcript', added: 1, changed: 1, removed: 1 }]);
		expect(replace.recording.samples.find((s) => s.kind === 'changed')).toMatchObject({
			fields: ['transcript'],
			before: { texts: { transcript: '旧', mandarin: '普通话' } },
			after: { texts: { transcript: '新' } }
		});

		const { applied } = await previewAndApply(recordingId, 'a.TextGrid', file, { mode: 'replace' });
		expect(applied).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 0 });
		const rows = await segments(recordingId);
		expect(rows.map((s) => [s.id === matched.id, s.startMs, s.texts, s.version, s.origin])).toEqual([
			[true, 0, { transcript: '新', mandarin: '普通话' }, 2, 'import'],
			[false, 2000, { transcript: '加' }, 1, 'import']
		]);
		expect(rows.some((s) => s.id === kept.id)).toBe(false);
		const history = (await (await ctx.json('GET', `/api/segments/${kept.id}/revisions`, undefined, admin.cookie)).json()).revisions;
		expect(history.map((r: { action: string }) => r.action)).toEqual(['delete', 'create']);
		const update = (await (await ctx.json('GET', `/api/segments/${matched.id}/revisions`, undefined, admin.cookie)).json()).revisions[0];
		expect(update).toMatchObject({ action: 'update', version: 2, before: { texts: { transcript: '旧' }, origin: 'manual' }, after: { texts: { transcript: '新' }, origin: 'import' } });
	});

	it('follows the mapping: speakers to an existing one or a new code, a layer skipped, dialect values to tags; refuses one naming what does not exist', async () => {
		const yue = project.dialectTags.find((t) => t.code === 'yue-hk')!;
		const file = await textGrid(
			[
				seg(0, 1000, 'Mary', { transcript: '一', notes: 'n1' }, { dialect: 'Hong Kong' }),
				seg(1000, 2000, 'John', { transcript: '二' }, { dialect: 'Klingon' }),
				seg(3000, 4000, 'John', { notes: 'only notes' })
			],
			10_000,
			{ layers: ['transcript', 'notes'] }
		);
		const defaults = await preview(recordingId, 'm.TextGrid', file);
		expect(defaults.mapping.layers).toEqual({ transcript: 'transcript', notes: null });
		expect(defaults.mapping.dialects).toEqual({ 'Hong Kong': yue.id, Klingon: null });
		expect(defaults.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['skipped_layer', 'unmatched_dialect', 'skipped_segments']));
		expect(defaults.warnings.find((w) => w.code === 'unmatched_dialect')?.values).toEqual(['Klingon']);

		const mapping = JSON.stringify({
			speakers: { Mary: { speakerId: s1.id }, John: { create: { code: 'JW', name: 'John Wong' } } },
			layers: { notes: 'mandarin' },
			dialects: { Klingon: yue.id }
		});
		const { preview: p } = await previewAndApply(recordingId, 'm.TextGrid', file, { mapping });
		expect(p.creates.speakers).toEqual([{ code: 'JW', name: 'John Wong' }]);
		const rows = await segments(recordingId);
		const jw = (await ctx.deps.db.selectFrom('speaker').select('id').where('code', '=', 'JW').executeTakeFirstOrThrow()).id;
		expect(rows.map((s) => [s.startMs, s.speakerId, s.dialectTagId, s.texts])).toEqual([
			[0, s1.id, yue.id, { transcript: '一', mandarin: 'n1' }],
			[1000, jw, yue.id, { transcript: '二' }],
			[3000, jw, null, { mandarin: 'only notes' }]
		]);

		const other = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 10_000 })).id;
		const before = await written(other);
		for (const bad of [
			{ speakers: { Mary: { speakerId: '0'.repeat(20) } } },
			{ speakers: { Mary: { create: { code: 'S1' } } } },
			{ layers: { notes: 'no_such_layer' } },
			{ layers: { notes: 'transcript', transcript: 'transcript' } },
			{ speakers: { Nobody: null } }
		]) {
			const res = await importInto(other, 'm.TextGrid', file, { mapping: JSON.stringify(bad) });
			expect(res.status).toBe(422);
			expect((await res.json()).error).toMatchObject({ code: 'invalid_mapping', problems: [expect.any(String)] });
		}
		const malformed = await importInto(other, 'm.TextGrid', file, { mapping: '{not json' });
		expect(malformed.status).toBe(400);
		expect(await written(other)).toEqual(before);
	});

	it('refuses a stale preview (409 preview_stale) and an apply without a token, writing nothing', async () => {
		const existing = await seedSegment(recordingId, { startMs: 0, endMs: 1000, texts: { transcript: 'a' } });
		const file = await textGrid([seg(2000, 3000, 'S1', { transcript: 'b' })], 10_000);
		const first = await preview(recordingId, 'x.TextGrid', file, { mode: 'replace' });
		const edited = await ctx.json('PATCH', `/api/segments/${existing.id}`, { version: 1, texts: { transcript: 'edited' } }, admin.cookie);
		expect(edited.status).toBe(200);
		const before = await written(recordingId);
		const stale = await importInto(recordingId, 'x.TextGrid', file, { mode: 'replace', apply: 'true', token: first.token });
		expect(stale.status).toBe(409);
		expect((await stale.json()).error.code).toBe('preview_stale');
		// Other options than the preview's are another preview too.
		const fresh = await preview(recordingId, 'x.TextGrid', file, { mode: 'replace' });
		const otherMode = await importInto(recordingId, 'x.TextGrid', file, { mode: 'merge', apply: 'true', token: fresh.token });
		expect(otherMode.status).toBe(409);
		const noToken = await importInto(recordingId, 'x.TextGrid', file, { apply: 'true' });
		expect(noToken.status).toBe(400);
		expect(await written(recordingId)).toEqual(before);
	});

	it('refuses a transcript past the end of the recording unless clip is asked for, which the preview shows', async () => {
		const file = await textGrid([seg(0, 4000, 'S1', { transcript: 'in' }), seg(9000, 12_000, 'S1', { transcript: 'over' }), seg(11_000, 11_500, 'S1', { transcript: 'after' })], 12_000);
		const p = await preview(recordingId, 'long.TextGrid', file);
		expect(p.canApply).toBe(false);
		expect(p.warnings.find((w) => w.code === 'past_the_end')).toMatchObject({ blocking: true, durationMs: 10_000, maxTimeMs: 12_000 });
		const before = await written(recordingId);
		const refused = await importInto(recordingId, 'long.TextGrid', file, { apply: 'true', token: p.token });
		expect(refused.status).toBe(422);
		expect((await refused.json()).error.code).toBe('past_the_end');
		expect(await written(recordingId)).toEqual(before);

		const clipped = await previewAndApply(recordingId, 'long.TextGrid', file, { clip: 'true' });
		expect(clipped.preview.warnings.find((w) => w.code === 'clipped_to_recording')).toMatchObject({ blocking: false });
		expect((await segments(recordingId)).map((s) => [s.startMs, s.endMs])).toEqual([
			[0, 4000],
			[9000, 10_000]
		]);
	});

	it('cuts a transcript a few milliseconds too long by itself, and says so', async () => {
		const file = await textGrid([seg(0, 10_040, 'S1', { transcript: 'x' })], 10_040);
		const { preview: p } = await previewAndApply(recordingId, 'near.TextGrid', file);
		expect(p.warnings.map((w) => w.code)).toContain('clipped_to_recording');
		expect((await segments(recordingId))[0].endMs).toBe(10_000);
	});

	it('keeps same-speaker overlaps (overflow tiers) and warns about them', async () => {
		const file = await textGrid([seg(0, 2000, 'S1', { transcript: 'a' }), seg(1000, 3000, 'S1', { transcript: 'b' })], 10_000);
		expect(file).toContain('S1#2 - transcript');
		const { preview: p } = await previewAndApply(recordingId, 'ov.TextGrid', file);
		expect(p.warnings.find((w) => w.code === 'same_speaker_overlap')).toMatchObject({ count: 1, blocking: false });
		expect((await segments(recordingId)).map((s) => [s.startMs, s.endMs, s.speakerId])).toEqual([
			[0, 2000, s1.id],
			[1000, 3000, s1.id]
		]);
	});

	it('marks ASR output as machine-made; the create revision keeps the machine text after a person corrects it', async () => {
		const asr = JSON.stringify({ language: 'yue', segments: [{ start: 0.5, end: 2, text: ' 我哋去饮茶' }, { start: 2.5, end: 4, text: '好呀' }] });
		const { applied } = await previewAndApply(recordingId, 'asr.json', asr);
		expect(applied.created).toBe(2);
		const [first] = await segments(recordingId);
		expect(first).toMatchObject({ startMs: 500, endMs: 2000, origin: 'machine', texts: { transcript: '我哋去饮茶' } });
		const fixed = await ctx.json('PATCH', `/api/segments/${first.id}`, { version: 1, texts: { transcript: '我哋去飲茶' } }, admin.cookie);
		expect((await fixed.json()).segment.origin).toBe('machine');
		const revisions = (await (await ctx.json('GET', `/api/segments/${first.id}/revisions`, undefined, admin.cookie)).json()).revisions;
		expect(revisions.map((r: SegmentRevisionLike) => [r.action, r.after?.texts.transcript, r.after?.origin])).toEqual([
			['update', '我哋去飲茶', 'machine'],
			['create', '我哋去饮茶', 'machine']
		]);
	});

	it('imports the long and short TextGrids Praat itself saved in UTF-16, with the point tier as an event', async () => {
		const long = path.join(dir, `praat-long-${recordingId}.TextGrid`);
		const short = path.join(dir, `praat-short-${recordingId}.TextGrid`);
		expect(runPraat('make_textgrid.praat', long, short).status).toBe(0);
		expect([...readFileSync(long).subarray(0, 2)]).toEqual([0xfe, 0xff]);
		for (const file of [long, short]) {
			const id = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 4000 })).id;
			const { preview: p } = await previewAndApply(id, path.basename(file), readFileSync(file));
			expect(p.file.format).toBe('textgrid');
			const rows = await segments(id);
			const codes = new Map((await ctx.deps.db.selectFrom('speaker').select(['id', 'code']).execute()).map((s) => [s.id, s.code]));
			expect(rows.map((s) => [s.startMs, s.endMs, codes.get(s.speakerId!), s.texts.transcript])).toEqual([
				[500, 3750, 'Mary', '粤语 ümlaut'],
				[1250, 2500, 'A', '他说"你好" ok'],
				[2500, 4000, 'A', 'line1\nline2 \\ tab\t!']
			]);
			const events = (await (await ctx.json('GET', `/api/recordings/${id}/events`, undefined, admin.cookie)).json()).events;
			expect(events.map((e: { timeMs: number; tier: string; label: string }) => [e.timeMs, e.tier, e.label])).toEqual([[1500, 'bell', 'click']]);
		}
	});

	it('imports Transcriber files in their declared encoding, with events; a replace replaces the events', async () => {
		await previewAndApply(recordingId, 'latin.trs', TRS_LATIN1);
		const rows = await segments(recordingId);
		expect(rows.map((s) => [s.startMs, s.endMs, s.texts.transcript])).toEqual([
			[0, 2000, 'déjà vu'],
			[2000, 4000, 'café crème']
		]);
		const events = async () => (await (await ctx.json('GET', `/api/recordings/${recordingId}/events`, undefined, admin.cookie)).json()).events;
		expect((await events()).map((e: { tier: string; label: string }) => [e.tier, e.label])).toEqual([['noise', 'rire']]);

		const tg = await textGrid([seg(0, 1000, 'S1', { transcript: 'x' })], 10_000, { events: [{ startMs: 500, tier: 'bell', text: 'ding' }] });
		const merged = await preview(recordingId, 'b.TextGrid', tg, { mode: 'merge' });
		expect(merged.recording.events).toEqual({ added: 1, removed: 0, unchanged: 1 });
		await previewAndApply(recordingId, 'b.TextGrid', tg, { mode: 'replace' });
		expect((await events()).map((e: { tier: string; label: string }) => [e.tier, e.label])).toEqual([['bell', 'ding']]);
	});

	it('imports SRT, WebVTT voices and an EAF controlled vocabulary onto the project’s tags', async () => {
		const vtt = 'WEBVTT\n\n00:00.500 --> 00:02.000\n<v S1>你好\n\n00:02.000 --> 00:03.000\n<v Ka Yan>早晨\n';
		await previewAndApply(recordingId, 'a.vtt', vtt);
		const speakers = new Map((await ctx.deps.db.selectFrom('speaker').select(['id', 'code', 'name']).execute()).map((s) => [s.id, s]));
		expect((await segments(recordingId)).map((s) => [s.startMs, speakers.get(s.speakerId!)?.name, s.texts.transcript])).toEqual([
			[500, 'Ah Ming', '你好'],
			[2000, 'Ka Yan', '早晨']
		]);

		const srtRecording = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 10_000 })).id;
		await previewAndApply(srtRecording, 'a.srt', '1\n00:00:01,000 --> 00:00:02,500\n第一句\n\n2\n00:00:03,000 --> 00:00:04,000\n第二句\n');
		expect((await segments(srtRecording)).map((s) => [s.startMs, s.endMs, s.speakerId, s.texts.transcript])).toEqual([
			[1000, 2500, null, '第一句'],
			[3000, 4000, null, '第二句']
		]);

		const eafRecording = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 10_000 })).id;
		const eaf = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-05-01T12:00:00+00:00" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
  <TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="100"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="900"/></TIME_ORDER>
  <TIER LINGUISTIC_TYPE_REF="utt" PARTICIPANT="S1" TIER_ID="S1 - transcript">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>係咪</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER LINGUISTIC_TYPE_REF="dia" PARENT_REF="S1 - transcript" TIER_ID="S1 - dialect">
    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a2" ANNOTATION_REF="a1" CVE_REF="c1"><ANNOTATION_VALUE>Taishanese</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="utt" TIME_ALIGNABLE="true"/>
  <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY_REF="dialects" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="dia" TIME_ALIGNABLE="false"/>
  <CONTROLLED_VOCABULARY CV_ID="dialects"><CV_ENTRY_ML CVE_ID="c1"><CVE_VALUE LANG_REF="eng">Taishanese</CVE_VALUE></CV_ENTRY_ML></CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>`;
		await previewAndApply(eafRecording, 'a.eaf', eaf);
		const ts = project.dialectTags.find((t) => t.code === 'yue-ts')!;
		expect((await segments(eafRecording)).map((s) => [s.startMs, s.endMs, s.speakerId, s.dialectTagId, s.texts.transcript])).toEqual([[100, 900, s1.id, ts.id, '係咪']]);
	});

	it('answers bad files with a clear 4xx and writes nothing: malformed (naming the line), unknown encoding, unsupported, too large', async () => {
		await seedSegment(recordingId, { startMs: 0, endMs: 1000, texts: { transcript: 'keep' } });
		const before = await written(recordingId);
		const expectError = async (res: Response, status: number, code: string) => {
			const body = (await res.json()) as { error: { code: string; message: string } & Record<string, unknown> };
			expect({ status: res.status, code: body.error.code }, body.error.message).toEqual({ status, code });
			return body.error;
		};

		const good = await textGrid([seg(0, 1000, 'S1', { transcript: 'x' })], 10_000);
		const broken = good.replace('xmax = 1 ', 'xmax = "one" ');
		const malformed = await expectError(await importInto(recordingId, 'broken.TextGrid', broken), 422, 'malformed_file');
		expect(malformed.message).toMatch(/^line 17: expected the end of interval 1/);
		expect(malformed.line).toBe(17);
		const truncated = await expectError(await importInto(recordingId, 'cut.TextGrid', good.slice(0, good.indexOf('intervals [2]'))), 422, 'malformed_file');
		expect(truncated.message).toMatch(/^line 18: the file ends/);

		const badXml = await expectError(await importInto(recordingId, 'bad.eaf', '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT>\n<TIER TIER_ID="a">\n</ANNOTATION_DOCUMENT>'), 422, 'malformed_file');
		expect(badXml.message).toMatch(/line|TIER/);

		const encoding = await expectError(
			await importInto(recordingId, 'x.trs', '<?xml version="1.0" encoding="KLINGON-8"?>\n<Trans></Trans>'),
			422,
			'unknown_encoding'
		);
		expect(encoding.message).toContain('KLINGON-8');
		expect(encoding.encoding).toBe('KLINGON-8');

		const unsupported = await expectError(await importInto(recordingId, 'notes.docx', 'PK\u0003\u0004 not a transcript'), 415, 'unsupported_format');
		expect(unsupported.supported).toEqual(['textgrid', 'eaf', 'trs', 'srt', 'webvtt', 'asr-json', 'label-studio']);
		expect(unsupported.message).toContain('TextGrid');

		const declared = await ctx.request(`/api/recordings/${recordingId}/transcript-import`, {
			method: 'POST',
			cookie: admin.cookie,
			headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX_TRANSCRIPT_BYTES + 1024 * 1024) },
			body: 'x'
		});
		await expectError(declared, 413, 'too_large');

		// Streamed, with no length declared: counted as it arrives and cut off at the limit.
		const boundary = 'fangyanboundary';
		const chunk = new Uint8Array(1024 * 1024).fill(0x61);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent === 0) controller.enqueue(new TextEncoder().encode(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.srt"\r\ncontent-type: text/plain\r\n\r\n`));
				if (sent > MAX_TRANSCRIPT_BYTES) {
					controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
					controller.close();
					return;
				}
				controller.enqueue(chunk);
				sent += chunk.length;
			}
		});
		const streamed = await ctx.request(`/api/recordings/${recordingId}/transcript-import`, {
			method: 'POST',
			cookie: admin.cookie,
			headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
			body,
			duplex: 'half'
		} as RequestInit);
		await expectError(streamed, 413, 'too_large');

		const ls = JSON.stringify([
			{ id: 1, data: { audio: 'a.wav' }, annotations: [{ id: 1, result: [] }] },
			{ id: 2, data: { audio: 'b.wav' }, annotations: [{ id: 2, result: [] }] }
		]);
		await expectError(await importInto(recordingId, 'export.json', ls), 422, 'use_project_import');
		expect(await written(recordingId)).toEqual(before);
		expect(await (await import('node:fs/promises')).readdir(ctx.deps.storage.tmpDir)).toEqual([]);
	});

	it('is all or nothing: a segment the database refuses late in the file rolls back every write, speakers included', async () => {
		await seedSegment(recordingId, { startMs: 8000, endMs: 9000, texts: { transcript: 'old' } });
		// A constraint of the database's own (a trigger), so that the refusal comes from the database mid-apply.
		if (kind === 'sqlite') {
			await sql`create trigger boom before insert on segment when new.texts like '%BOOM%' begin select raise(abort, 'boom'); end`.execute(ctx.deps.db);
		} else {
			await sql`create function boom() returns trigger as $$ begin if new.texts like '%BOOM%' then raise exception 'boom'; end if; return new; end $$ language plpgsql`.execute(ctx.deps.db);
			await sql`create trigger boom before insert on segment for each row execute function boom()`.execute(ctx.deps.db);
		}
		try {
			const many = Array.from({ length: 40 }, (_, i) => seg(i * 100, i * 100 + 90, i % 2 ? 'S1' : 'Newbie', { transcript: i === 38 ? 'BOOM' : `t${i}` }));
			const file = await textGrid(many, 10_000, { events: [{ startMs: 10, tier: 'bell', text: 'x' }] });
			const before = await written(recordingId);
			const p = await preview(recordingId, 'boom.TextGrid', file, { mode: 'replace' });
			expect(p.recording.totals).toMatchObject({ added: 40, removed: 1 });
			await expect(
				importIntoRecording(ctx.deps.db, {
					recordingId,
					file: { name: 'boom.TextGrid', bytes: Buffer.from(file) },
					options: { mode: 'replace' },
					apply: true,
					token: p.token,
					userId: admin.id
				})
			).rejects.toThrow(/boom/);
			expect(await written(recordingId)).toEqual(before);
		} finally {
			await sql`drop trigger boom${kind === 'postgres' ? sql` on segment` : sql``}`.execute(ctx.deps.db);
			if (kind === 'postgres') await sql`drop function boom()`.execute(ctx.deps.db);
		}
	});

	it('lets only project managers import: 403 for a transcriber, 404 for an unknown recording', async () => {
		const file = await textGrid([seg(0, 1000, 'S1', { transcript: 'x' })], 10_000);
		const forbidden = await importInto(recordingId, 'x.TextGrid', file, {}, transcriber.cookie);
		expect(forbidden.status).toBe(403);
		const unknown = await importInto('0'.repeat(20), 'x.TextGrid', file);
		expect(unknown.status).toBe(404);
		const queued = (await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 0, state: 'queued' })).id;
		const notReady = await importInto(queued, 'x.TextGrid', file);
		expect(notReady.status).toBe(409);
		expect((await notReady.json()).error.code).toBe('not_ready');
	});

	describe('Label Studio exports, per project', () => {
		const task = (id: number, audio: string, regions: [number, number, string, string][]) => ({
			id,
			data: { audio },
			annotations: [
				{
					id: id * 10,
					created_at: '2024-01-01T00:00:00Z',
					result: regions.flatMap(([start, end, speaker, text], i) => [
						{ id: `r${i}`, type: 'labels', from_name: 'speaker', to_name: 'audio', original_length: 10, value: { start, end, labels: [speaker] } },
						{ id: `r${i}`, type: 'textarea', from_name: 'transcription', to_name: 'audio', value: { start, end, text: [text] } }
					])
				}
			]
		});

		it('matches tasks to recordings by the audio’s base name, previews each, applies all in one transaction', async () => {
			const p2 = (await (await ctx.json('POST', '/api/projects', { name: `LS ${kind}` }, admin.cookie)).json()).project as ProjectDto;
			await ctx.addMember(p2.id, transcriber);
			const tape1 = (await insertTestRecording(ctx.deps.db, { projectId: p2.id, durationMs: 10_000, name: 'tape 1.wav' })).id;
			const tape2 = (await insertTestRecording(ctx.deps.db, { projectId: p2.id, durationMs: 10_000, name: 'Tape2.flac' })).id;
			const exported = JSON.stringify([
				task(1, '/data/upload/3/1a2b3c4d-tape%201.wav', [[0.5, 2, 'A', '一'], [2, 3.5, 'B', '二']]),
				task(2, 's3://bucket/audio/tape2.mp3?X-Amz=1', [[1, 2, 'A', '三']]),
				task(3, '/data/upload/3/nope.wav', [[1, 2, 'A', 'x']]),
				task(4, 'tape2.wav', [[1, 2, 'A', 'again']])
			]);
			const url = `/api/projects/${p2.slug}/transcript-import`;
			const res = await send(url, 'project-export.json', exported);
			expect(res.status, await res.clone().text()).toBe(200);
			const { preview: p } = await res.json();
			expect(p.file.format).toBe('label-studio');
			expect(p.recordings.map((r: { recordingId: string; taskId: number; totals: { added: number } }) => [r.recordingId, r.taskId, r.totals.added])).toEqual([
				[tape1, 1, 2],
				[tape2, 2, 1]
			]);
			expect(p.unmatched.map((u: { taskId: number; reason: string }) => [u.taskId, u.reason])).toEqual([
				[3, 'no_recording'],
				[4, 'duplicate']
			]);
			expect(p.totals).toEqual({ added: 3, changed: 0, removed: 0, unchanged: 0 });
			expect(p.creates.speakers.map((s: { code: string }) => s.code)).toEqual(['A', 'B']);

			await seedSegment(tape2, { startMs: 5000, endMs: 6000, texts: { transcript: 'moved on' } });
			const stale = await send(url, 'project-export.json', exported, { apply: 'true', token: p.token });
			expect(stale.status).toBe(409);
			const fresh = (await (await send(url, 'project-export.json', exported)).json()).preview;
			const applied = await send(url, 'project-export.json', exported, { apply: 'true', token: fresh.token });
			expect(applied.status).toBe(201);
			expect((await applied.json()).applied).toMatchObject({ created: 3, updated: 0, deleted: 0, unchanged: 1 });
			expect((await segments(tape1)).map((s) => [s.startMs, s.endMs, s.texts.transcript])).toEqual([
				[500, 2000, '一'],
				[2000, 3500, '二']
			]);
			expect((await segments(tape2)).map((s) => s.texts.transcript)).toEqual(['三', 'moved on']);

			const notLs = await send(url, 'a.srt', '1\n00:00:01,000 --> 00:00:02,000\nx\n');
			expect(notLs.status).toBe(422);
			expect((await notLs.json()).error.code).toBe('not_label_studio');
			expect((await send(url, 'project-export.json', exported, {}, transcriber.cookie)).status).toBe(403);
		});
	});
});

type SegmentRevisionLike = { action: string; after: SegmentDto | null };
