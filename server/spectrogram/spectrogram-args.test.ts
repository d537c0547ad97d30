import { describe, expect, it } from 'vitest';
import {
	MAX_GAIN_DB,
	MIN_HOP,
	SPECTROGRAM_BINS,
	SPECTROGRAM_WINDOW,
	buildSpectrogramArgs,
	gainDb,
	planSpectrogram
} from './spectrogram-args.ts';

describe(planSpectrogram.name, () => {
	it.each([
		// [window ms, width] → samples, hop, columns
		['1 s at 800 px: one column per pixel', 0, 1000, 800, { samples: 16_000, hop: 20, columns: 800 }],
		['3 s at 1200 px', 61_000, 64_000, 1200, { samples: 48_000, hop: 40, columns: 1200 }],
		['a window that does not divide evenly rounds the hop', 0, 1001, 300, { samples: 16_016, hop: 53, columns: 303 }],
		['a long window never skips audio: hop ≤ one FFT window', 0, 120_000, 1000, { samples: 1_920_000, hop: 128, columns: 15_000 }],
		['a deep zoom stretches columns instead of computing more than one per 0.5 ms', 0, 100, 4096, { samples: 1600, hop: MIN_HOP, columns: 200 }],
		['a 1 ms window still gets a column', 5, 6, 16, { samples: 16, hop: MIN_HOP, columns: 2 }]
	])('%s', (_name, startMs, endMs, width, expected) => {
		const plan = planSpectrogram({ startMs, endMs, width, height: 256 });
		expect(plan).toMatchObject(expected);
		expect(plan.columns * plan.hop).toBeGreaterThanOrEqual(plan.samples);
		expect((plan.columns - 1) * plan.hop).toBeLessThan(plan.samples);
		expect(plan.feedSamples).toBe((plan.columns - 1) * plan.hop + SPECTROGRAM_WINDOW);
	});

	it('gives an overlap from which ffmpeg derives exactly the planned hop (it truncates a float)', () => {
		for (let ms = 1; ms <= 120_000; ms = Math.ceil(ms * 1.37)) {
			for (const width of [16, 333, 1200, 4096]) {
				const { hop, overlap } = planSpectrogram({ startMs: 0, endMs: ms, width, height: 64 });
				expect(overlap).toBeGreaterThanOrEqual(0);
				expect(overlap).toBeLessThan(1);
				expect(Math.trunc(Math.fround(Math.fround(1 - Math.fround(overlap)) * SPECTROGRAM_WINDOW)), `${ms} ms at ${width} px`).toBe(hop);
			}
		}
	});
});

describe(gainDb.name, () => {
	it.each([
		[1, 0],
		[1.5, 0],
		[0.5, 6],
		[0.1, 20],
		[0.02, 34],
		[0.001, MAX_GAIN_DB],
		[0, MAX_GAIN_DB],
		[Number.NaN, MAX_GAIN_DB]
	])('lifts a peak of %d by %d dB', (peak, expected) => {
		expect(gainDb(peak)).toBeCloseTo(expected, 0);
	});
});

describe(buildSpectrogramArgs.name, () => {
	const base = { input: '/data/media/r1/playback.ogg', output: '/data/tmp/s.png', gainDb: 6 };

	it.each([
		[{ startMs: 0, endMs: 8000, width: 1200, height: 256 }, '0.000', '8.000', 's=1198x64', 'crop=1197:64:0:0,scale=1200:256'],
		[{ startMs: 35_999_000, endMs: 36_000_000, width: 64, height: 32 }, '35999.000', '1.000', 's=126x64', 'crop=125:64:0:0,scale=64:32'],
		[{ startMs: 1234, endMs: 1300, width: 4096, height: 512 }, '1.234', '0.066', 's=133x64', 'crop=132:64:0:0,scale=4096:512']
	])('seeks on the input side and sizes the image exactly (%o)', (window, ss, t, columns, size) => {
		const args = buildSpectrogramArgs({ ...base, ...window });
		const input = args.indexOf('-i');
		expect(args[input + 1]).toBe(base.input);
		expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4)).toEqual(['-ss', ss, '-t', t]);
		expect(args.indexOf('-ss')).toBeLessThan(input);
		const graph = args[args.indexOf('-filter_complex') + 1];
		expect(graph).toContain(columns);
		expect(graph).toContain(size);
		expect(args.slice(args.indexOf('-map'), args.indexOf('-map') + 2)).toEqual(['-map', '[img]']);
		expect(args.slice(args.indexOf('-frames:v'), args.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '1']);
		expect(args.at(-1)).toBe(base.output);
	});

	it('analyses the first audio stream as mono 16 kHz (0–8 kHz), lifted by the gain, with the planned hop', () => {
		const window = { startMs: 0, endMs: 1000, width: 800, height: 256 };
		const args = buildSpectrogramArgs({ ...base, ...window, gainDb: 12.5 });
		const graph = args[args.indexOf('-filter_complex') + 1];
		const { overlap, feedSamples } = planSpectrogram(window);
		expect(graph.startsWith('[0:a:0]aformat=sample_fmts=fltp:sample_rates=16000:channel_layouts=mono,volume=12.5dB,')).toBe(true);
		// One spare column, cropped away: ffmpeg 4.1 only emits the partial frame flushed at the end.
		expect(graph).toContain(`showspectrum=s=801x${SPECTROGRAM_BINS}:`);
		expect(graph).toContain(`crop=800:${SPECTROGRAM_BINS}:0:0,`);
		expect(graph).toContain(`overlap=${overlap}`);
		expect(graph).toContain(`apad=whole_len=${feedSamples},atrim=end_sample=${feedSamples}`);
		expect(graph).toContain('adelay=delays=4,');
		expect(graph).toContain('scale=log');
		expect(graph.endsWith('[img]')).toBe(true);
	});

	it('keeps every argument a separate item and uses no option ffmpeg 4.1 lacks', () => {
		const args = buildSpectrogramArgs({ ...base, startMs: 10, endMs: 20_010, width: 900, height: 200 });
		expect(args.every((a) => a.length > 0)).toBe(true);
		expect(args.filter((a) => a.startsWith('-')).every((a) => !a.includes(' '))).toBe(true);
		const graph = args[args.indexOf('-filter_complex') + 1];
		for (const newer of ['drange=', 'fscale=', 'limit=', 'opacity=', ':all=', 'S:']) expect(graph).not.toContain(newer);
	});
});
