import { runTool } from './ffmpeg.ts';

/**
 * Test fixtures made on the spot by ffmpeg's lavfi sources (nothing binary is committed).
 * `amplitude` is the sine's peak as a fraction of full scale.
 *
 * @example
 * await makeTone(ffmpeg, path.join(dir, 'a.wav'), { seconds: 2, frequency: 1000, amplitude: 0.5 });
 */
export async function makeTone(
	ffmpeg: string,
	output: string,
	options: {
		seconds: number;
		frequency?: number;
		amplitude?: number;
		sampleRate?: number;
		channels?: number;
		/** Extra output options, e.g. `['-c:a', 'libmp3lame', '-b:a', '64k']`. */
		codecArgs?: string[];
	}
): Promise<string> {
	const { seconds, frequency = 440, amplitude = 0.5, sampleRate = 44100, channels = 1 } = options;
	const expr = `${amplitude}*sin(2*PI*${frequency}*t)`;
	const source = `aevalsrc=${Array(channels).fill(expr).join('|')}:s=${sampleRate}:d=${seconds}`;
	await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', source, ...(options.codecArgs ?? []), output]);
	return output;
}

/** A few seconds of video with no audio stream at all (Matroska, FFV1). */
export async function makeVideoOnly(ffmpeg: string, output: string): Promise<string> {
	await runTool(ffmpeg, [
		'-hide_banner', '-nostdin', '-v', 'error', '-y',
		'-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1',
		'-c:v', 'ffv1', output
	]);
	return output;
}
