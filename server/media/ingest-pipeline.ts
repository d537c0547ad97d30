import { rm } from 'node:fs/promises';
import { runTool } from './ffmpeg.ts';
import { createPeaksBuilder, type PeaksSummary } from './peaks.ts';
import { buildIngestArgs } from './transcode-args.ts';

export interface TranscodeAndAnalyseOptions {
	input: string;
	/** Of the first audio stream, from the probe: the rate the peaks are analysed at. */
	sampleRate: number;
	channels: number;
	/** Where to write the rendition and the peaks (temp paths; the caller renames them into place). */
	playbackOut: string;
	peaksOut: string;
	/** For the fine-level scratch file of the peaks builder. */
	tmpDir: string;
	signal?: AbortSignal;
	/** Milliseconds of audio decoded so far, at most a few times per second. */
	onProgress?: (decodedMs: number) => void;
}

/**
 * One ffmpeg decode producing both the Ogg Opus playback rendition and the FYPK peaks (from mono PCM
 * piped to this process). Memory stays flat whatever the length. On failure both outputs are removed.
 *
 * @example
 * const peaks = await transcodeAndAnalyse(media.ffmpeg, { input, sampleRate: 44100, channels: 2,
 *   playbackOut: tmpOgg, peaksOut: tmpPeaks, tmpDir: storage.tmpDir });
 * peaks.durationMs; // what was actually decoded
 */
export async function transcodeAndAnalyse(ffmpeg: string, options: TranscodeAndAnalyseOptions): Promise<PeaksSummary> {
	const peaks = createPeaksBuilder({ sampleRate: options.sampleRate, tmpDir: options.tmpDir });
	let lastReport = 0;
	try {
		const args = buildIngestArgs({
			input: options.input,
			playbackOutput: options.playbackOut,
			sampleRate: options.sampleRate,
			channels: options.channels
		});
		await runTool(ffmpeg, args, {
			signal: options.signal,
			onStdout: (chunk) => {
				peaks.push(chunk);
				if (options.onProgress) {
					const now = performance.now();
					if (now - lastReport > 250) {
						lastReport = now;
						options.onProgress((peaks.samples * 1000) / options.sampleRate);
					}
				}
			}
		});
		if (peaks.samples === 0) throw new Error('ffmpeg decoded no audio from this file');
		return await peaks.finish(options.peaksOut);
	} catch (err) {
		peaks.abort();
		await Promise.all([rm(options.playbackOut, { force: true }), rm(options.peaksOut, { force: true })]);
		throw err;
	}
}
