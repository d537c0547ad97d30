/**
 * The ffmpeg half of the spectrogram: pure planning and argument building (no I/O), so every
 * number that shapes the picture is unit-tested.
 *
 * The picture is a Praat-style wideband spectrogram: 0–8 kHz on a linear axis, an 8 ms Hann window
 * (≈ 180 Hz analysis bandwidth: above most speakers' F0, so formants show as bands rather than
 * harmonics), log intensity over a 70 dB range, dark on white. It is drawn by `showspectrum` rather
 * than `showspectrumpic`, whose columns fade to black once a window holds fewer samples than
 * width × FFT size (every zoom worth a spectrogram), with one FFT per hop, the hop chosen so the
 * columns match the requested width, then scaled to exactly width × height.
 *
 * Only options that ffmpeg 4.1 (the binary @ffmpeg-installer ships) also knows are used: no
 * `drange`/`fscale`, and a window that is a power of two, since 4.1 rounds the FFT size up to one.
 * Both versions draw the same picture.
 */

/** The audio is resampled to this rate, so the spectrum spans 0 to 8 kHz (Nyquist) with no zoom filter. */
export const SPECTROGRAM_SAMPLE_RATE = 16_000;
/** FFT window in samples: 8 ms at 16 kHz. showspectrum sizes its FFT as 2 × the picture height. */
export const SPECTROGRAM_WINDOW = 128;
/** Frequency bins drawn (window / 2): 125 Hz each. */
export const SPECTROGRAM_BINS = SPECTROGRAM_WINDOW / 2;
/** The shortest hop (0.5 ms): deeper zooms stretch columns instead of computing more of them. */
export const MIN_HOP = 8;
/** Intensities this far below full scale are white (showspectrum's log scale spans 120 dB). */
export const DYNAMIC_RANGE_DB = 70;
/** Quiet recordings are lifted by at most this much (see `gainDb`). */
export const MAX_GAIN_DB = 40;

export const MAX_SPECTROGRAM_MS = 120_000;
export const MAX_SPECTROGRAM_WIDTH = 4096;
export const MAX_SPECTROGRAM_HEIGHT = 512;
export const MIN_SPECTROGRAM_SIZE = 16;

export interface SpectrogramWindow {
	startMs: number;
	endMs: number;
	width: number;
	height: number;
}

export interface SpectrogramPlan {
	/** Samples (at 16 kHz) in [start, end). */
	samples: number;
	/** Samples between FFT columns. */
	hop: number;
	/** FFT columns computed before scaling to `width`. */
	columns: number;
	/**
	 * Samples fed to showspectrum: half a window of silence first (so column i is centred on
	 * sample i × hop rather than starting there), then the audio padded with silence to fill the
	 * last column.
	 */
	feedSamples: number;
	/** showspectrum's `overlap` giving exactly `hop` (it truncates (1 − overlap) × window). */
	overlap: number;
}

/**
 * How many FFT columns to compute for a window and how far apart: about one per output pixel, but
 * never closer than MIN_HOP nor further apart than a whole FFT window (long windows then compute one
 * column per 8 ms and the final scale averages them, so no audio is skipped).
 *
 * @example
 * planSpectrogram({ startMs: 0, endMs: 1000, width: 800, height: 256 }) // { hop: 20, columns: 800, … }
 */
export function planSpectrogram(window: SpectrogramWindow): SpectrogramPlan {
	const samples = Math.max(1, Math.round(((window.endMs - window.startMs) * SPECTROGRAM_SAMPLE_RATE) / 1000));
	const hop = Math.min(SPECTROGRAM_WINDOW, Math.max(MIN_HOP, Math.round(samples / window.width)));
	const columns = Math.max(1, Math.ceil(samples / hop));
	const feedSamples = (columns - 1) * hop + SPECTROGRAM_WINDOW;
	// Half a sample of slack so float rounding inside ffmpeg cannot truncate the hop to hop − 1.
	const overlap = hop >= SPECTROGRAM_WINDOW ? 0 : 1 - (hop + 0.5) / SPECTROGRAM_WINDOW;
	return { samples, hop, columns, feedSamples, overlap: Number(overlap.toFixed(6)) };
}

/**
 * The gain that brings a recording's sample peak (0–1 of full scale) to 0 dBFS, so quiet field
 * recordings do not come out blank; between 0 and MAX_GAIN_DB, in tenths of a dB. One gain per
 * recording keeps neighbouring windows comparable.
 */
export function gainDb(peak: number): number {
	if (!(peak > 0)) return MAX_GAIN_DB;
	const gain = -20 * Math.log10(Math.min(1, peak));
	return Math.round(Math.min(MAX_GAIN_DB, Math.max(0, gain)) * 10) / 10;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** showspectrum's log scale maps 120 dB below full scale to 0 and full scale to 1. */
const LOG_SCALE_SPAN_DB = 120;

/**
 * Luma of the picture: the top DYNAMIC_RANGE_DB of showspectrum's 120 dB stretched to 255..0
 * (dark = loud). Commas are escaped because the expression sits inside a filter graph.
 */
function intensityLut(): string {
	const floor = Math.round((255 * (LOG_SCALE_SPAN_DB - DYNAMIC_RANGE_DB)) / LOG_SCALE_SPAN_DB);
	return `lut=c0='255-clip((val-${floor})*255/${255 - floor}\\,0\\,255)'`;
}

/**
 * ffmpeg arguments that render [startMs, endMs) of `input` as a width × height grayscale PNG at
 * `output`: input-side seek (fast, and exact for PCM), first audio stream, mono, 16 kHz.
 *
 * @example
 * await runTool(media.ffmpeg, buildSpectrogramArgs({
 *   input: '/data/originals/ab/ab12….wav', output: '/data/tmp/s.png',
 *   startMs: 61_000, endMs: 64_000, width: 1200, height: 256, gainDb: 12
 * }));
 */
export function buildSpectrogramArgs(options: SpectrogramWindow & { input: string; output: string; gainDb: number }): string[] {
	const { input, output, startMs, endMs, width, height } = options;
	const plan = planSpectrogram(options);
	const graph = [
		`[0:a:0]aformat=sample_fmts=fltp:sample_rates=${SPECTROGRAM_SAMPLE_RATE}:channel_layouts=mono`,
		`volume=${options.gainDb}dB`,
		// Half a window, in ms (4.1's adelay knows no sample counts); the audio is mono here.
		`adelay=delays=${(SPECTROGRAM_WINDOW / 2 / SPECTROGRAM_SAMPLE_RATE) * 1000}`,
		`apad=whole_len=${plan.feedSamples}`,
		`atrim=end_sample=${plan.feedSamples}`,
		// One column more than is fed: the picture then comes out as the partial frame flushed at the
		// end of the audio, which ffmpeg 4.1 and 5+ both do, whereas 4.1 never emits a frame that
		// fills up (and 5+ emits it at once). The crop drops the unused column.
		[
			`showspectrum=s=${plan.columns + 1}x${SPECTROGRAM_BINS}`,
			'slide=fullframe',
			'mode=combined',
			'color=channel',
			'scale=log',
			'win_func=hann',
			`overlap=${plan.overlap}`,
			'legend=0'
		].join(':'),
		`crop=${plan.columns}:${SPECTROGRAM_BINS}:0:0`,
		// Area averaging when columns outnumber pixels (long windows), smooth stretching otherwise.
		`scale=${width}:${height}:flags=area`,
		'format=gray',
		// Dark energy on white, as phoneticians read spectrograms in Praat.
		`${intensityLut()}[img]`
	].join(',');
	return [
		'-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
		'-ss', seconds(startMs), '-t', seconds(endMs - startMs), '-i', input,
		'-filter_complex', graph,
		'-map', '[img]',
		'-frames:v', '1',
		'-c:v', 'png',
		'-f', 'image2', '-update', '1',
		output
	];
}
