import type { Envelope } from './intervals.ts';

const FULL_SCALE_SQUARED = 32768 * 32768;

/**
 * Turns a stream of mono s16le PCM (chunks of any size, even split mid-sample) into the mean-square
 * power of each `frameMs` frame, relative to full scale (1 = a full-scale square wave). A trailing
 * partial frame counts as a frame of its own.
 *
 * @example
 * const meter = new EnergyMeter(8000);
 * meter.push(chunk); // from ffmpeg's stdout
 * const envelope = meter.finish(); // { frameMs: 10, power: Float32Array }
 */
export class EnergyMeter {
	readonly frameMs: number;
	readonly #samplesPerFrame: number;
	#power = new Float32Array(1024);
	#frames = 0;
	#sum = 0;
	#count = 0;
	#carry: number | null = null;

	constructor(sampleRate: number, frameMs = 10) {
		const samples = (sampleRate * frameMs) / 1000;
		if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`${frameMs} ms is not a whole number of samples at ${sampleRate} Hz`);
		this.frameMs = frameMs;
		this.#samplesPerFrame = samples;
	}

	push(chunk: Uint8Array): void {
		let offset = 0;
		if (this.#carry !== null && chunk.length > 0) {
			this.#add(((chunk[0] << 24) >> 16) | this.#carry);
			this.#carry = null;
			offset = 1;
		}
		const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		for (; offset + 1 < chunk.length; offset += 2) this.#add(view.getInt16(offset, true));
		if (offset < chunk.length) this.#carry = chunk[offset];
	}

	finish(): Envelope {
		if (this.#count > 0) this.#flush();
		return { frameMs: this.frameMs, power: this.#power.subarray(0, this.#frames) };
	}

	#add(sample: number) {
		this.#sum += sample * sample;
		if (++this.#count === this.#samplesPerFrame) this.#flush();
	}

	#flush() {
		if (this.#frames === this.#power.length) {
			const grown = new Float32Array(this.#power.length * 2);
			grown.set(this.#power);
			this.#power = grown;
		}
		this.#power[this.#frames++] = this.#sum / this.#count / FULL_SCALE_SQUARED;
		this.#sum = 0;
		this.#count = 0;
	}
}
