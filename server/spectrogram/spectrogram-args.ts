/** Longest window one spectrogram image may show; longer views are too coarse to read formants anyway. */
export const MAX_SPECTROGRAM_MS = 120_000;
export const MAX_SPECTROGRAM_WIDTH = 4096;
export const MAX_SPECTROGRAM_HEIGHT = 512;

/** Speech formants live below 8 kHz, so the analysis runs at 16 kHz: a linear 0–8 kHz axis. */
export const SPECTROGRAM_SAMPLE_RATE = 16_000;

/**
 * ffmpeg arguments that render [startMs, endMs) of `input` as one PNG spectrogram of exactly
 * width × height pixels (time left to right, 0–8 kHz bottom to top, log intensity, no legend).
 * The seek is on the input side, so a window late in a 10-hour file costs what one at its start does.
 * Only options that ffmpeg 4.1 (the npm-shipped binary) also knows are used.
 *
 * @example
 * buildSpectrogramArgs({ input: 'playback.ogg', output: 'x.png', startMs: 1000, endMs: 9000, width: 1200, height: 256 })
 */
export function buildSpectrogramArgs(options: {
	input: string;
	output: string;
	startMs: number;
	endMs: number;
	width: number;
	height: number;
}): string[] {
	const { input, output, startMs, endMs, width, height } = options;
	if (!(endMs > startMs) || startMs < 0) throw new RangeError(`bad spectrogram window ${startMs}–${endMs}`);
	const filter = [
		`aresample=${SPECTROGRAM_SAMPLE_RATE}`,
		`showspectrumpic=s=${width}x${height}:legend=0:scale=log:color=intensity:win_func=hann`
	].join(',');
	return [
		'-hide_banner',
		'-nostdin',
		'-v',
		'error',
		'-y',
		'-ss',
		seconds(startMs),
		'-t',
		seconds(endMs - startMs),
		'-i',
		input,
		'-lavfi',
		filter,
		'-frames:v',
		'1',
		'-f',
		'image2',
		'-c:v',
		'png',
		output
	];
}

function seconds(ms: number) {
	return (ms / 1000).toFixed(3);
}
