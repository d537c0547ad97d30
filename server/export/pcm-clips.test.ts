import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipSampleCount, sampleAt } from '../interop/clip-args.ts';
import { seededRandom } from '../interop/splits.ts';
import { probeSamples, wavData } from '../interop/testing/wav.ts';
import { resolveMediaTools, runTool, type MediaTools } from '../media/ffmpeg.ts';
import { makeTone } from '../media/test-audio.ts';
import { createSemaphore } from '../media/semaphore.ts';
import { cutWavClips, cutWavClipsInWindows, splitClipRuns, wavHeader, type WavClip } from './pcm-clips.ts';

/** 300 clips with gaps, zero-gap neighbours and overlaps, seeded, starting after `fromMs`. */
function clipsOver(dir: string, fromMs: number, totalMs: number, prefix: string): WavClip[] {
	const random = seededRandom(11);
	const clips: WavClip[] = [];
	let at = fromMs;
	for (let i = 0; i < 300; i++) {
		const length = 15 + Math.floor(random() * 400);
		if (at + length > totalMs) at = fromMs + Math.floor(random() * 1000);
		clips.push({ startMs: at, endMs: at + length, output: path.join(dir, `${prefix}${i}.wav`) });
		const r = random();
		at += r < 0.3 ? length : r < 0.5 ? Math.floor(length / 2) : length + Math.floor(random() * 90);
	}
	return clips;
}

describe(wavHeader.name, () => {
	it('writes the canonical 44-byte PCM header', () => {
		const h = wavHeader(16000, 16000, 1, 16);
		expect(h.length).toBe(44);
		expect(h.toString('ascii', 0, 4)).toBe('RIFF');
		expect(h.readUInt32LE(4)).toBe(36 + 32000);
		expect(h.readUInt32LE(28)).toBe(32000);
		expect(h.readUInt16LE(32)).toBe(2);
		expect(h.readUInt32LE(40)).toBe(32000);
		expect(wavHeader(10, 48000, 2, 24).readUInt16LE(32)).toBe(6);
	});
});

describe(cutWavClips.name, () => {
	let media: MediaTools;
	let dir: string;
	beforeAll(async () => {
		media = resolveMediaTools();
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-pcm-clips-'));
		await makeTone(media.ffmpeg, path.join(dir, 'mono16k.wav'), { seconds: 30, frequency: 523, sampleRate: 16000, codecArgs: ['-c:a', 'pcm_s16le'] });
		await runTool(media.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*(100+40*t)*t)|0.3*sin(2*PI*(300+20*t)*t):s=44100:d=30', '-c:a', 'flac', path.join(dir, 'stereo44k.flac')]);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('cuts 300 clips from one decode, each exactly its samples of the source, whole-file order or not', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clips = clipsOver(dir, 0, 30_000, 'a');
		const result = await cutWavClips({ ffmpeg: media.ffmpeg, input, clips: [...clips].reverse(), sampleRate: 16000, channels: 1 });
		expect(result.clips).toBe(300);
		expect(result.padded).toBe(0);
		const full = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		let bytes = 0;
		for (const clip of clips) {
			const { data, rate, channels, bits } = wavData(clip.output);
			expect([rate, channels, bits]).toEqual([16000, 1, 16]);
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			expect(data.length).toBe(n * 2);
			const from = sampleAt(clip.startMs, 16000) * 2;
			expect(data.equals(full.subarray(from, from + n * 2))).toBe(true);
			bytes += readFileSync(clip.output).length;
		}
		expect(result.bytes).toBe(bytes);
		for (const clip of clips.slice(0, 10)) expect(probeSamples(media, clip.output)).toBe(clipSampleCount(clip.startMs, clip.endMs, 16000));
	});

	it('starts the decode a second before the first clip (input-side seek) and still lands on the exact samples', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clips = clipsOver(dir, 12_345, 30_000, 'b');
		await cutWavClips({ ffmpeg: media.ffmpeg, input, clips, sampleRate: 16000, channels: 1 });
		const full = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of clips) {
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			const from = sampleAt(clip.startMs, 16000) * 2;
			expect(wavData(clip.output).data.equals(full.subarray(from, from + n * 2))).toBe(true);
		}
	});

	it('resamples and downmixes 44.1 kHz stereo FLAC to 16 kHz mono, or keeps 22.05 kHz stereo, to the sample', async () => {
		const input = path.join(dir, 'stereo44k.flac');
		const clips = clipsOver(dir, 0, 30_000, 'c').slice(0, 100);
		await cutWavClips({ ffmpeg: media.ffmpeg, input, clips, sampleRate: 16000, channels: 1 });
		const reference = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of clips) {
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			const { data } = wavData(clip.output);
			expect(data.length).toBe(n * 2);
			const from = sampleAt(clip.startMs, 16000) * 2;
			expect(data.equals(reference.subarray(from, from + n * 2))).toBe(true);
		}
		const stereo = clips.slice(0, 20).map((c, i) => ({ ...c, output: path.join(dir, `s${i}.wav`) }));
		await cutWavClips({ ffmpeg: media.ffmpeg, input, clips: stereo, sampleRate: 22050, channels: 2 });
		for (const clip of stereo) {
			expect(wavData(clip.output).channels).toBe(2);
			expect(probeSamples(media, clip.output)).toBe(clipSampleCount(clip.startMs, clip.endMs, 22050));
		}
	});

	it('writes a clip longer than its memory bound as it is decoded, still to the sample, beside short ones', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const long = { startMs: 1_000, endMs: 25_000, output: path.join(dir, 'long.wav') };
		const inside = clipsOver(dir, 2_000, 24_000, 'l').slice(0, 40);
		// 64 KB: the 24-s clip (768 KB) goes to its file as it comes; the short ones stay in memory.
		await cutWavClips({ ffmpeg: media.ffmpeg, input, clips: [long, ...inside], sampleRate: 16000, channels: 1, clipBufferBytes: 64 * 1024 });
		const full = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of [long, ...inside]) {
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			const from = sampleAt(clip.startMs, 16000) * 2;
			const { data } = wavData(clip.output);
			expect(data.length).toBe(n * 2);
			expect(data.equals(full.subarray(from, from + n * 2))).toBe(true);
		}
	});

	it('fails with the file system’s reason when a clip cannot be written', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clips = [{ startMs: 0, endMs: 500, output: path.join(dir, 'missing-folder', 'x.wav') }];
		await expect(cutWavClips({ ffmpeg: media.ffmpeg, input, clips, sampleRate: 16000, channels: 1 })).rejects.toThrow(/ENOENT/);
	});

	it('pads a clip that runs past the decoded audio with silence to its exact length', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clip = { startMs: 29_900, endMs: 30_400, output: path.join(dir, 'past.wav') };
		const result = await cutWavClips({ ffmpeg: media.ffmpeg, input, clips: [clip], sampleRate: 16000, channels: 1 });
		expect(result.padded).toBe(1);
		const { data } = wavData(clip.output);
		expect(data.length).toBe(clipSampleCount(29_900, 30_400, 16000) * 2);
		expect(data.subarray(data.length - 1000).every((b) => b === 0)).toBe(true);
	});

	it('fails with ffmpeg’s reason on an unreadable input', async () => {
		const bad = path.join(dir, 'bad.wav');
		await expect(cutWavClips({ ffmpeg: media.ffmpeg, input: bad, clips: [{ startMs: 0, endMs: 100, output: path.join(dir, 'x.wav') }], sampleRate: 16000, channels: 1 })).rejects.toThrow(/ffmpeg exited/);
	});
});

describe(splitClipRuns.name, () => {
	it('cuts the clips into runs at gaps only, each but the last spanning the asked length', () => {
		const clips = clipsOver('/x', 0, 30_000, 'r');
		const runs = splitClipRuns(clips, 4_000);
		expect(runs.length).toBeGreaterThan(3);
		expect(runs.flat().length).toBe(clips.length);
		expect(new Set(runs.flat())).toEqual(new Set(clips));
		for (let i = 1; i < runs.length; i++) {
			const before = runs[i - 1];
			// No clip straddles two windows: the next run starts after every earlier clip has ended.
			expect(runs[i][0].startMs).toBeGreaterThanOrEqual(Math.max(...before.map((c) => c.endMs)));
			expect(runs[i][0].startMs - before[0].startMs).toBeGreaterThanOrEqual(4_000);
		}
		expect(splitClipRuns(clips, 60_000)).toHaveLength(1);
		expect(splitClipRuns([], 1_000)).toEqual([]);
	});
});

describe(cutWavClipsInWindows.name, () => {
	let media: MediaTools;
	let dir: string;
	beforeAll(async () => {
		media = resolveMediaTools();
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-pcm-windows-'));
		const voice = 'aevalsrc=0.4*sin(2*PI*(100+40*t)*t)|0.3*sin(2*PI*(300+20*t)*t):s=44100:d=40';
		await runTool(media.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', voice, '-c:a', 'flac', path.join(dir, 'stereo44k.flac')]);
		await runTool(media.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', voice, '-c:a', 'libmp3lame', '-b:a', '64k', path.join(dir, 'stereo44k.mp3')]);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const reference = (input: string) => spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;

	for (const ext of ['flac', 'mp3']) {
		it(`cuts a ${ext.toUpperCase()} recording as windows at once, each clip the same samples as one decode of the whole file`, async () => {
			const input = path.join(dir, `stereo44k.${ext}`);
			const clips = clipsOver(dir, 300, 39_000, `${ext}-`);
			const audio: number[] = [];
			const shared = createSemaphore(2);
			let processes = 0;
			const slots = { ...shared, run: <T>(task: () => Promise<T>) => (processes++, shared.run(task)) };
			const result = await cutWavClipsInWindows({
				ffmpeg: media.ffmpeg,
				input,
				clips,
				sampleRate: 16000,
				channels: 1,
				windows: 4,
				minWindowMs: 5_000,
				slots,
				durationMs: 40_000,
				onAudio: (ms) => audio.push(ms)
			});
			expect(processes).toBeGreaterThanOrEqual(3);
			expect(result).toMatchObject({ clips: 300, padded: 0 });
			expect(audio.every((ms) => ms > 0)).toBe(true);
			expect(audio.reduce((a, b) => a + b, 0)).toBe(40_000);
			const full = reference(input);
			for (const clip of clips) {
				const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
				const from = sampleAt(clip.startMs, 16000) * 2;
				const { data } = wavData(clip.output);
				expect(data.length).toBe(n * 2);
				expect(data.equals(full.subarray(from, from + n * 2))).toBe(true);
			}
		});
	}

	it('stops the other windows at the first failure and reports that failure, once every process has ended', async () => {
		const input = path.join(dir, 'stereo44k.flac');
		const clips = clipsOver(dir, 300, 39_000, 'fail-');
		// The last clip's folder is missing: the last window fails, the others are stopped.
		const last = clips.reduce((a, b) => (b.startMs > a.startMs ? b : a));
		last.output = path.join(dir, 'missing', 'x.wav');
		const slots = createSemaphore(2);
		const run = cutWavClipsInWindows({ ffmpeg: media.ffmpeg, input, clips, sampleRate: 16000, channels: 1, windows: 4, minWindowMs: 5_000, slots, durationMs: 40_000 });
		await expect(run).rejects.toThrow(/ENOENT/);
		expect([slots.active, slots.waiting]).toEqual([0, 0]);
	});
});
