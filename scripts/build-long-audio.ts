/**
 * `npm run bench:audio`: builds the long recordings the benchmarks ingest, from the demo corpus's
 * utterances, into bench/audio/ (git-ignored):
 *
 *   long-1h.mp3    1 hour: demo utterances in a seeded random order, with random gains and pauses
 *                  (some long), over the corpus's noise floor, so there is no short period in it
 *   long-2h.mp3    the 1-hour file twice (stream copy)
 *   long-10h.mp3   the 1-hour file ten times (stream copy)
 *
 * MP3 (CBR 64 kb/s, 44.1 kHz mono) because that is what phones and field recorders most often hand
 * over, and it is a format the server must not serve as-is (performance.md §4.2), so ingest has real
 * work to do. Idempotent: a file that exists with the right duration is kept.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CORPUS_DIR, readDemoManifest } from '../server/demo/demo-manifest.ts';
import { resolveMediaTools, runTool, type MediaTools } from '../server/media/ffmpeg.ts';

export const BENCH_AUDIO_DIR = fileURLToPath(new URL('../bench/audio/', import.meta.url));
const SAMPLE_RATE = 44_100;
const ENCODE_ARGS = ['-c:a', 'libmp3lame', '-b:a', '64k', '-ar', String(SAMPLE_RATE), '-ac', '1'];

export interface LongAudio {
	hours: number;
	file: string;
}

export const LONG_AUDIO: LongAudio[] = [1, 2, 10].map((hours) => ({
	hours,
	file: path.join(BENCH_AUDIO_DIR, `long-${hours}h.mp3`)
}));

export function longAudioPath(hours: 1 | 2 | 10): string {
	return path.join(BENCH_AUDIO_DIR, `long-${hours}h.mp3`);
}

/** Duration in seconds per ffprobe, or undefined when the file is missing or unreadable. */
export function probeDurationS(media: MediaTools, file: string): number | undefined {
	if (!existsSync(file)) return undefined;
	const result = spawnSync(
		media.ffprobe,
		['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
		{ encoding: 'utf8' }
	);
	const value = Number.parseFloat(result.stdout);
	return result.status === 0 && Number.isFinite(value) ? value : undefined;
}

function isReady(media: MediaTools, file: string, hours: number): boolean {
	const duration = probeDurationS(media, file);
	return duration !== undefined && Math.abs(duration - hours * 3600) < 2;
}

/** Decodes a demo file to mono s16le at SAMPLE_RATE. */
async function decodePcm(media: MediaTools, file: string): Promise<Int16Array> {
	const chunks: Buffer[] = [];
	await runTool(
		media.ffmpeg,
		['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', 'pipe:1'],
		{ onStdout: (chunk) => chunks.push(chunk) }
	);
	const bytes = Buffer.concat(chunks);
	return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 2)));
}

function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Streams one hour of shuffled demo speech into the MP3 encoder, with backpressure. */
async function buildOneHour(media: MediaTools, outFile: string): Promise<void> {
	const manifest = readDemoManifest();
	const utterances: Int16Array[] = [];
	for (const recording of manifest.recordings) {
		const pcm = await decodePcm(media, path.join(DEMO_CORPUS_DIR, recording.file));
		for (const u of recording.utterances) {
			const from = Math.floor((u.startMs * SAMPLE_RATE) / 1000);
			const to = Math.min(pcm.length, Math.ceil((u.endMs * SAMPLE_RATE) / 1000));
			utterances.push(pcm.subarray(from, to));
		}
	}
	const totalSamples = 3600 * SAMPLE_RATE;
	const random = prng(0x10ad);
	const tmp = `${outFile}.part.mp3`;
	const child = spawn(
		media.ffmpeg,
		['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0', ...ENCODE_ARGS, tmp],
		{ stdio: ['pipe', 'ignore', 'inherit'] }
	);
	const exited = new Promise<void>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
	});
	const write = (samples: Int16Array) =>
		new Promise<void>((resolve) => {
			const ok = child.stdin.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
			if (ok) resolve();
			else child.stdin.once('drain', () => resolve());
		});

	let written = 0;
	let lastReport = 0;
	while (written < totalSamples) {
		// A pause: mostly 0.25–1.8 s, sometimes 3–8 s (a long silence, as in real sessions).
		const pauseMs = random() < 0.05 ? 3000 + random() * 5000 : 250 + random() * 1550;
		const pause = new Int16Array(Math.min(totalSamples - written, Math.round((pauseMs * SAMPLE_RATE) / 1000)));
		for (let i = 0; i < pause.length; i++) pause[i] = Math.round((random() - 0.5) * 120);
		await write(pause);
		written += pause.length;
		if (written >= totalSamples) break;

		const source = utterances[Math.floor(random() * utterances.length)];
		const gain = 0.55 + random() * 0.45;
		const take = Math.min(source.length, totalSamples - written);
		const out = new Int16Array(take);
		for (let i = 0; i < take; i++) out[i] = Math.round(source[i] * gain);
		await write(out);
		written += take;
		if (written - lastReport > 600 * SAMPLE_RATE) {
			lastReport = written;
			process.stdout.write(`  ${Math.round(written / SAMPLE_RATE / 60)} min\n`);
		}
	}
	child.stdin.end();
	await exited;
	renameSync(tmp, outFile);
}

/** Joins `times` copies of `source` with the concat demuxer (stream copy: seconds, not minutes). */
async function concatCopies(media: MediaTools, source: string, times: number, outFile: string): Promise<void> {
	const list = `${outFile}.list.txt`;
	// Paths are ours (bench/audio), but quote them as the concat demuxer expects anyway.
	writeFileSync(list, Array.from({ length: times }, () => `file '${source.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
	const tmp = `${outFile}.part.mp3`;
	try {
		await runTool(media.ffmpeg, [
			'-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
			'-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', tmp
		]);
		renameSync(tmp, outFile);
	} finally {
		rmSync(list, { force: true });
		rmSync(tmp, { force: true });
	}
}

/** Makes sure every long recording exists with the right length; returns their paths. */
export async function ensureLongAudio(media: MediaTools, log: (line: string) => void = () => {}): Promise<LongAudio[]> {
	mkdirSync(BENCH_AUDIO_DIR, { recursive: true });
	const oneHour = longAudioPath(1);
	for (const { hours, file } of LONG_AUDIO) {
		if (isReady(media, file, hours)) {
			log(`${path.basename(file)}: present`);
			continue;
		}
		const started = performance.now();
		log(`${path.basename(file)}: building…`);
		if (hours === 1) await buildOneHour(media, file);
		else await concatCopies(media, oneHour, hours, file);
		if (!isReady(media, file, hours)) throw new Error(`${file}: built, but its duration is ${probeDurationS(media, file)} s`);
		log(`${path.basename(file)}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	}
	return LONG_AUDIO;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const media = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
	ensureLongAudio(media, (line) => process.stdout.write(`${line}\n`)).then(
		() => process.exit(0),
		(err) => {
			process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
			process.exit(1);
		}
	);
}
