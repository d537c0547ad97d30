import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError, resolveMediaTools } from '../media/ffmpeg.ts';
import { quietestPoint, type Interval } from './intervals.ts';
import { SPEECH_BAND } from './silence-args.ts';
import { writeBurstAudio } from './test-audio.ts';
import { detectSilences, measureEnergy, planEnergyReads, proposeFromAudio, type VadParams } from './vad.ts';

const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH });
const PARAMS: VadParams = { thresholdDb: -35, minSilenceMs: 300, minSegmentMs: 300, padMs: 0, maxSegmentMs: 15_000, bandPass: SPEECH_BAND };

describe('vad over real ffmpeg', () => {
	let dir: string;
	let wav: string;
	let ogg: string;

	beforeAll(async () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-vad-'));
		wav = path.join(dir, 'a.wav');
		ogg = path.join(dir, 'a.ogg');
		// Two stretches of continuous "speech", each with a dip (not silence) at a known place.
		const bursts = [
			{ startMs: 500, endMs: 2600, amplitude: 0.5 },
			{ startMs: 2600, endMs: 2800, amplitude: 0.04 },
			{ startMs: 2800, endMs: 5000, amplitude: 0.5 },
			{ startMs: 6000, endMs: 6900, amplitude: 0.5 },
			{ startMs: 6900, endMs: 7100, amplitude: 0.04 },
			{ startMs: 7100, endMs: 9500, amplitude: 0.5 }
		];
		await writeBurstAudio(media.ffmpeg, wav, { durationMs: 10_000, bursts });
		await writeBurstAudio(media.ffmpeg, ogg, { durationMs: 10_000, bursts, sampleRate: 48_000 });
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it.each(['wav', 'ogg'])('finds the silences of a %s file to within a few ms', async (ext) => {
		const silences = await detectSilences(media, { input: ext === 'wav' ? wav : ogg, durationMs: 10_000, thresholdDb: -35, minSilenceMs: 300, bandPass: null });
		const expected: [number, number][] = [[0, 500], [5000, 6000], [9500, 10_000]];
		expect(silences).toHaveLength(3);
		silences.forEach((s, i) => {
			expect(Math.abs(s.startMs - expected[i][0])).toBeLessThanOrEqual(20);
			expect(Math.abs(s.endMs - expected[i][1])).toBeLessThanOrEqual(20);
		});
	});

	it('measures the energy of a stretch after seeking to it', async () => {
		const envelope = await measureEnergy(media, { input: ogg, startMs: 6000, endMs: 9500, bandPass: null });
		expect(envelope.offsetMs).toBe(6000);
		expect(envelope.power.length).toBe(350);
		const dip = quietestPoint(envelope, 6300, 9200, 7750);
		expect(dip).toBeGreaterThanOrEqual(6900);
		expect(dip).toBeLessThanOrEqual(7100);
	});

	it.each(['spans', 'whole'] as const)('cuts long speech at its dips, reading energy by %s', async (energyReads) => {
		const proposals = await proposeFromAudio(media, { input: ogg, durationMs: 10_000, params: { ...PARAMS, maxSegmentMs: 3000 }, energyReads });
		expect(proposals).toHaveLength(4);
		const cuts = [proposals[0].endMs, proposals[2].endMs];
		expect(cuts[0]).toBeGreaterThanOrEqual(2600);
		expect(cuts[0]).toBeLessThanOrEqual(2800);
		expect(cuts[1]).toBeGreaterThanOrEqual(6900);
		expect(cuts[1]).toBeLessThanOrEqual(7100);
		expect(proposals[1].startMs).toBe(cuts[0]);
		expect(proposals[3].startMs).toBe(cuts[1]);
	});

	it('stops ffmpeg when the caller aborts', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(proposeFromAudio(media, { input: wav, durationMs: 10_000, params: PARAMS, signal: controller.signal })).rejects.toThrow(/abort/i);
	});

	it('rejects with an FfmpegError for a file that is not audio', async () => {
		await expect(detectSilences(media, { input: path.join(dir, 'missing.wav'), durationMs: 1000, thresholdDb: -35, minSilenceMs: 300, bandPass: null })).rejects.toBeInstanceOf(FfmpegError);
	});
});

describe(planEnergyReads.name, () => {
	const iv = (...pairs: [number, number][]): Interval[] => pairs.map(([startMs, endMs]) => ({ startMs, endMs }));

	it.each<[string, Interval[], number, ReturnType<typeof planEnergyReads>]>([
		['nothing to cut', [], 3_600_000, 'none'],
		['one long stretch in an hour', iv([0, 20_000]), 3_600_000, 'spans'],
		['a dozen in an hour', Array.from({ length: 12 }, (_, i): Interval => ({ startMs: i * 200_000, endMs: i * 200_000 + 30_000 })), 3_600_000, 'spans'],
		['hundreds in an hour', Array.from({ length: 300 }, (_, i): Interval => ({ startMs: i * 12_000, endMs: i * 12_000 + 6000 })), 3_600_000, 'whole'],
		['one in a short file', iv([0, 20_000]), 60_000, 'whole'],
		['the whole file is speech', iv([0, 3_600_000]), 3_600_000, 'whole']
	])('%s → %s', (_name, long, durationMs, expected) => {
		expect(planEnergyReads(long, durationMs)).toBe(expected);
	});
});
