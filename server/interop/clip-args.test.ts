import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG_BASE_ARGS } from '../media/transcode-args.ts';
import { resolveMediaTools, runTool, type MediaTools } from '../media/ffmpeg.ts';
import { makeTone } from '../media/test-audio.ts';
import { buildClipExportArgs, clipSampleCount, sampleAt, type ClipSpec } from './clip-args.ts';
import { seededRandom } from './splits.ts';
import { probeSamples, wavData } from './testing/wav.ts';

const require = createRequire(import.meta.url);

describe(buildClipExportArgs.name, () => {
	it('cuts every clip of a batch from one decode of one input, in output samples', () => {
		const [batch, ...rest] = buildClipExportArgs({
			input: '/o/a.flac',
			clips: [
				{ startMs: 2500, endMs: 4000, output: 'b.wav' },
				{ startMs: 1000, endMs: 2500, output: 'a.wav' }
			]
		});
		expect(rest).toEqual([]);
		expect(batch.args).toEqual([
			...FFMPEG_BASE_ARGS,
			'-ss', '1.000', '-t', '3.100', '-i', '/o/a.flac',
			'-filter_complex',
			'[0:a:0]aresample=16000,aformat=sample_fmts=s16:sample_rates=16000:channel_layouts=mono,asplit=2[s0][s1];' +
				'[s0]atrim=start_sample=0:end_sample=24000,asetpts=PTS-STARTPTS[c0];' +
				'[s1]atrim=start_sample=24000:end_sample=48000,asetpts=PTS-STARTPTS[c1]',
			'-map', '[c0]', '-map_metadata', '-1', '-fflags', '+bitexact', '-c:a', 'pcm_s16le', '-f', 'wav', 'a.wav',
			'-map', '[c1]', '-map_metadata', '-1', '-fflags', '+bitexact', '-c:a', 'pcm_s16le', '-f', 'wav', 'b.wav'
		]);
		expect(batch.args.filter((a) => a === '-i')).toHaveLength(1);
	});

	it('seeks to whole output samples, batches large sets, and encodes FLAC or 24-bit', () => {
		const clips = Array.from({ length: 120 }, (_, i) => ({ startMs: 1003 + i * 100, endMs: 1003 + i * 100 + 90, output: `c${i}.flac` }));
		const batches = buildClipExportArgs({ input: 'in.wav', clips, format: 'flac', sampleRate: 44100, channels: 2, bitDepth: 24 });
		expect(batches.map((b) => b.clips.length)).toEqual([100, 20]);
		// 44.1 kHz: a seek point is a whole sample every 10 ms.
		expect(batches.map((b) => b.windowStartMs)).toEqual([1000, 11000]);
		const args = batches[0].args;
		expect(args.join(' ')).toContain('aformat=sample_fmts=s32:sample_rates=44100:channel_layouts=stereo');
		// Ten groups of ten: a coarse trim over the group's span, then each clip relative to it.
		const graph = args[args.indexOf('-filter_complex') + 1];
		const groupFrom = sampleAt(1003, 44100) - sampleAt(1000, 44100);
		expect(graph).toContain(`asplit=10[g0][g1][g2][g3][g4][g5][g6][g7][g8][g9];[g0]atrim=start_sample=${groupFrom}:end_sample=${sampleAt(1003 + 900 + 90, 44100) - sampleAt(1000, 44100)},asetpts=PTS-STARTPTS,asplit=10[s0]`);
		expect(graph).toContain(`[s0]atrim=start_sample=0:end_sample=${sampleAt(1093, 44100) - sampleAt(1003, 44100)},asetpts=PTS-STARTPTS[c0]`);
		expect(graph.match(/atrim/g)).toHaveLength(110);
		expect(args.slice(-7)).toEqual(['-c:a', 'flac', '-bits_per_raw_sample', '24', '-f', 'flac', 'c99.flac']);
	});

	it('refuses bad clips and settings', () => {
		expect(() => buildClipExportArgs({ input: 'x', clips: [{ startMs: 5, endMs: 5, output: 'o' }] })).toThrow(RangeError);
		expect(() => buildClipExportArgs({ input: 'x', clips: [{ startMs: 1.5, endMs: 5, output: 'o' }] })).toThrow(RangeError);
		expect(() => buildClipExportArgs({ input: 'x', clips: [], sampleRate: 0 })).toThrow(RangeError);
		expect(buildClipExportArgs({ input: 'x', clips: [] })).toEqual([]);
		expect(clipSampleCount(1000, 1001, 44100)).toBe(44);
		expect(clipSampleCount(1001, 1002, 44100)).toBe(44);
		expect(clipSampleCount(1004, 1005, 44100)).toBe(45);
	});
});

/** 500 clips with gaps, zero-gap neighbours and overlaps, seeded. */
function manyClips(dir: string, totalMs: number, ext: string): ClipSpec[] {
	const random = seededRandom(7);
	const clips: ClipSpec[] = [];
	let at = 0;
	for (let i = 0; i < 500; i++) {
		const length = 20 + Math.floor(random() * 300);
		if (at + length > totalMs) at = Math.floor(random() * 1000);
		clips.push({ startMs: at, endMs: at + length, output: path.join(dir, `clip${i}.${ext}`) });
		const r = random();
		at += r < 0.3 ? length : r < 0.5 ? Math.floor(length / 2) : length + Math.floor(random() * 80);
	}
	return clips;
}

describe('clip export with real ffmpeg', () => {
	let media: MediaTools;
	let dir: string;
	beforeAll(async () => {
		media = resolveMediaTools();
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-clips-'));
		await makeTone(media.ffmpeg, path.join(dir, 'mono16k.wav'), { seconds: 40, frequency: 523, sampleRate: 16000, codecArgs: ['-c:a', 'pcm_s16le'] });
		// A chirp in stereo at 44.1 kHz FLAC: every position sounds different.
		await runTool(media.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*(100+40*t)*t)|0.3*sin(2*PI*(300+20*t)*t):s=44100:d=40', '-c:a', 'flac', path.join(dir, 'stereo44k.flac')]);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('cuts 500 clips (overlaps, zero gaps) in 5 processes, each exactly its samples of the source', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clips = manyClips(dir, 40_000, 'wav');
		const batches = buildClipExportArgs({ input, clips });
		expect(batches.length).toBe(5);
		const started = performance.now();
		for (const batch of batches) await runTool(media.ffmpeg, batch.args);
		const ms = performance.now() - started;
		console.info(`clip export: ${clips.length} clips in ${batches.length} ffmpeg runs, ${ms.toFixed(0)} ms`);
		const full = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of clips) {
			const { data, rate, channels, bits } = wavData(clip.output);
			expect([rate, channels, bits]).toEqual([16000, 1, 16]);
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			expect(data.length).toBe(n * 2);
			const from = sampleAt(clip.startMs, 16000) * 2;
			expect(data.equals(full.subarray(from, from + n * 2))).toBe(true);
		}
		for (const clip of clips.slice(0, 12)) {
			expect(probeSamples(media, clip.output)).toBe(clipSampleCount(clip.startMs, clip.endMs, 16000));
		}
	});

	it('also cuts all 500 in one process (graph size and open outputs are not a limit there)', async () => {
		const input = path.join(dir, 'mono16k.wav');
		const clips = manyClips(dir, 40_000, 'wav').map((c, i) => ({ ...c, output: path.join(dir, `one${i}.wav`) }));
		const batches = buildClipExportArgs({ input, clips, maxClipsPerProcess: 500 });
		expect(batches).toHaveLength(1);
		expect(batches[0].args.filter((a) => a === '-i')).toHaveLength(1);
		await runTool(media.ffmpeg, batches[0].args);
		for (const clip of clips) expect(wavData(clip.output).data.length).toBe(clipSampleCount(clip.startMs, clip.endMs, 16000) * 2);
	});

	it('resamples and downmixes 44.1 kHz stereo FLAC to 16 kHz mono exactly to the sample, and writes FLAC at any rate', async () => {
		const input = path.join(dir, 'stereo44k.flac');
		const clips = manyClips(dir, 40_000, 'wav').slice(0, 120);
		for (const batch of buildClipExportArgs({ input, clips })) await runTool(media.ffmpeg, batch.args);
		const reference = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-af', 'aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono', '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of clips) {
			const { data } = wavData(clip.output);
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			expect(data.length).toBe(n * 2);
			// Same audio as the whole-file conversion at that place (the resampler's start-up aside).
			const from = sampleAt(clip.startMs, 16000);
			let diff = 0;
			for (let i = 32; i < n; i++) diff = Math.max(diff, Math.abs(data.readInt16LE(i * 2) - reference.readInt16LE((from + i) * 2)));
			expect(diff).toBeLessThan(600);
		}
		const flacClips = clips.slice(0, 10).map((c, i) => ({ ...c, output: path.join(dir, `f${i}.flac`) }));
		for (const batch of buildClipExportArgs({ input, clips: flacClips, format: 'flac', sampleRate: 22050, channels: 2 })) await runTool(media.ffmpeg, batch.args);
		for (const clip of flacClips) expect(probeSamples(media, clip.output)).toBe(clipSampleCount(clip.startMs, clip.endMs, 22050));
	});

	it('works with the ffmpeg 4.1 that ships through npm too', async () => {
		const npmFfmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
		const input = path.join(dir, 'mono16k.wav');
		const clips = manyClips(dir, 40_000, 'wav').slice(0, 60).map((c, i) => ({ ...c, output: path.join(dir, `old${i}.wav`) }));
		for (const batch of buildClipExportArgs({ input, clips })) await runTool(npmFfmpeg, batch.args);
		const full = spawnSync(media.ffmpeg, ['-v', 'error', '-i', input, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
		for (const clip of clips) {
			const n = clipSampleCount(clip.startMs, clip.endMs, 16000);
			const from = sampleAt(clip.startMs, 16000) * 2;
			expect(wavData(clip.output).data.equals(full.subarray(from, from + n * 2))).toBe(true);
		}
	});
});
