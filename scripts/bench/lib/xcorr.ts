import { runTool } from '../../../server/media/ffmpeg.ts';

/**
 * Decodes [fromS, fromS + durationS) of `file` to mono float PCM at `sampleRate`. The seek is on
 * the output side: ffmpeg decodes everything before, so the first sample is exactly at fromS
 * (slow on long files, but this is the reference the browser is judged against).
 */
export async function decodeReference(
	ffmpeg: string,
	file: string,
	options: { fromS: number; durationS: number; sampleRate: number }
): Promise<Float32Array> {
	const chunks: Buffer[] = [];
	await runTool(
		ffmpeg,
		[
			'-hide_banner', '-nostdin', '-v', 'error', '-i', file,
			'-ss', options.fromS.toFixed(6), '-t', options.durationS.toFixed(6),
			'-ac', '1', '-ar', String(options.sampleRate), '-f', 'f32le', 'pipe:1'
		],
		{ onStdout: (chunk) => chunks.push(chunk) }
	);
	const bytes = Buffer.concat(chunks);
	const out = new Float32Array(Math.floor(bytes.length / 4));
	for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
	return out;
}

function normalizedCorrelation(needle: Float32Array, hay: Float32Array, lag: number, step: number): number {
	let dot = 0;
	let energy = 0;
	for (let i = 0; i < needle.length; i += step) {
		const h = hay[lag + i];
		dot += needle[i] * h;
		energy += h * h;
	}
	return energy > 0 ? dot / Math.sqrt(energy) : 0;
}

/**
 * Where `needle` best matches inside `hay` (sample offset), by normalised cross-correlation:
 * a coarse pass over every 8th lag on every 4th sample, then every lag around the best one.
 */
export function bestLag(needle: Float32Array, hay: Float32Array): { lag: number; score: number } {
	const maxLag = hay.length - needle.length;
	if (maxLag < 0) throw new Error('reference shorter than the captured audio');
	let best = { lag: 0, score: Number.NEGATIVE_INFINITY };
	for (let lag = 0; lag <= maxLag; lag += 8) {
		const score = normalizedCorrelation(needle, hay, lag, 4);
		if (score > best.score) best = { lag, score };
	}
	const coarse = best.lag;
	best = { lag: coarse, score: Number.NEGATIVE_INFINITY };
	for (let lag = Math.max(0, coarse - 24); lag <= Math.min(maxLag, coarse + 24); lag++) {
		const score = normalizedCorrelation(needle, hay, lag, 1);
		if (score > best.score) best = { lag, score };
	}
	let needleEnergy = 0;
	for (const v of needle) needleEnergy += v * v;
	return { lag: best.lag, score: best.score / Math.sqrt(needleEnergy || 1) };
}
