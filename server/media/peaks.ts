import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
	PEAKS_LEVEL_FACTOR,
	encodePeaksHeader,
	fineSamplesPerPeak,
	levelPeakCounts,
	quantizeSample
} from './peaks-format.ts';

export interface PeaksSummary {
	/** Mono samples analysed. */
	samples: number;
	sampleRate: number;
	/** Derived from the samples actually decoded, not from the container's claim. */
	durationMs: number;
	levels: { samplesPerPeak: number; peakCount: number }[];
	bytes: number;
}

export interface PeaksBuilder {
	/** Feeds mono s16le PCM; chunks may have any length (odd ones too). Ignored after abort(). */
	push(chunk: Buffer): void;
	/** Mono samples seen so far. */
	readonly samples: number;
	/** Writes the FYPK file to `outPath` (the caller renames it into place) and frees the temp file. */
	finish(outPath: string): Promise<PeaksSummary>;
	/** Drops everything; safe to call more than once or after finish. */
	abort(): void;
}

const FLUSH_BYTES = 64 * 1024;
/** Enough coarse levels for ~50,000 h at 8 kHz; unused ones cost nothing. */
const MAX_COARSE_LEVELS = 15;

if (os.endianness() !== 'LE') throw new Error('peaks.ts reads s16le PCM through an Int16Array and needs a little-endian CPU');

class CoarseLevel {
	data = new Int8Array(1024);
	length = 0;
	min = 127;
	max = -128;
	count = 0;

	add(min: number, max: number): boolean {
		if (min < this.min) this.min = min;
		if (max > this.max) this.max = max;
		return ++this.count === PEAKS_LEVEL_FACTOR;
	}

	/** Stores the pending peak; returns it for the next level. */
	emit(): [number, number] {
		if (this.length + 2 > this.data.length) {
			const grown = new Int8Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		const pair: [number, number] = [this.min, this.max];
		this.data[this.length++] = this.min;
		this.data[this.length++] = this.max;
		this.min = 127;
		this.max = -128;
		this.count = 0;
		return pair;
	}
}

/**
 * Streaming min/max over mono 16-bit PCM. The finest level (~100 peaks/s, 720 kB per hour) goes to a
 * temp file as it is produced; only the coarser levels (together a third of that) stay in memory, so
 * memory does not grow with the length of the recording beyond them.
 *
 * @example
 * const peaks = createPeaksBuilder({ sampleRate: 44100, tmpDir });
 * await runTool(ffmpeg, args, { onStdout: (c) => peaks.push(c) });
 * const summary = await peaks.finish(tmpOut);
 */
export function createPeaksBuilder(options: { sampleRate: number; tmpDir: string }): PeaksBuilder {
	const { sampleRate } = options;
	if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`bad sample rate: ${sampleRate}`);
	const spp = fineSamplesPerPeak(sampleRate);
	const finePath = path.join(options.tmpDir, `peaks-fine-${randomBytes(6).toString('hex')}.tmp`);
	let fd: number | null = openSync(finePath, 'w');
	const pending = Buffer.allocUnsafe(FLUSH_BYTES);
	let pendingLength = 0;
	let fineCount = 0;
	const coarse: CoarseLevel[] = Array.from({ length: MAX_COARSE_LEVELS }, () => new CoarseLevel());

	let min = 32767;
	let max = -32768;
	let count = 0;
	let samples = 0;
	let carry = -1;
	let done = false;
	let aborted = false;

	const flush = () => {
		if (pendingLength > 0 && fd !== null) {
			writeSync(fd, pending, 0, pendingLength);
			pendingLength = 0;
		}
	};

	const cascade = (level: number, lo: number, hi: number) => {
		for (let k = level; k < MAX_COARSE_LEVELS; k++) {
			if (!coarse[k]!.add(lo, hi)) return;
			[lo, hi] = coarse[k]!.emit();
		}
	};

	const emitFine = () => {
		const lo = quantizeSample(min);
		const hi = quantizeSample(max);
		pending[pendingLength++] = lo & 0xff;
		pending[pendingLength++] = hi & 0xff;
		if (pendingLength === FLUSH_BYTES) flush();
		fineCount++;
		cascade(0, lo, hi);
		min = 32767;
		max = -32768;
		count = 0;
	};

	const cleanup = () => {
		if (fd !== null) {
			closeSync(fd);
			fd = null;
		}
		rmSync(finePath, { force: true });
	};

	return {
		get samples() {
			return samples;
		},
		push(chunk: Buffer) {
			// A killed ffmpeg may still have output in flight; it no longer matters.
			if (aborted) return;
			if (done) throw new Error('peaks builder already finished');
			let buf = chunk;
			if (carry >= 0) {
				buf = Buffer.concat([Buffer.of(carry), chunk]);
				carry = -1;
			}
			const n = buf.length >>> 1;
			if (buf.length & 1) carry = buf[buf.length - 1]!;
			if (n === 0) return;
			const pcm =
				(buf.byteOffset & 1) === 0
					? new Int16Array(buf.buffer, buf.byteOffset, n)
					: new Int16Array(Uint8Array.prototype.slice.call(buf, 0, n * 2).buffer);
			let i = 0;
			while (i < n) {
				const end = Math.min(n, i + (spp - count));
				count += end - i;
				for (; i < end; i++) {
					const v = pcm[i]!;
					if (v < min) min = v;
					if (v > max) max = v;
				}
				if (count === spp) emitFine();
			}
			samples += n;
		},
		async finish(outPath: string): Promise<PeaksSummary> {
			if (done) throw new Error('peaks builder already finished');
			done = true;
			try {
				if (count > 0) emitFine();
				// Partial peaks at the end of each coarse level, in order, so each feeds the next.
				for (let k = 0; k < MAX_COARSE_LEVELS; k++) {
					const level = coarse[k]!;
					if (level.count > 0) {
						const [lo, hi] = level.emit();
						cascade(k + 1, lo, hi);
					}
				}
				flush();
				closeSync(fd!);
				fd = null;

				const counts = levelPeakCounts(fineCount);
				const levels = counts.map((peakCount, i) => ({
					samplesPerPeak: spp * PEAKS_LEVEL_FACTOR ** i,
					peakCount
				}));
				for (let i = 1; i < counts.length; i++) {
					if (coarse[i - 1]!.length !== counts[i]! * 2) throw new Error(`peaks level ${i} has the wrong size`);
				}
				const durationMs = Math.round((samples * 1000) / sampleRate);
				const header = encodePeaksHeader({ sampleRate, durationMs, levels });
				const out = await open(outPath, 'w');
				let bytes = 0;
				try {
					bytes += (await out.write(header)).bytesWritten;
					// Coarsest first (see encodePeaksHeader), the streamed fine level last.
					for (let i = counts.length - 1; i >= 1; i--) {
						const level = coarse[i - 1]!;
						bytes += (await out.write(new Uint8Array(level.data.buffer, 0, level.length))).bytesWritten;
					}
					const fine = await open(finePath, 'r');
					try {
						const buffer = Buffer.allocUnsafe(1024 * 1024);
						for (;;) {
							const { bytesRead } = await fine.read(buffer, 0, buffer.length, null);
							if (bytesRead === 0) break;
							bytes += (await out.write(buffer, 0, bytesRead)).bytesWritten;
						}
					} finally {
						await fine.close();
					}
				} finally {
					await out.close();
				}
				return { samples, sampleRate, durationMs, levels, bytes };
			} finally {
				cleanup();
			}
		},
		abort() {
			done = true;
			aborted = true;
			cleanup();
		}
	};
}
