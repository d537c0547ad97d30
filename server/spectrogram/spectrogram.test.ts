import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerPool, type WorkerPool } from '../jobs/worker-pool.ts';
import { makeTone } from '../media/test-audio.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { buildSpectrogramArgs } from './spectrogram-args.ts';

describe(buildSpectrogramArgs.name, () => {
	it.each([
		[{ startMs: 0, endMs: 8000, width: 1200, height: 256 }, ['-ss', '0.000', '-t', '8.000'], 's=1200x256'],
		[{ startMs: 35_999_000, endMs: 36_000_000, width: 64, height: 32 }, ['-ss', '35999.000', '-t', '1.000'], 's=64x32']
	])('seeks on the input side and sizes the image exactly (%o)', (window, seek, size) => {
		const args = buildSpectrogramArgs({ input: 'in.ogg', output: 'out.png', ...window });
		const at = args.indexOf('-ss');
		expect(args.slice(at, at + 4)).toEqual(seek);
		expect(at).toBeLessThan(args.indexOf('-i'));
		expect(args[args.indexOf('-lavfi') + 1]).toContain(size);
		expect(args.at(-1)).toBe('out.png');
	});

	it('refuses an empty or negative window', () => {
		expect(() => buildSpectrogramArgs({ input: 'a', output: 'b', startMs: 5, endMs: 5, width: 10, height: 10 })).toThrow(RangeError);
		expect(() => buildSpectrogramArgs({ input: 'a', output: 'b', startMs: -1, endMs: 5, width: 10, height: 10 })).toThrow(RangeError);
	});
});

describe.each(DB_KINDS)('GET /api/recordings/:id/spectrogram on %s', (kind) => {
	let ctx: TestContext;
	let pool: WorkerPool;
	let cookie: string;
	let recordingId: string;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-spec-'));

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		pool = await startWorkerPool(ctx.deps, { size: 1, pollMs: 100 });
		const admin = await ctx.createUser('admin');
		cookie = admin.cookie;
		const created = await ctx.json('POST', '/api/projects', { name: 'Spectra' }, cookie);
		const { project } = (await created.json()) as { project: { id: string } };
		const file = await makeTone(ctx.deps.media.ffmpeg, path.join(dir, 'tone.wav'), { seconds: 4, sampleRate: 16000, frequency: 1000 });
		const recording = await importRecordingFromFile(ctx.deps, { projectId: project.id, filePath: file, name: 'tone.wav', userId: admin.id });
		recordingId = recording.id;
		await pool.whenIdle();
	});
	afterAll(async () => {
		await pool.stop();
		await ctx.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('renders a PNG of the requested size, and serves it from the cache the second time', async () => {
		const url = `/api/recordings/${recordingId}/spectrogram?start=500&end=3500&width=300&height=128`;
		const res = await ctx.request(url, { cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/png');
		const png = Buffer.from(await res.arrayBuffer());
		expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
		expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).toEqual({ width: 300, height: 128 });

		const again = await ctx.request(url, { cookie, headers: { 'if-none-match': res.headers.get('etag')! } });
		expect(again.status).toBe(304);
	});

	it.each([
		['end before start', 'start=3000&end=1000', 422],
		['beyond the end', 'start=0&end=999999', 422],
		['too wide', 'start=0&end=1000&width=99999', 400],
		['not a number', 'start=abc&end=1000', 400]
	])('refuses %s', async (_what, query, status) => {
		const res = await ctx.request(`/api/recordings/${recordingId}/spectrogram?${query}`, { cookie });
		expect(res.status).toBe(status);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
	});

	it('answers 404 for an unknown recording and 401 without a session', async () => {
		expect((await ctx.request('/api/recordings/nope/spectrogram?start=0&end=10', { cookie })).status).toBe(404);
		expect((await ctx.request(`/api/recordings/${recordingId}/spectrogram?start=0&end=10`)).status).toBe(401);
	});
});
