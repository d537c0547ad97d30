import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerPool, type WorkerPool } from '../jobs/worker-pool.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { resolveMediaTools, runTool } from '../media/ffmpeg.ts';
import { parsePeaks } from '../media/peaks-format.ts';
import { probeAudio } from '../media/probe.ts';
import { makeTone, makeVideoOnly } from '../media/test-audio.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import type { RecordingDto } from './recordings.mapper.ts';
import { setRecordingState } from './recordings.repository.ts';

const MAX_UPLOAD = 300_000;
const fixtures = mkdtempSync(path.join(os.tmpdir(), 'fangyan-rec-fixtures-'));
const fixture = (name: string) => path.join(fixtures, name);

beforeAll(async () => {
	const { ffmpeg } = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH });
	// 3 s mono 16 kHz, a 1 kHz sine at half scale: 96 kB, under the test upload limit.
	await makeTone(ffmpeg, fixture('tone.wav'), { seconds: 3, sampleRate: 16000, frequency: 1000, amplitude: 0.5 });
	await makeTone(ffmpeg, fixture('other.flac'), { seconds: 2, sampleRate: 22050, channels: 2, frequency: 300 });
	await makeTone(ffmpeg, fixture('big.wav'), { seconds: 12, sampleRate: 16000 });
	await makeVideoOnly(ffmpeg, fixture('video.mkv'));
	// Silence, then a tone from exactly 1.000 s: shows where a clip really starts.
	await runTool(ffmpeg, [
		'-v', 'error', '-y', '-f', 'lavfi', '-i', "aevalsrc='if(gte(t,1),0.5*sin(2*PI*440*t),0)':s=22050:d=3",
		'-c:a', 'libmp3lame', '-b:a', '64k', fixture('step.mp3')
	]);
	writeFileSync(fixture('text.wav'), 'Not audio at all, just words.\n'.repeat(50));
	writeFileSync(fixture('empty.wav'), '');
	for (const [source, target] of [
		['tone.wav', 'half.wav'],
		['other.flac', 'half.flac']
	] as const) {
		copyFileSync(fixture(source), fixture(target));
		truncateSync(fixture(target), Math.floor(statSync(fixture(target)).size / 2));
	}
});
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
	return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
		.filter((d) => d.isFile())
		.map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
		.sort();
}

/** A multipart body built by hand, so the request can carry an exact Content-Length. */
function multipart(fileName: string, content: Buffer, fields: Record<string, string> = {}) {
	const boundary = `----fangyan${newId()}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	}
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`
		),
		content,
		Buffer.from(`\r\n--${boundary}--\r\n`)
	);
	const body = Buffer.concat(parts);
	return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) } };
}

describe.each(DB_KINDS)('recordings API on %s', (kind) => {
	let ctx: TestContext;
	let pool: WorkerPool;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let projectId: string;
	let otherProjectId: string;
	let tone: RecordingDto;

	const upload = (file: string, name = path.basename(file), cookie = admin.cookie, fields: Record<string, string> = {}, project = projectId) => {
		const form = new FormData();
		for (const [k, v] of Object.entries(fields)) form.append(k, v);
		form.append('file', new Blob([readFileSync(file)]), name);
		return ctx.request(`/api/projects/${project}/recordings`, { method: 'POST', body: form, cookie });
	};
	const countRows = async () => {
		const rows = await ctx.deps.db.selectFrom('recording').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		return Number(rows.n);
	};
	const waitUntilSettled = async (id: string): Promise<RecordingDto> => {
		for (let i = 0; i < 300; i++) {
			const res = await ctx.request(`/api/recordings/${id}`, { cookie: admin.cookie });
			const { recording } = (await res.json()) as { recording: RecordingDto };
			if (recording.state === 'ready' || recording.state === 'failed') return recording;
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error(`recording ${id} never finished processing`);
	};
	/** Uploads `file`, expects `status` and `code`, and checks that no row and no file was left behind. */
	const expectRejected = async (send: () => Promise<Response>, status: number, code: string) => {
		const rowsBefore = await countRows();
		const filesBefore = listFiles(ctx.dataDir);
		const response = await send();
		const body = (await response.json()) as { error: { code: string; message: string } };
		expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
		expect(body.error.message.length).toBeGreaterThan(5);
		expect(await countRows()).toBe(rowsBefore);
		expect(listFiles(ctx.dataDir)).toEqual(filesBefore);
		expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
		return body;
	};

	beforeAll(async () => {
		ctx = await createTestContext(kind, { config: { maxUploadBytes: MAX_UPLOAD } });
		pool = await startWorkerPool(ctx.deps, { size: 2, pollMs: 200 });
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		for (const name of ['Hakka', 'Wu']) {
			const res = await ctx.json('POST', '/api/projects', { name }, admin.cookie);
			expect(res.status).toBe(201);
			const { project } = (await res.json()) as { project: { id: string } };
			if (name === 'Hakka') projectId = project.id;
			else otherProjectId = project.id;
			await ctx.addMember(project.id, transcriber);
		}
	});
	afterAll(async () => {
		await pool.stop();
		await ctx.close();
	});

	it('uploads a WAV, ingests it, and lists it', async () => {
		const res = await upload(fixture('tone.wav'), 'tone.wav', admin.cookie, { place: 'Meixian' });
		expect(res.status).toBe(202);
		const { recording } = (await res.json()) as { recording: RecordingDto };
		expect(recording).toMatchObject({
			projectId,
			name: 'tone.wav',
			sizeBytes: statSync(fixture('tone.wav')).size,
			formatName: 'wav',
			codec: 'pcm_s16le',
			sampleRate: 16000,
			channels: 1,
			place: 'Meixian',
			metadata: {},
			state: 'queued',
			error: null,
			segmentCount: 0,
			segmentedMs: 0
		});
		expect(recording.sha256).toMatch(/^[0-9a-f]{64}$/);
		tone = await waitUntilSettled(recording.id);
		expect(tone.state).toBe('ready');
		expect(tone.durationMs).toBe(3000);
		const storage = ctx.deps.storage;
		expect(existsSync(storage.originalPath(tone.sha256, 'wav'))).toBe(true);
		expect(readFileSync(storage.originalPath(tone.sha256, 'wav')).equals(readFileSync(fixture('tone.wav')))).toBe(true);
		expect(existsSync(storage.playbackPath(tone.id))).toBe(true);
		expect(existsSync(storage.peaksPath(tone.id))).toBe(true);
		expect(readdirSync(storage.tmpDir)).toEqual([]);

		const list = await ctx.request(`/api/projects/${projectId}/recordings`, { cookie: transcriber.cookie });
		expect(list.status).toBe(200);
		const { recordings } = (await list.json()) as { recordings: RecordingDto[] };
		expect(recordings.map((r) => r.id)).toEqual([tone.id]);
		const jobs = await ctx.deps.db.selectFrom('job').select(['state', 'payload']).execute();
		expect(jobs).toEqual([{ state: 'done', payload: JSON.stringify({ recordingId: tone.id }) }]);
	});

	it('keeps a Chinese file name as it was sent', async () => {
		const res = await upload(fixture('other.flac'), '客家话访谈 第一段.flac', admin.cookie, {}, otherProjectId);
		expect(res.status).toBe(202);
		const { recording } = (await res.json()) as { recording: RecordingDto };
		expect(recording.name).toBe('客家话访谈 第一段.flac');
		expect((await waitUntilSettled(recording.id)).state).toBe('ready');
	});

	it('refuses uploads from non-admins and to unknown projects', async () => {
		expect((await upload(fixture('tone.wav'), 'tone.wav', transcriber.cookie)).status).toBe(403);
		const res = await upload(fixture('other.flac'), 'other.flac', admin.cookie, {}, 'no-such-project');
		expect(res.status).toBe(404);
		expect((await ctx.request('/api/projects/no-such-project/recordings', { cookie: admin.cookie })).status).toBe(404);
	});

	it('refuses the same file twice in a project, naming the existing recording', async () => {
		const body = await expectRejected(() => upload(fixture('tone.wav'), 'again.wav'), 409, 'duplicate');
		expect(body.error).toMatchObject({ recordingId: tone.id });
	});

	it.each([
		['text.wav', 'a text file named .wav', 415, 'not_audio'],
		['empty.wav', 'a zero-length file', 422, 'empty_file'],
		['half.wav', 'a WAV cut in half', 422, 'truncated'],
		['half.flac', 'a FLAC cut in half', 422, 'truncated'],
		['video.mkv', 'a file without an audio stream', 415, 'no_audio_stream']
	])('rejects %s (%s) with %i %s and leaves nothing behind', async (file, _what, status, code) => {
		await expectRejected(() => upload(fixture(file)), status, code);
	});

	it.each(['../../evil.wav', '..\\..\\evil.wav', 'a/b.wav', 'tab\tname.wav', '..'])(
		'rejects the path-like file name %j and writes nothing outside the data dir',
		async (name) => {
			const outside = path.resolve(ctx.dataDir, '..', '..', 'evil.wav');
			await expectRejected(() => upload(fixture('other.flac'), name), 400, 'invalid_file_name');
			expect(existsSync(outside)).toBe(false);
			expect(existsSync(path.resolve(ctx.dataDir, '..', 'evil.wav'))).toBe(false);
		}
	);

	it('rejects control characters in an RFC 5987 encoded file name', async () => {
		const { body, headers } = multipart('x', readFileSync(fixture('other.flac')));
		const encoded = body.toString('latin1').replace('filename="x"', "filename*=UTF-8''bad%01name.wav");
		const send = () =>
			ctx.request(`/api/projects/${projectId}/recordings`, {
				method: 'POST',
				body: Buffer.from(encoded, 'latin1'),
				headers: { 'content-type': headers['content-type'] },
				cookie: admin.cookie
			});
		await expectRejected(send, 400, 'invalid_file_name');
	});

	it('rejects an upload over the size limit while streaming it', async () => {
		expect(statSync(fixture('big.wav')).size).toBeGreaterThan(MAX_UPLOAD);
		// FormData through app.request carries no Content-Length: the limit trips in the stream.
		const body = await expectRejected(() => upload(fixture('big.wav')), 413, 'too_large');
		expect(body.error).toMatchObject({ maxBytes: MAX_UPLOAD });
	});

	it('rejects an upload whose Content-Length is over the limit before reading it', async () => {
		const { body, headers } = multipart('big.wav', readFileSync(fixture('big.wav')));
		const send = () => ctx.request(`/api/projects/${projectId}/recordings`, { method: 'POST', body, headers, cookie: admin.cookie });
		await expectRejected(send, 413, 'too_large');
	});

	it('cleans up when the client goes away in the middle of an upload', async () => {
		const { body, headers } = multipart('cut.flac', readFileSync(fixture('other.flac')));
		let sent = false;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (!sent) {
					sent = true;
					controller.enqueue(new Uint8Array(body.subarray(0, Math.floor(body.length / 2))));
				} else {
					controller.error(new Error('client went away'));
				}
			}
		});
		const send = () =>
			ctx.request(`/api/projects/${projectId}/recordings`, {
				method: 'POST',
				body: stream,
				headers: { 'content-type': headers['content-type'] },
				cookie: admin.cookie,
				duplex: 'half'
			} as RequestInit);
		await expectRejected(send, 400, 'invalid_request');
	});

	it('rejects a request that is not multipart, or has no file part', async () => {
		await expectRejected(() => ctx.json('POST', `/api/projects/${projectId}/recordings`, { file: 'x' }, admin.cookie), 400, 'invalid_request');
		const form = new FormData();
		form.append('place', 'nowhere');
		await expectRejected(
			() => ctx.request(`/api/projects/${projectId}/recordings`, { method: 'POST', body: form, cookie: admin.cookie }),
			400,
			'invalid_request'
		);
	});

	it('rejects a speaker from outside the project', async () => {
		const { body, headers } = multipart('sp.flac', readFileSync(fixture('other.flac')), { speakerId: newId() });
		await expectRejected(
			() => ctx.request(`/api/projects/${projectId}/recordings`, { method: 'POST', body, headers, cookie: admin.cookie }),
			422,
			'unknown_speaker'
		);
	});

	it('answers 404 for unknown recording ids everywhere', async () => {
		for (const suffix of ['', '/peaks', '/audio', '/clip?start=0&end=100']) {
			const res = await ctx.request(`/api/recordings/${newId()}${suffix}`, { cookie: admin.cookie });
			expect(res.status).toBe(404);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
		}
		expect((await ctx.request(`/api/recordings/${newId()}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(404);
	});

	it('serves peaks with ETag, cache headers and 304', async () => {
		const res = await ctx.request(`/api/recordings/${tone.id}/peaks`, { cookie: transcriber.cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('cache-control')).toMatch(/private, max-age=\d+/);
		const etag = res.headers.get('etag')!;
		expect(etag).toBe(`"${tone.sha256}.v1"`);
		const peaks = parsePeaks(new Uint8Array(await res.arrayBuffer()));
		expect(peaks).toMatchObject({ sampleRate: 16000, durationMs: 3000 });
		expect(peaks.levels[0]).toMatchObject({ samplesPerPeak: 160, peakCount: 300 });
		// The 1 kHz sine at half scale reaches ±0.5 × 127 in every 10-ms window.
		const fine = peaks.levels[0]!.data;
		for (let i = 0; i < 300; i++) {
			expect(fine[2 * i + 1]).toBeGreaterThanOrEqual(62);
			expect(fine[2 * i + 1]).toBeLessThanOrEqual(64);
			expect(fine[2 * i]).toBeLessThanOrEqual(-62);
		}
		const again = await ctx.request(`/api/recordings/${tone.id}/peaks`, { cookie: transcriber.cookie, headers: { 'if-none-match': etag } });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');
	});

	it('answers 409 not_ready for peaks, audio and clips while processing', async () => {
		await setRecordingState(ctx.deps.db, tone.id, 'processing');
		try {
			for (const suffix of ['/peaks', '/audio', '/clip?start=0&end=100']) {
				const res = await ctx.request(`/api/recordings/${tone.id}${suffix}`, { cookie: admin.cookie });
				expect(res.status).toBe(409);
				expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_ready');
			}
		} finally {
			await setRecordingState(ctx.deps.db, tone.id, 'ready');
		}
	});

	describe('audio with HTTP Range', () => {
		let bytes: Buffer;
		let size: number;
		const get = (headers: Record<string, string> = {}, method = 'GET') =>
			ctx.request(`/api/recordings/${tone.id}/audio`, { cookie: transcriber.cookie, headers, method });

		beforeAll(() => {
			bytes = readFileSync(ctx.deps.storage.playbackPath(tone.id));
			size = bytes.length;
		});

		it('sends the whole Ogg Opus rendition without a Range', async () => {
			const res = await get();
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('audio/ogg');
			expect(res.headers.get('accept-ranges')).toBe('bytes');
			expect(res.headers.get('content-length')).toBe(String(size));
			expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
			expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
		});

		it.each([
			['first bytes', 'bytes=0-99', () => [0, 99]],
			['a middle slice', 'bytes=100-199', () => [100, 199]],
			['a suffix', 'bytes=-100', () => [size - 100, size - 1]],
			['an open end', 'bytes=100-', () => [100, size - 1]],
			['an end past the file', 'bytes=10-999999999', () => [10, size - 1]]
		])('answers %s (%s) with 206 and an exact Content-Range', async (_what, range, expected) => {
			const [start, end] = expected() as [number, number];
			const res = await get({ range });
			expect(res.status).toBe(206);
			expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
			expect(res.headers.get('content-length')).toBe(String(end - start + 1));
			expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
		});

		it.each([() => `bytes=${size}-`, () => `bytes=${size + 10}-${size + 20}`, () => 'bytes=-0'])(
			'answers an unsatisfiable range with 416 and bytes */size',
			async (range) => {
				const res = await get({ range: range() });
				expect(res.status).toBe(416);
				expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
				await res.body?.cancel();
			}
		);

		it('answers HEAD with the headers only', async () => {
			const res = await get({ range: 'bytes=0-9' }, 'HEAD');
			expect(res.status).toBe(206);
			expect(res.headers.get('content-range')).toBe(`bytes 0-9/${size}`);
			expect((await res.arrayBuffer()).byteLength).toBe(0);
		});
	});

	describe('clips', () => {
		const clip = (query: string) => ctx.request(`/api/recordings/${tone.id}/clip?${query}`, { cookie: transcriber.cookie });

		it.each(['wav', 'flac', 'opus'] as const)('cuts [500, 1750) as %s exactly and caches it', async (format) => {
			const res = await clip(`start=500&end=1750&format=${format}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe(format === 'opus' ? 'audio/ogg' : `audio/${format}`);
			const out = path.join(fixtures, `clip-${kind}.${format}`);
			writeFileSync(out, Buffer.from(await res.arrayBuffer()));
			const info = await probeAudio(ctx.deps.media.ffprobe, out);
			if (format === 'opus') {
				// Ogg Opus timestamps include the encoder's 312-sample pre-skip (6.5 ms).
				expect(Math.abs(info.durationMs! - 1250 - 6.5)).toBeLessThanOrEqual(1);
			} else {
				expect(Math.abs(info.durationMs! - 1250)).toBeLessThanOrEqual(1);
			}
			const cached = readdirSync(ctx.deps.storage.clipCacheDir(tone.id));
			expect(cached).toContain(`v1-500-1750.${format === 'opus' ? 'opus' : format}`);
		});

		it('defaults to wav and shares one ffmpeg run among identical concurrent requests', async () => {
			const responses = await Promise.all([1, 2, 3, 4].map(() => clip('start=1000&end=2000')));
			expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
			const bodies = await Promise.all(responses.map(async (r) => Buffer.from(await r.arrayBuffer())));
			for (const b of bodies) expect(b.equals(bodies[0]!)).toBe(true);
			expect(readdirSync(ctx.deps.storage.clipCacheDir(tone.id)).filter((f) => f.startsWith('v1-1000-2000'))).toEqual([
				'v1-1000-2000.wav'
			]);
			expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
		});

		it('cuts an MP3 recording from its rendition, on the same timeline, at the original rate', async () => {
			const res = await upload(fixture('step.mp3'), 'step.mp3', admin.cookie, {}, otherProjectId);
			expect(res.status).toBe(202);
			const step = await waitUntilSettled(((await res.json()) as { recording: RecordingDto }).recording.id);
			expect(step.state).toBe('ready');
			const wav = await ctx.request(`/api/recordings/${step.id}/clip?start=900&end=1100&format=wav`, { cookie: admin.cookie });
			expect(wav.status).toBe(200);
			const bytes = Buffer.from(await wav.arrayBuffer());
			const out = path.join(fixtures, `step-${kind}.wav`);
			writeFileSync(out, bytes);
			const info = await probeAudio(ctx.deps.media.ffprobe, out);
			expect(info).toMatchObject({ sampleRate: 22050, channels: 1, durationMs: 200 });
			// ~0 until the tone starts 100 ms into the clip, loud after.
			const chunks: Buffer[] = [];
			await runTool(ctx.deps.media.ffmpeg, ['-v', 'error', '-i', out, '-f', 's16le', 'pipe:1'], { onStdout: (c) => chunks.push(c) });
			const raw = Buffer.concat(chunks);
			const pcm = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
			const peak = (fromMs: number, toMs: number) =>
				Math.max(...Array.from(pcm.subarray(Math.round((fromMs * 22050) / 1000), Math.round((toMs * 22050) / 1000)), Math.abs));
			expect(peak(0, 95)).toBeLessThan(800);
			expect(peak(105, 200)).toBeGreaterThan(10_000);
		});

		it.each([
			['start=1000&end=1000', 422, 'invalid_times'],
			['start=2000&end=1000', 422, 'invalid_times'],
			['start=0&end=3001', 422, 'invalid_times'],
			['start=0&end=600001', 422, 'clip_too_long'],
			['start=1.5&end=2000', 400, 'invalid_request'],
			['start=-5&end=2000', 400, 'invalid_request'],
			['end=2000', 400, 'invalid_request'],
			['start=0&end=100&format=mp3', 400, 'invalid_request']
		])('refuses %s with %i %s', async (query, status, code) => {
			const res = await clip(query);
			expect(res.status).toBe(status);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		});
	});

	it('counts segments and the time they cover, overlaps once', async () => {
		const now = nowIso();
		const segment = (startMs: number, endMs: number) => ({
			id: newId(),
			recording_id: tone.id,
			start_ms: startMs,
			end_ms: endMs,
			speaker_id: null,
			dialect_tag_id: null,
			texts: '{}',
			status: 'new',
			version: 1,
			created_by: null,
			created_at: now,
			updated_by: null,
			updated_at: now
		});
		await ctx.deps.db.insertInto('segment').values([segment(0, 1000), segment(500, 1500), segment(600, 800), segment(2000, 2500)]).execute();
		const res = await ctx.request(`/api/recordings/${tone.id}`, { cookie: admin.cookie });
		expect(((await res.json()) as { recording: RecordingDto }).recording).toMatchObject({ segmentCount: 4, segmentedMs: 2000 });
		const list = await ctx.request(`/api/projects/${projectId}/recordings`, { cookie: admin.cookie });
		expect(((await list.json()) as { recordings: RecordingDto[] }).recordings[0]).toMatchObject({ segmentCount: 4, segmentedMs: 2000 });
	});

	it('renames a recording: trimmed, NFC, 1–255 characters, managers only', async () => {
		const rename = (body: unknown, cookie = admin.cookie, id = tone.id) => ctx.json('PATCH', `/api/recordings/${id}`, body, cookie);
		const res = await rename({ name: '  Cafe\u0301 tape 3 · 梅县  ' });
		expect(res.status).toBe(200);
		const renamed = ((await res.json()) as { recording: RecordingDto }).recording;
		expect(renamed).toMatchObject({ id: tone.id, name: 'Caf\u00e9 tape 3 · 梅县', sha256: tone.sha256, segmentCount: 4 });
		expect(renamed.updatedAt >= tone.updatedAt).toBe(true);
		const listed = (await (await ctx.request(`/api/projects/${projectId}/recordings`, { cookie: transcriber.cookie })).json()) as {
			recordings: RecordingDto[];
		};
		expect(listed.recordings.find((r) => r.id === tone.id)?.name).toBe('Caf\u00e9 tape 3 · 梅县');

		for (const body of [{ name: '   ' }, { name: 'x'.repeat(256) }, { name: 'line\nbreak' }, { name: 'nul\u0000' }, {}, { name: 42 }]) {
			const bad = await rename(body);
			expect(bad.status, JSON.stringify(body)).toBe(400);
			const error = ((await bad.json()) as { error: { code: string; message: string } }).error;
			expect(error.code).toBe('invalid_request');
			expect(error.message.length).toBeGreaterThan(3);
		}
		expect((await rename({ name: '字'.repeat(255) })).status).toBe(200);
		const forbidden = await rename({ name: 'mine' }, transcriber.cookie);
		expect(forbidden.status).toBe(403);
		expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
		expect((await rename({ name: 'x' }, admin.cookie, newId())).status).toBe(404);
		// An id that cannot exist is a 404 before the manager check, for everyone.
		for (const cookie of [admin.cookie, transcriber.cookie]) {
			const malformed = await rename({ name: 'x' }, cookie, 'nope');
			expect(malformed.status).toBe(404);
			expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe('Recording not found');
			expect((await ctx.request('/api/recordings/nope/deletion', { cookie })).status).toBe(404);
		}
		const after = ((await (await ctx.request(`/api/recordings/${tone.id}`, { cookie: admin.cookie })).json()) as { recording: RecordingDto })
			.recording;
		expect(after.name).toBe('字'.repeat(255));
	});

	it('deletes a recording with its segments, revisions, jobs and media, keeping an original another project still uses', async () => {
		const copy = await upload(fixture('tone.wav'), 'tone.wav', admin.cookie, {}, otherProjectId);
		expect(copy.status).toBe(202);
		const other = ((await copy.json()) as { recording: RecordingDto }).recording;
		await waitUntilSettled(other.id);
		const storage = ctx.deps.storage;
		const original = storage.originalPath(tone.sha256, 'wav');

		// A segment made and edited through the API (two revisions), a cut clip in the cache.
		const created = await ctx.json('POST', `/api/recordings/${tone.id}/segments`, { startMs: 2600, endMs: 2900 }, transcriber.cookie);
		expect(created.status).toBe(201);
		const segment = ((await created.json()) as { segment: { id: string; version: number } }).segment;
		const edited = await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: segment.version, texts: { transcript: '系' } }, transcriber.cookie);
		expect(edited.status).toBe(200);
		expect((await ctx.request(`/api/recordings/${tone.id}/clip?start=0&end=500`, { cookie: admin.cookie })).status).toBe(200);
		expect(existsSync(storage.clipCacheDir(tone.id))).toBe(true);
		const jobsOf = (id: string) =>
			ctx.deps.db.selectFrom('job').select('id').where('payload', '=', JSON.stringify({ recordingId: id })).execute();
		expect(await jobsOf(tone.id)).toHaveLength(1);

		const preview = await ctx.request(`/api/recordings/${tone.id}/deletion`, { cookie: admin.cookie });
		expect(preview.status).toBe(200);
		expect(await preview.json()).toEqual({ deletion: { segments: 5, revisions: 2, originalShared: true } });
		expect((await ctx.request(`/api/recordings/${tone.id}/deletion`, { cookie: transcriber.cookie })).status).toBe(403);
		expect((await ctx.request(`/api/recordings/${newId()}/deletion`, { cookie: admin.cookie })).status).toBe(404);

		const refused = await ctx.request(`/api/recordings/${tone.id}`, { method: 'DELETE', cookie: transcriber.cookie });
		expect(refused.status).toBe(403);
		expect((await ctx.request(`/api/recordings/${tone.id}`, { cookie: admin.cookie })).status).toBe(200);
		const res = await ctx.request(`/api/recordings/${tone.id}`, { method: 'DELETE', cookie: admin.cookie });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
		expect(existsSync(storage.mediaDir(tone.id))).toBe(false);
		expect(existsSync(storage.clipCacheDir(tone.id))).toBe(false);
		expect(existsSync(original)).toBe(true);
		expect((await ctx.request(`/api/recordings/${tone.id}`, { cookie: admin.cookie })).status).toBe(404);
		expect(await ctx.deps.db.selectFrom('segment').select('id').where('recording_id', '=', tone.id).execute()).toEqual([]);
		expect(await ctx.deps.db.selectFrom('segment_revision').select('id').where('recording_id', '=', tone.id).execute()).toEqual([]);
		expect(await jobsOf(tone.id)).toEqual([]);

		const lastPreview = await ctx.request(`/api/recordings/${other.id}/deletion`, { cookie: admin.cookie });
		expect(((await lastPreview.json()) as { deletion: { originalShared: boolean } }).deletion.originalShared).toBe(false);
		expect((await ctx.request(`/api/recordings/${other.id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(200);
		expect(existsSync(original)).toBe(false);
		expect(await jobsOf(other.id)).toEqual([]);
		expect((await ctx.request(`/api/recordings/${other.id}`, { method: 'DELETE', cookie: admin.cookie })).status).toBe(404);
	});
});
