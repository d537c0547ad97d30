import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerPool, type WorkerPool } from '../jobs/worker-pool.ts';
import { resolveMediaTools, runTool } from '../media/ffmpeg.ts';
import type { RecordingDto } from '../recordings/recordings.mapper.ts';
import { setRecordingState } from '../recordings/recordings.repository.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { buildSpectrogramArgs } from './spectrogram-args.ts';
import { createSpectrogramService, readPeakAmplitude } from './spectrogram.service.ts';

/**
 * 4 s at 16 kHz: silence, then a 1 kHz tone over 1–2 s, a 3 kHz tone over 2–3 s, silence again.
 * Peak 0.25 of full scale, so the spectrogram lifts it by 12 dB.
 */
async function writeTwoTones(ffmpeg: string, file: string) {
	const expr = '0.25*(sin(2*PI*1000*t)*between(t,1,2-1/16000)+sin(2*PI*3000*t)*between(t,2,3-1/16000))';
	await runTool(ffmpeg, [
		'-hide_banner', '-nostdin', '-y', '-v', 'error',
		'-f', 'lavfi', '-i', `aevalsrc=exprs='${expr}':s=16000:d=4`,
		'-c:a', 'pcm_s16le', file
	]);
}

/** A PNG's pixels as 8-bit gray, decoded by ffmpeg, row by row. */
async function grayPixels(ffmpeg: string, png: string | Buffer, dir: string) {
	let file = png as string;
	if (Buffer.isBuffer(png)) {
		file = path.join(dir, `decode-${Math.random().toString(36).slice(2)}.png`);
		await import('node:fs/promises').then((fs) => fs.writeFile(file, png));
	}
	const chunks: Buffer[] = [];
	await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], {
		onStdout: (chunk) => chunks.push(chunk)
	});
	return Buffer.concat(chunks);
}

function pngSize(png: Buffer) {
	expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
	return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Reads a picture of [windowStartMs, windowEndMs): the darkest pixel (0 = loudest) of a frequency's
 * row band over a span of recording time. Rows run from 8 kHz at the top to 0 Hz at the bottom.
 */
function darkness(pixels: Buffer, size: { width: number; height: number }, windowStartMs = 0, windowEndMs = 4000) {
	const column = (ms: number) => Math.round(((ms - windowStartMs) / (windowEndMs - windowStartMs)) * size.width);
	return (fromMs: number, toMs: number, hz: number) => {
		const row = Math.round(size.height * (1 - hz / 8000));
		let min = 255;
		for (let y = Math.max(0, row - 3); y <= Math.min(size.height - 1, row + 3); y++) {
			for (let x = column(fromMs); x < column(toMs); x++) {
				min = Math.min(min, pixels[y * size.width + x]);
			}
		}
		return min;
	};
}

/** The tones show where they play and at their frequency, and nowhere else. */
function expectTwoTones(pixels: Buffer, size: { width: number; height: number }) {
	expect(pixels.length).toBe(size.width * size.height);
	const at = darkness(pixels, size);
	expect(at(1100, 1900, 1000), '1 kHz while it plays').toBeLessThan(100);
	expect(at(2100, 2900, 3000), '3 kHz while it plays').toBeLessThan(100);
	expect(at(2100, 2900, 1000), '1 kHz after it stopped').toBeGreaterThan(200);
	expect(at(1100, 1900, 3000), '3 kHz before it started').toBeGreaterThan(200);
	expect(at(100, 900, 1000), 'leading silence').toBeGreaterThan(240);
	expect(at(3100, 3900, 3000), 'trailing silence').toBeGreaterThan(240);
	// (Away from 2 s, where switching tones clicks across the whole band.)
	expect(at(1100, 1900, 6000), 'nothing at 6 kHz').toBeGreaterThan(200);
	expect(at(2100, 2900, 6000), 'nothing at 6 kHz').toBeGreaterThan(200);
}

describe.each(DB_KINDS)('GET /api/recordings/:id/spectrogram on %s', (kind) => {
	let ctx: TestContext;
	let pool: WorkerPool;
	let cookie: string;
	let recording: RecordingDto;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-spec-'));
	const url = (query: string, id = recording.id) => `/api/recordings/${id}/spectrogram?${query}`;
	const cacheDir = () => path.join(ctx.deps.storage.clipCacheDir(recording.id), 'spectrogram');

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		pool = await startWorkerPool(ctx.deps, { size: 1, pollMs: 100 });
		const admin = await ctx.createUser('admin');
		const transcriber = await ctx.createUser('transcriber');
		cookie = transcriber.cookie;
		const created = await ctx.json('POST', '/api/projects', { name: 'Spectra' }, admin.cookie);
		const { project } = (await created.json()) as { project: { id: string } };
		await ctx.addMember(project.id, transcriber);
		const file = path.join(dir, 'two-tones.wav');
		await writeTwoTones(ctx.deps.media.ffmpeg, file);
		const imported = await importRecordingFromFile(ctx.deps, { projectId: project.id, filePath: file, name: 'two-tones.wav', userId: admin.id });
		await pool.whenIdle();
		const res = await ctx.request(`/api/recordings/${imported.id}`, { cookie });
		recording = ((await res.json()) as { recording: RecordingDto }).recording;
		expect(recording.state).toBe('ready');
	});
	afterAll(async () => {
		await pool.stop();
		await ctx.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('renders a PNG of the requested size that shows each tone at its time and frequency', async () => {
		const res = await ctx.request(url('start=0&end=4000&width=400&height=128'), { cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/png');
		expect(res.headers.get('cache-control')).toBe('private, max-age=86400');
		expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}\.s\d+\.0-4000\.400x128"$/);
		const png = Buffer.from(await res.arrayBuffer());
		const size = pngSize(png);
		expect(size).toEqual({ width: 400, height: 128 });
		expectTwoTones(await grayPixels(ctx.deps.media.ffmpeg, png, dir), size);
		expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
	});

	it.each([
		['the default size', 'start=500&end=3500', { width: 1200, height: 256 }],
		['the largest size', 'start=1000&end=1200&width=4096&height=512', { width: 4096, height: 512 }],
		['the smallest size', 'start=0&end=4000&width=16&height=16', { width: 16, height: 16 }],
		['a window ending at the last millisecond', 'start=3990&end=4000&width=50&height=40', { width: 50, height: 40 }]
	])('renders %s exactly', async (_name, query, expected) => {
		const res = await ctx.request(url(query), { cookie });
		expect(res.status).toBe(200);
		expect(pngSize(Buffer.from(await res.arrayBuffer()))).toEqual(expected);
	});

	it('places a window by its start: the 3 kHz tone fills the left half of [2000, 4000)', async () => {
		const res = await ctx.request(url('start=2000&end=4000&width=200&height=64'), { cookie });
		const size = pngSize(Buffer.from(await res.clone().arrayBuffer()));
		const pixels = await grayPixels(ctx.deps.media.ffmpeg, Buffer.from(await res.arrayBuffer()), dir);
		const at = darkness(pixels, size, 2000, 4000);
		expect(at(2050, 2950, 3000)).toBeLessThan(100);
		expect(at(3050, 3950, 3000)).toBeGreaterThan(240);
	});

	it('serves a second request from the disk cache, and answers a revalidation with 304 without rendering', async () => {
		const query = 'start=250&end=2750&width=320&height=96';
		const first = await ctx.request(url(query), { cookie });
		expect(first.status).toBe(200);
		const cached = readdirSync(cacheDir()).filter((f) => f.includes('-250-2750-320x96'));
		expect(cached).toHaveLength(1);
		const mtime = statSync(path.join(cacheDir(), cached[0])).mtimeMs;

		const second = await ctx.request(url(query), { cookie });
		expect(second.status).toBe(200);
		expect(Buffer.from(await second.arrayBuffer()).equals(Buffer.from(await first.arrayBuffer()))).toBe(true);
		expect(statSync(path.join(cacheDir(), cached[0])).mtimeMs).toBe(mtime);

		const etag = first.headers.get('etag')!;
		const revalidated = await ctx.request(url(query), { cookie, headers: { 'if-none-match': etag } });
		expect(revalidated.status).toBe(304);
		expect(revalidated.headers.get('etag')).toBe(etag);
		// Even with the cache emptied, the ETag alone answers.
		rmSync(cacheDir(), { recursive: true });
		expect((await ctx.request(url(query), { cookie, headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304);
		expect(existsSync(cacheDir())).toBe(false);
	});

	it.each([
		['no start', 'end=1000', 400, 'invalid_request'],
		['no end', 'start=0', 400, 'invalid_request'],
		['a start that is not a number', 'start=abc&end=1000', 400, 'invalid_request'],
		['a negative start', 'start=-5&end=1000', 400, 'invalid_request'],
		['fractional milliseconds', 'start=0.5&end=1000', 400, 'invalid_request'],
		['an empty start', 'start=&end=1000', 400, 'invalid_request'],
		['an exponent', 'start=0&end=1e3', 400, 'invalid_request'],
		['a width above 4096', 'start=0&end=1000&width=4097', 400, 'invalid_request'],
		['a width below 16', 'start=0&end=1000&width=15', 400, 'invalid_request'],
		['a height above 512', 'start=0&end=1000&height=513', 400, 'invalid_request'],
		['a height that is not a number', 'start=0&end=1000&height=tall', 400, 'invalid_request'],
		['end before start', 'start=3000&end=1000', 422, 'invalid_times'],
		['an empty window', 'start=1000&end=1000', 422, 'invalid_times'],
		['a window past the end of the recording', 'start=3000&end=4001', 422, 'invalid_times'],
		['a window longer than 120 s', 'start=0&end=120001', 422, 'window_too_long']
	])('refuses %s with %i %s', async (_what, query, status, code) => {
		const res = await ctx.request(url(query), { cookie });
		expect(res.status).toBe(status);
		const body = (await res.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe(code);
		expect(body.error.message.length).toBeGreaterThan(5);
	});

	it('answers 404 for an unknown recording, 409 while processing, and 401 without a session', async () => {
		const unknown = await ctx.request(url('start=0&end=10', 'no-such-recording'), { cookie });
		expect(unknown.status).toBe(404);
		expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');

		await setRecordingState(ctx.deps.db, recording.id, 'processing');
		try {
			const busy = await ctx.request(url('start=0&end=1000&width=100&height=50'), { cookie });
			expect(busy.status).toBe(409);
			expect(((await busy.json()) as { error: unknown }).error).toMatchObject({ code: 'not_ready', state: 'processing' });
		} finally {
			await setRecordingState(ctx.deps.db, recording.id, 'ready');
		}
		expect((await ctx.request(url('start=0&end=10'))).status).toBe(401);
	});

	describe('the rendering service', () => {
		const window = (startMs: number) => ({ startMs, endMs: startMs + 500, width: 100, height: 32 });

		it('reads the recording peak from the peaks file (0.25 of full scale)', async () => {
			expect(await readPeakAmplitude(ctx.deps.storage.peaksPath(recording.id))).toBeCloseTo(0.25, 1);
		});

		it('never starts ffmpeg for a request given up while it waited for a slot', async () => {
			const service = createSpectrogramService(ctx.deps, { concurrency: 1 });
			const controller = new AbortController();
			const first = service.getSpectrogram({ recordingId: recording.id, ...window(100) });
			const second = service.getSpectrogram({ recordingId: recording.id, ...window(700) }, controller.signal);
			controller.abort();
			await expect(second).rejects.toThrow();
			expect(existsSync(await first)).toBe(true);
			expect(readdirSync(cacheDir()).some((f) => f.includes('-700-1200-'))).toBe(false);
			expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
		});

		it('keeps rendering for the callers still waiting when one identical caller gives up', async () => {
			const service = createSpectrogramService(ctx.deps, { concurrency: 1 });
			const leaving = new AbortController();
			const staying = new AbortController();
			const a = service.getSpectrogram({ recordingId: recording.id, ...window(1300) }, leaving.signal);
			const b = service.getSpectrogram({ recordingId: recording.id, ...window(1300) }, staying.signal);
			leaving.abort();
			await expect(a).rejects.toThrow();
			const file = await b;
			expect(pngSize(await import('node:fs/promises').then((fs) => fs.readFile(file)))).toEqual({ width: 100, height: 32 });
		});

		it('stops ffmpeg when the only caller gives up mid-render, leaving nothing behind', async () => {
			const service = createSpectrogramService(ctx.deps, { concurrency: 1 });
			const controller = new AbortController();
			const pending = service.getSpectrogram({ recordingId: recording.id, startMs: 0, endMs: 4000, width: 4096, height: 512 }, controller.signal);
			setTimeout(() => controller.abort(), 5);
			await expect(pending).rejects.toThrow();
			// ffmpeg is killed and its temp file removed right after the caller was let go.
			for (let i = 0; i < 100 && readdirSync(ctx.deps.storage.tmpDir).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
			expect(readdirSync(ctx.deps.storage.tmpDir)).toEqual([]);
			expect(readdirSync(cacheDir()).some((f) => f.includes('-0-4000-4096x512'))).toBe(false);
		});
	});
});

describe('the ffmpeg 4.1 that @ffmpeg-installer ships', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-spec41-'));
	const ffmpeg41 = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('draws the same picture as the system ffmpeg from the same arguments', async () => {
		const input = path.join(dir, 'two-tones.wav');
		await writeTwoTones(ffmpeg41, input);
		const size = { width: 400, height: 128 };
		const pictures: Buffer[] = [];
		for (const [name, binary] of [['old', ffmpeg41], ['resolved', resolveMediaTools().ffmpeg]]) {
			const output = path.join(dir, `${name}.png`);
			await runTool(binary, buildSpectrogramArgs({ input, output, startMs: 0, endMs: 4000, ...size, gainDb: 12 }));
			const pixels = await grayPixels(ffmpeg41, output, dir);
			expectTwoTones(pixels, size);
			pictures.push(pixels);
		}
		let differing = 0;
		for (let i = 0; i < pictures[0].length; i++) if (Math.abs(pictures[0][i] - pictures[1][i]) > 24) differing++;
		expect(differing / pictures[0].length).toBeLessThan(0.02);
	});
});
