import { describe, expect, it } from 'vitest';
import { buildEnergyArgs, buildSilenceArgs, parseSilenceLine, SPEECH_BAND, type EnergyArgsOptions, type SilenceArgsOptions } from './silence-args.ts';

const HEAD = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', '/data/media/r1/playback.ogg'];
const MAP = ['-map', '0:a:0', '-vn', '-sn', '-dn'];
const base: SilenceArgsOptions = {
	input: '/data/media/r1/playback.ogg',
	thresholdDb: -35,
	minSilenceMs: 300,
	bandPass: null
};

describe(buildSilenceArgs.name, () => {
	it.each<[string, Partial<SilenceArgsOptions>, string[]]>([
		['defaults, full band, discarded output', {}, [...HEAD, ...MAP, '-af', 'silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-']],
		[
			'band-pass before silencedetect',
			{ bandPass: SPEECH_BAND },
			[...HEAD, ...MAP, '-af', 'highpass=f=80,lowpass=f=4000,silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-']
		],
		[
			'custom band',
			{ bandPass: { highpassHz: 120, lowpassHz: 3400 } },
			[...HEAD, ...MAP, '-af', 'highpass=f=120,lowpass=f=3400,silencedetect=noise=-35dB:d=0.3', '-f', 'null', '-']
		],
		['fractional threshold', { thresholdDb: -42.5 }, [...HEAD, ...MAP, '-af', 'silencedetect=noise=-42.5dB:d=0.3', '-f', 'null', '-']],
		['whole seconds', { minSilenceMs: 2000 }, [...HEAD, ...MAP, '-af', 'silencedetect=noise=-35dB:d=2', '-f', 'null', '-']],
		['odd milliseconds', { minSilenceMs: 1 }, [...HEAD, ...MAP, '-af', 'silencedetect=noise=-35dB:d=0.001', '-f', 'null', '-']]
	])('%s', (_name, options, expected) => {
		expect(buildSilenceArgs({ ...base, ...options })).toEqual(expected);
	});

	it('keeps a path with spaces and shell characters as one argument', () => {
		const args = buildSilenceArgs({ ...base, input: '/data/my files/$(rm -rf)/a b.wav' });
		expect(args[args.indexOf('-i') + 1]).toBe('/data/my files/$(rm -rf)/a b.wav');
	});

	it.each<[string, Partial<SilenceArgsOptions>]>([
		['non-negative threshold', { thresholdDb: 0 }],
		['NaN threshold', { thresholdDb: Number.NaN }],
		['zero min silence', { minSilenceMs: 0 }],
		['fractional min silence', { minSilenceMs: 1.5 }],
		['inverted band', { bandPass: { highpassHz: 4000, lowpassHz: 80 } }]
	])('rejects %s', (_name, options) => {
		expect(() => buildSilenceArgs({ ...base, ...options })).toThrow(RangeError);
	});
});

describe(buildEnergyArgs.name, () => {
	const PCM = ['-ac', '1', '-ar', '8000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'];
	const energyBase: EnergyArgsOptions = { input: '/o/ab/x.mp3', startMs: 60_000, endMs: 90_000, bandPass: null };
	const head = (ss: string, t: string) => ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-ss', ss, '-t', t, '-i', '/o/ab/x.mp3', '-map', '0:a:0', '-vn', '-sn', '-dn'];

	it.each<[string, Partial<EnergyArgsOptions>, string[]]>([
		['whole seconds, full band', {}, [...head('60', '30'), ...PCM]],
		['from the start, odd ms', { startMs: 0, endMs: 15_001 }, [...head('0', '15.001'), ...PCM]],
		['band-passed like the detection', { bandPass: SPEECH_BAND }, [...head('60', '30'), '-af', 'highpass=f=80,lowpass=f=4000', ...PCM]]
	])('%s', (_name, options, expected) => {
		expect(buildEnergyArgs({ ...energyBase, ...options })).toEqual(expected);
	});

	it.each<[string, Partial<EnergyArgsOptions>]>([
		['an empty span', { startMs: 5, endMs: 5 }],
		['a negative start', { startMs: -1 }],
		['fractional ms', { endMs: 90_000.5 }]
	])('rejects %s', (_name, options) => {
		expect(() => buildEnergyArgs({ ...energyBase, ...options })).toThrow(RangeError);
	});
});

describe(parseSilenceLine.name, () => {
	it.each<[string, ReturnType<typeof parseSilenceLine>]>([
		['[silencedetect @ 0x55d0c8a3e080] silence_start: 1.234', { kind: 'start', ms: 1234 }],
		['[silencedetect @ 0x55d0c8a3e080] silence_start: 0', { kind: 'start', ms: 0 }],
		['[silencedetect @ 0x55d0c8a3e080] silence_start: -0.00133', { kind: 'start', ms: 0 }],
		['[silencedetect @ 0x55d0c8a3e080] silence_start: 0.999954', { kind: 'start', ms: 1000 }],
		['[silencedetect @ 0x55d0c8a3e080] silence_end: 2.5 | silence_duration: 1.266', { kind: 'end', ms: 2500 }],
		['[silencedetect @ 0x1] silence_end: 36000.25 | silence_duration: 3', { kind: 'end', ms: 36000250 }],
		['[silencedetect @ 0x1] silence_start: 1.5e-05', { kind: 'start', ms: 0 }],
		['  silencedetect:default -> Stream #0:0 (pcm_s16le)', null],
		['size=N/A time=00:00:20.00 bitrate=N/A speed= 900x', null],
		['', null]
	])('%j', (line, expected) => {
		expect(parseSilenceLine(line)).toEqual(expected);
	});
});
