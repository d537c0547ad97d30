/**
 * Pure builders of ffmpeg argument arrays (no I/O): every flag and its value are separate items,
 * ready for `runTool(media.ffmpeg, args)`. The same arguments work with Debian's ffmpeg 5.1 and
 * with the ffmpeg 4.1 that @ffmpeg-installer ships (both have libopus, flac, pcm_s16le).
 */

/** Flags every invocation starts with: quiet except for errors, never read stdin, overwrite temps. */
export const FFMPEG_BASE_ARGS = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-y'] as const;

/** Playback rendition encoding: Ogg Opus, which Chromium seeks to within ~0.4 ms (performance.md §4.2). */
export const RENDITION = {
	container: 'ogg',
	codec: 'libopus',
	monoBitrate: '32k',
	stereoBitrate: '48k',
	compressionLevel: '6'
} as const;

export type ClipFormat = 'wav' | 'flac' | 'opus';

export const CLIP_FORMATS: Record<ClipFormat, { ext: string; contentType: string }> = {
	wav: { ext: 'wav', contentType: 'audio/wav' },
	flac: { ext: 'flac', contentType: 'audio/flac' },
	opus: { ext: 'opus', contentType: 'audio/ogg' }
};

/** Integer milliseconds as an exact decimal seconds string (`61234` → `'61.234'`), no float rounding. */
export function msToSeconds(ms: number): string {
	if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`not a non-negative integer ms value: ${ms}`);
	return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

/**
 * Opus settings for the rendition and opus clips: keep mono as mono (32 kb/s is plenty for speech and
 * encodes ~25% faster than stereo 48k), keep stereo as stereo (two speakers on two microphones stay
 * apart) and fold anything wider down to stereo. Complexity 6 instead of libopus' default 10: on
 * speech (the espeak bench corpus, 10 min) 10 took 8.7 s of CPU and 6 took 2.4 s, while 7 already
 * took 7.1 s; the rendition is for listening while transcribing, and the original is kept untouched.
 */
export function opusArgs(channels: number): string[] {
	const out = channels >= 2 ? 2 : 1;
	return [
		'-c:a',
		RENDITION.codec,
		'-b:a',
		out === 2 ? RENDITION.stereoBitrate : RENDITION.monoBitrate,
		'-compression_level',
		RENDITION.compressionLevel,
		'-ac',
		String(out)
	];
}

/** The rendition output half: first audio stream only, no metadata or cover art carried over. */
function renditionOutput(output: string, channels: number): string[] {
	return ['-map', '0:a:0', '-map_metadata', '-1', ...opusArgs(channels), '-f', RENDITION.container, output];
}

/**
 * The single-pass ingest: one decode of the input feeds (a) the Ogg Opus playback rendition written
 * to `playbackOutput` and (b) mono s16le PCM at the native rate on stdout, from which the peaks are
 * built. ffmpeg decodes a mapped input stream once and hands the frames to both outputs.
 *
 * @example
 * buildIngestArgs({ input: 'in.mp3', playbackOutput: 'tmp.ogg', sampleRate: 44100, channels: 2 });
 * // [...FFMPEG_BASE_ARGS, '-i', 'in.mp3', '-map', '0:a:0', …, 'tmp.ogg', '-map', '0:a:0', '-ac', '1', …, 'pipe:1']
 */
export function buildIngestArgs(options: {
	input: string;
	playbackOutput: string;
	sampleRate: number;
	channels: number;
}): string[] {
	return [
		...FFMPEG_BASE_ARGS,
		'-i',
		options.input,
		...renditionOutput(options.playbackOutput, options.channels),
		...pcmOutput(options.sampleRate)
	];
}

/** What the benchmark times as "ffmpeg alone producing the same rendition" (no peaks output). */
export function buildRenditionOnlyArgs(options: { input: string; output: string; channels: number }): string[] {
	return [...FFMPEG_BASE_ARGS, '-i', options.input, ...renditionOutput(options.output, options.channels)];
}

/** Mono 16-bit PCM on stdout; `-ar` pins the rate so the peaks header is right even if the stream changes rate. */
function pcmOutput(sampleRate: number): string[] {
	if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`bad sample rate: ${sampleRate}`);
	return ['-map', '0:a:0', '-ac', '1', '-ar', String(sampleRate), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1'];
}

/**
 * Decodes only the tail of a file (input-side seek, so it costs the same anywhere in the file) as
 * mono PCM on stdout. Too few samples means the header promised more audio than the file holds.
 */
export function buildTailCheckArgs(options: { input: string; fromMs: number; sampleRate: number }): string[] {
	return [
		...FFMPEG_BASE_ARGS,
		'-ss',
		msToSeconds(options.fromMs),
		'-i',
		options.input,
		...pcmOutput(options.sampleRate)
	];
}

/** Demuxers (ffprobe `format_name` parts) whose input-side seek is both exact and sublinear. */
const FAST_EXACT_SEEK_FORMATS = new Set(['wav', 'w64', 'aiff', 'flac', 'ogg', 'mov', 'mp4', 'm4a', 'caf']);

/**
 * Whether clips can be cut from the original, or should come from the Ogg Opus rendition. MP3, ADTS
 * AAC, AMR, ASF and cue-less WebM seek exactly only by parsing every frame from the start (ffmpeg's
 * generic index: 0.6 s at 9.7 h into an MP3, linear in the position), so they are cut from the
 * rendition, which seeks by bisection and shares the original's timeline (it was decoded from it).
 */
export function canClipFromOriginal(formatName: string): boolean {
	return formatName.split(',').some((name) => FAST_EXACT_SEEK_FORMATS.has(name));
}

/**
 * Cuts [startMs, endMs) of `input` into a self-contained file. `-ss` goes before `-i` (input-side
 * seek: a clip late in a 10-h file costs what one at its start does); the re-encode makes the cut
 * sample-exact for every input format, including VBR MP3.
 *
 * @example
 * buildClipArgs({ input: 'a.flac', output: 'c.wav', startMs: 61234, endMs: 91251, format: 'wav', channels: 2 });
 * // [...FFMPEG_BASE_ARGS, '-ss', '61.234', '-i', 'a.flac', '-t', '30.017', '-map', '0:a:0', …, '-c:a', 'pcm_s16le', '-f', 'wav', 'c.wav']
 */
export function buildClipArgs(options: {
	input: string;
	output: string;
	startMs: number;
	endMs: number;
	format: ClipFormat;
	channels: number;
	/** Resample WAV and FLAC clips to this rate (cutting from the 48 kHz rendition of a 44.1 kHz original). */
	sampleRate?: number;
}): string[] {
	const { startMs, endMs } = options;
	if (!(endMs > startMs)) throw new RangeError(`clip end ${endMs} must be after start ${startMs}`);
	const rate = options.sampleRate ? ['-ar', String(options.sampleRate)] : [];
	const codec: Record<ClipFormat, string[]> = {
		wav: [...rate, '-c:a', 'pcm_s16le', '-f', 'wav'],
		flac: [...rate, '-c:a', 'flac', '-f', 'flac'],
		opus: [...opusArgs(options.channels), '-f', 'ogg']
	};
	return [
		...FFMPEG_BASE_ARGS,
		'-ss',
		msToSeconds(startMs),
		'-i',
		options.input,
		'-t',
		msToSeconds(endMs - startMs),
		'-map',
		'0:a:0',
		'-map_metadata',
		'-1',
		...codec[options.format],
		options.output
	];
}
