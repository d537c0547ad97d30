import { describe, expect, it } from 'vitest';
import {
	FFMPEG_BASE_ARGS,
	buildClipArgs,
	buildIngestArgs,
	buildRenditionOnlyArgs,
	buildTailCheckArgs,
	canClipFromOriginal,
	msToSeconds,
	opusArgs
} from './transcode-args.ts';

const base = [...FFMPEG_BASE_ARGS];

describe(msToSeconds.name, () => {
	it.each([
		[0, '0.000'],
		[7, '0.007'],
		[61234, '61.234'],
		[36_000_000, '36000.000']
	])('%i ms → %s', (ms, expected) => {
		expect(msToSeconds(ms)).toBe(expected);
	});

	it.each([-1, 1.5, Number.NaN])('rejects %s', (ms) => {
		expect(() => msToSeconds(ms)).toThrow(RangeError);
	});
});

describe(opusArgs.name, () => {
	it.each([
		[1, ['-c:a', 'libopus', '-b:a', '32k', '-compression_level', '6', '-ac', '1']],
		[2, ['-c:a', 'libopus', '-b:a', '48k', '-compression_level', '6', '-ac', '2']],
		[6, ['-c:a', 'libopus', '-b:a', '48k', '-compression_level', '6', '-ac', '2']],
		[0, ['-c:a', 'libopus', '-b:a', '32k', '-compression_level', '6', '-ac', '1']]
	])('%i input channels', (channels, expected) => {
		expect(opusArgs(channels)).toEqual(expected);
	});
});

describe(buildIngestArgs.name, () => {
	it.each([
		{
			name: 'mono 16 kHz',
			options: { input: '/o/a.wav', playbackOutput: '/t/p.ogg', sampleRate: 16000, channels: 1 },
			expected: [
				...base,
				'-i', '/o/a.wav',
				'-map', '0:a:0', '-map_metadata', '-1', '-c:a', 'libopus', '-b:a', '32k', '-compression_level', '6', '-ac', '1', '-f', 'ogg', '/t/p.ogg',
				'-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'
			]
		},
		{
			name: '5.1 at 48 kHz keeps at most two channels in the rendition',
			options: { input: 'in.m4a', playbackOutput: 'p.ogg', sampleRate: 48000, channels: 6 },
			expected: [
				...base,
				'-i', 'in.m4a',
				'-map', '0:a:0', '-map_metadata', '-1', '-c:a', 'libopus', '-b:a', '48k', '-compression_level', '6', '-ac', '2', '-f', 'ogg', 'p.ogg',
				'-map', '0:a:0', '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'
			]
		}
	])('$name', ({ options, expected }) => {
		expect(buildIngestArgs(options)).toEqual(expected);
	});

	it('decodes the input once: exactly one -i', () => {
		const args = buildIngestArgs({ input: 'x', playbackOutput: 'y', sampleRate: 8000, channels: 1 });
		expect(args.filter((a) => a === '-i')).toHaveLength(1);
	});

	it('rejects a missing sample rate', () => {
		expect(() => buildIngestArgs({ input: 'x', playbackOutput: 'y', sampleRate: 0, channels: 1 })).toThrow(RangeError);
	});
});

describe(buildRenditionOnlyArgs.name, () => {
	it('is the ingest command without the PCM output', () => {
		const ingest = buildIngestArgs({ input: 'i', playbackOutput: 'o.ogg', sampleRate: 44100, channels: 2 });
		const only = buildRenditionOnlyArgs({ input: 'i', output: 'o.ogg', channels: 2 });
		expect(ingest.slice(0, only.length)).toEqual(only);
		expect(only).not.toContain('pipe:1');
	});
});

describe(buildTailCheckArgs.name, () => {
	it('seeks on the input side', () => {
		const args = buildTailCheckArgs({ input: 'f.flac', fromMs: 8500, sampleRate: 44100 });
		expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
		expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4)).toEqual(['-ss', '8.500', '-i', 'f.flac']);
		expect(args.at(-1)).toBe('pipe:1');
	});
});

describe(buildClipArgs.name, () => {
	const common = { input: '/o/a.mp3', output: '/c/x', startMs: 61234, endMs: 91251, channels: 2 };
	it.each([
		{ format: 'wav' as const, codec: ['-c:a', 'pcm_s16le', '-f', 'wav'] },
		{ format: 'flac' as const, codec: ['-c:a', 'flac', '-f', 'flac'] },
		{ format: 'opus' as const, codec: ['-c:a', 'libopus', '-b:a', '48k', '-compression_level', '6', '-ac', '2', '-f', 'ogg'] }
	])('$format: -ss before -i, exact -t, re-encoded', ({ format, codec }) => {
		expect(buildClipArgs({ ...common, format })).toEqual([
			...base,
			'-ss', '61.234', '-i', '/o/a.mp3', '-t', '30.017',
			'-map', '0:a:0', '-map_metadata', '-1',
			...codec,
			'/c/x'
		]);
	});

	it('resamples WAV and FLAC clips when asked, never Opus', () => {
		expect(buildClipArgs({ ...common, format: 'wav', sampleRate: 44100 })).toContain('-ar');
		expect(buildClipArgs({ ...common, format: 'flac', sampleRate: 44100 }).join(' ')).toContain('-ar 44100 -c:a flac');
		expect(buildClipArgs({ ...common, format: 'opus', sampleRate: 44100 })).not.toContain('-ar');
	});

	it.each([
		[1000, 1000],
		[2000, 1000]
	])('rejects start %i, end %i', (startMs, endMs) => {
		expect(() => buildClipArgs({ ...common, startMs, endMs, format: 'wav' })).toThrow(RangeError);
	});
});

describe(canClipFromOriginal.name, () => {
	it.each([
		['wav', true],
		['flac', true],
		['ogg', true],
		['aiff', true],
		['mov,mp4,m4a,3gp,3g2,mj2', true],
		['mp3', false],
		['aac', false],
		['matroska,webm', false],
		['asf', false],
		['amr', false],
		['', false]
	])('%j → %s', (formatName, expected) => {
		expect(canClipFromOriginal(formatName)).toBe(expected);
	});
});
