import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaTools, runTool } from './ffmpeg.ts';
import { findTruncation } from './integrity.ts';
import { transcodeAndAnalyse } from './ingest-pipeline.ts';
import { parsePeaks } from './peaks-format.ts';
import { ProbeError, probeAudio } from './probe.ts';
import { makeTone, makeVideoOnly } from './test-audio.ts';
import { buildClipArgs, buildRenditionOnlyArgs, type ClipFormat } from './transcode-args.ts';

const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-media-'));
const file = (name: string) => path.join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
	await makeTone(media.ffmpeg, file('tone.wav'), { seconds: 10, channels: 2, frequency: 1000, amplitude: 0.5 });
	await makeTone(media.ffmpeg, file('tone.flac'), { seconds: 10 });
	await makeTone(media.ffmpeg, file('tone.mp3'), { seconds: 10, codecArgs: ['-c:a', 'libmp3lame', '-b:a', '64k'] });
	await makeTone(media.ffmpeg, file('noxing.mp3'), {
		seconds: 10,
		codecArgs: ['-c:a', 'libmp3lame', '-q:a', '2', '-write_xing', '0']
	});
	await makeTone(media.ffmpeg, file('long.wav'), { seconds: 300, sampleRate: 16000 });
	await makeVideoOnly(media.ffmpeg, file('video.mkv'));
	writeFileSync(file('text.wav'), 'These are words, not audio.\n'.repeat(20));
	for (const name of ['tone.wav', 'tone.flac']) {
		const half = file(`half-${name}`);
		copyFileSync(file(name), half);
		truncateSync(half, Math.floor(statSync(half).size / 2));
	}
});

/** Mono samples ffmpeg decodes from a file, at its own rate. */
async function decodedSamples(input: string): Promise<number> {
	let bytes = 0;
	await runTool(media.ffmpeg, ['-v', 'error', '-i', input, '-map', '0:a:0', '-ac', '1', '-f', 's16le', 'pipe:1'], {
		onStdout: (c) => (bytes += c.length)
	});
	return bytes / 2;
}

describe(probeAudio.name, () => {
	it('describes a stereo WAV in camelCase', async () => {
		expect(await probeAudio(media.ffprobe, file('tone.wav'))).toEqual({
			formatName: 'wav',
			codec: 'pcm_s16le',
			durationMs: 10_000,
			durationEstimated: false,
			sampleRate: 44100,
			channels: 2,
			hasAudio: true
		});
	});

	it('flags an MP3 duration guessed from the bit rate', async () => {
		const info = await probeAudio(media.ffprobe, file('noxing.mp3'));
		expect(info).toMatchObject({ formatName: 'mp3', codec: 'mp3', durationEstimated: true, hasAudio: true });
	});

	it('reports a file with no audio stream', async () => {
		expect(await probeAudio(media.ffprobe, file('video.mkv'))).toMatchObject({ hasAudio: false, codec: '', channels: 0 });
	});

	it('fails clearly on a text file named .wav', async () => {
		const err = await probeAudio(media.ffprobe, file('text.wav')).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as Error).message).toMatch(/cannot read this file: Invalid data/);
	});
});

describe(findTruncation.name, () => {
	it.each(['tone.wav', 'tone.flac', 'tone.mp3', 'noxing.mp3'])('accepts a whole %s', async (name) => {
		const info = await probeAudio(media.ffprobe, file(name));
		expect(await findTruncation(media.ffmpeg, file(name), info, { sizeBytes: statSync(file(name)).size })).toBeNull();
	});

	it('finds a WAV cut in half from its data chunk (ffprobe clamps its duration)', async () => {
		const info = await probeAudio(media.ffprobe, file('half-tone.wav'));
		expect(info.durationMs).toBeLessThan(6000);
		const reason = await findTruncation(media.ffmpeg, file('half-tone.wav'), info, {
			sizeBytes: statSync(file('half-tone.wav')).size
		});
		expect(reason).toMatch(/WAV header promises \d+ bytes/);
	});

	it('finds a FLAC cut in half from its tail', async () => {
		const info = await probeAudio(media.ffprobe, file('half-tone.flac'));
		expect(info.durationMs).toBe(10_000);
		const reason = await findTruncation(media.ffmpeg, file('half-tone.flac'), info, {
			sizeBytes: statSync(file('half-tone.flac')).size
		});
		expect(reason).toMatch(/ends early/);
	});
});

describe(transcodeAndAnalyse.name, () => {
	it('makes a seekable Ogg Opus rendition and peaks from one decode', async () => {
		const progress: number[] = [];
		const summary = await transcodeAndAnalyse(media.ffmpeg, {
			input: file('tone.wav'),
			sampleRate: 44100,
			channels: 2,
			playbackOut: file('out.ogg'),
			peaksOut: file('out.peaks'),
			tmpDir: dir,
			onProgress: (ms) => progress.push(ms)
		});
		expect(summary.durationMs).toBe(10_000);
		const rendition = await probeAudio(media.ffprobe, file('out.ogg'));
		expect(rendition).toMatchObject({ formatName: 'ogg', codec: 'opus', channels: 2, sampleRate: 48000 });
		expect(Math.abs(rendition.durationMs! - 10_000)).toBeLessThan(20);
		const peaks = parsePeaks(readFileSync(file('out.peaks')));
		expect(peaks.levels[0]).toMatchObject({ samplesPerPeak: 441, peakCount: 1000 });
		expect(Math.max(...peaks.levels[0]!.data)).toBeGreaterThanOrEqual(63);
		expect(Math.max(...peaks.levels[0]!.data)).toBeLessThanOrEqual(64);
	});

	it('removes both outputs when ffmpeg fails', async () => {
		const err = await transcodeAndAnalyse(media.ffmpeg, {
			input: file('text.wav'),
			sampleRate: 44100,
			channels: 1,
			playbackOut: file('bad.ogg'),
			peaksOut: file('bad.peaks'),
			tmpDir: dir
		}).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(Error);
		expect(existsSync(file('bad.ogg'))).toBe(false);
		expect(existsSync(file('bad.peaks'))).toBe(false);
	});

	it('stops ffmpeg when aborted', async () => {
		const controller = new AbortController();
		const running = transcodeAndAnalyse(media.ffmpeg, {
			input: file('long.wav'),
			sampleRate: 16000,
			channels: 1,
			playbackOut: file('abort.ogg'),
			peaksOut: file('abort.peaks'),
			tmpDir: dir,
			signal: controller.signal,
			onProgress: () => controller.abort()
		});
		await expect(running).rejects.toMatchObject({ name: 'AbortError' });
		expect(existsSync(file('abort.ogg'))).toBe(false);
	});
});

describe('clips', () => {
	it.each<[string, ClipFormat]>([
		['tone.wav', 'wav'],
		['tone.mp3', 'flac'],
		['tone.flac', 'opus']
	])('a clip of %s as %s lasts end - start within 1 ms', async (name, format) => {
		const output = file(`clip-${name}.${format}`);
		await runTool(media.ffmpeg, buildClipArgs({ input: file(name), output, startMs: 1234, endMs: 4251, format, channels: 1 }));
		// Opus carries a 312-sample pre-skip in its timestamps, so count what actually decodes.
		const samples = await decodedSamples(output);
		const rate = (await probeAudio(media.ffprobe, output)).sampleRate;
		expect(Math.abs((samples / rate) * 1000 - 3017)).toBeLessThanOrEqual(1);
	});
});

describe('the ffmpeg 4.1 binary shipped by @ffmpeg-installer', () => {
	const require = createRequire(import.meta.url);
	const installer = require('@ffmpeg-installer/ffmpeg') as { path: string };

	it('accepts the same ingest, rendition and clip arguments', async () => {
		expect(existsSync(installer.path)).toBe(true);
		const summary = await transcodeAndAnalyse(installer.path, {
			input: file('tone.mp3'),
			sampleRate: 44100,
			channels: 1,
			playbackOut: file('v41.ogg'),
			peaksOut: file('v41.peaks'),
			tmpDir: dir
		});
		expect(Math.abs(summary.durationMs - 10_000)).toBeLessThan(60);
		await runTool(installer.path, buildRenditionOnlyArgs({ input: file('tone.wav'), output: file('v41-only.ogg'), channels: 2 }));
		expect((await probeAudio(media.ffprobe, file('v41-only.ogg'))).codec).toBe('opus');
		for (const format of ['wav', 'flac', 'opus'] as const) {
			const output = file(`v41-clip.${format}`);
			await runTool(installer.path, buildClipArgs({ input: file('tone.flac'), output, startMs: 500, endMs: 1500, format, channels: 1 }));
			expect(Math.abs((await decodedSamples(output)) / (await probeAudio(media.ffprobe, output)).sampleRate - 1)).toBeLessThan(0.001);
		}
	});
});
