import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { createSemaphore, type Semaphore } from './semaphore.ts';

const require = createRequire(import.meta.url);

export type BinarySource = 'env' | 'ffmpeg-static' | 'path' | 'npm-installer';

export interface MediaTools {
	ffmpeg: string;
	ffprobe: string;
	ffmpegSource: BinarySource;
	ffprobeSource: BinarySource;
	/** First line of `ffmpeg -version`. */
	version: string;
	/**
	 * Slots for ffmpeg runs made on demand (clips, spectrograms, pre-segmentation), one per core and
	 * shared by all of them: throughput saturates at the core count (performance.md §4.3).
	 */
	slots: Semaphore;
}

export class MissingFfmpegError extends Error {
	constructor(which: 'ffmpeg' | 'ffprobe') {
		super(
			`${which} not found: install it (Debian/Ubuntu: 'apt-get install ffmpeg'; macOS: 'brew install ffmpeg'), ` +
				`or set ${which === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'} to its full path, or run 'npm install' with the npm registry reachable.`
		);
		this.name = 'MissingFfmpegError';
	}
}

/**
 * Finds ffmpeg and ffprobe, in this order: FFMPEG_PATH/FFPROBE_PATH → ffmpeg-static's binary (an
 * optional dependency whose download from GitHub may have failed) → the binaries on PATH → the
 * binaries shipped inside npm packages (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe), which
 * install from the npm registry alone. Each candidate must actually run.
 */
export function resolveMediaTools(env: { ffmpegPath?: string; ffprobePath?: string } = {}): MediaTools {
	const ffmpeg = firstWorking('ffmpeg', [
		['env', env.ffmpegPath],
		['ffmpeg-static', optionalModule<string>('ffmpeg-static')],
		['path', 'ffmpeg'],
		['npm-installer', optionalModule<{ path: string }>('@ffmpeg-installer/ffmpeg')?.path]
	]);
	const ffprobe = firstWorking('ffprobe', [
		['env', env.ffprobePath],
		['path', 'ffprobe'],
		['npm-installer', optionalModule<{ path: string }>('@ffprobe-installer/ffprobe')?.path]
	]);
	return {
		ffmpeg: ffmpeg.path,
		ffprobe: ffprobe.path,
		ffmpegSource: ffmpeg.source,
		ffprobeSource: ffprobe.source,
		version: ffmpeg.version,
		slots: createSemaphore(os.availableParallelism())
	};
}

export function firstWorking(
	which: 'ffmpeg' | 'ffprobe',
	candidates: [BinarySource, string | undefined | null][]
): { path: string; source: BinarySource; version: string } {
	for (const [source, candidate] of candidates) {
		if (!candidate) continue;
		if (source !== 'path' && !existsSync(candidate)) continue;
		const result = spawnSync(candidate, ['-version'], { encoding: 'utf8', timeout: 10_000 });
		if (result.status === 0) {
			return { path: candidate, source, version: result.stdout.split('\n')[0] ?? '' };
		}
	}
	throw new MissingFfmpegError(which);
}

function optionalModule<T>(name: string): T | undefined {
	try {
		return require(name) as T;
	} catch {
		return undefined;
	}
}

export class FfmpegError extends Error {
	constructor(
		readonly exitCode: number | null,
		readonly stderrTail: string,
		readonly args: string[]
	) {
		super(`ffmpeg exited with ${exitCode}: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`);
		this.name = 'FfmpegError';
	}
}

export interface RunOptions {
	signal?: AbortSignal;
	/** Called with each chunk ffmpeg writes to stdout (when stdout is a pipe). */
	onStdout?: (chunk: Buffer) => void;
	/** Called with each stderr line (e.g. `-progress pipe:2` or silencedetect output). */
	onStderrLine?: (line: string) => void;
	/**
	 * Reads stdout itself (e.g. `for await` with back-pressure: ffmpeg blocks while the consumer
	 * is busy). The run settles once the process has exited and the consumer has finished; if the
	 * consumer throws, the process is killed and the run rejects with the consumer's error.
	 */
	consumeStdout?: (stdout: Readable) => Promise<void>;
}

/**
 * Runs a binary with an argument array (never a shell) and resolves when it exits 0; rejects with
 * an FfmpegError carrying the tail of stderr otherwise.
 *
 * @example
 * await runTool(media.ffmpeg, ['-hide_banner', '-nostdin', '-y', '-i', input, output]);
 */
export function runTool(binary: string, args: string[], options: RunOptions = {}): Promise<{ pid: number | undefined }> {
	return new Promise((resolve, reject) => {
		const { signal } = options;
		if (signal?.aborted) return reject(abortError(signal));
		const child = spawn(binary, args, { stdio: ['ignore', options.onStdout || options.consumeStdout ? 'pipe' : 'ignore', 'pipe'] });
		let consumerError: unknown;
		const consumed = options.consumeStdout
			? options.consumeStdout(child.stdout!).catch((err: unknown) => {
					consumerError = err;
					child.stdout!.destroy();
					child.kill('SIGKILL');
				})
			: Promise.resolve();
		let tail = '';
		let partial = '';
		let aborted = false;
		let killTimer: NodeJS.Timeout | undefined;
		// On abort: SIGTERM (ffmpeg stops within a packet), SIGKILL if it lingers; the promise settles
		// only once the process is gone, so a stopped pool leaves no ffmpeg behind.
		const onAbort = () => {
			aborted = true;
			child.kill('SIGTERM');
			killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
			killTimer.unref();
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		child.stderr!.setEncoding('utf8');
		child.stderr!.on('data', (text: string) => {
			tail = (tail + text).slice(-4000);
			if (options.onStderrLine) {
				const lines = (partial + text).split(/\r?\n|\r/);
				partial = lines.pop() ?? '';
				for (const line of lines) options.onStderrLine(line);
			}
		});
		if (options.onStdout) child.stdout!.on('data', options.onStdout);
		child.on('error', (err) => {
			signal?.removeEventListener('abort', onAbort);
			reject(err);
		});
		child.on('close', (code) => {
			signal?.removeEventListener('abort', onAbort);
			clearTimeout(killTimer);
			if (partial && options.onStderrLine) options.onStderrLine(partial);
			void consumed.then(() => {
				if (aborted) reject(abortError(signal!));
				else if (consumerError !== undefined) reject(consumerError);
				else if (code === 0) resolve({ pid: child.pid });
				else reject(new FfmpegError(code, tail, args));
			});
		});
	});
}

function abortError(signal: AbortSignal): Error {
	return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}
