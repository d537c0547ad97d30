import { describe, expect, it } from 'vitest';
import { EnergyMeter } from './energy.ts';

function pcm(samples: number[]): Buffer {
	const buf = Buffer.alloc(samples.length * 2);
	samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
	return buf;
}

describe(EnergyMeter.name, () => {
	it('gives the mean-square power of each frame relative to full scale', () => {
		const meter = new EnergyMeter(1000, 4); // 4 samples a frame
		meter.push(pcm([0, 0, 0, 0, 16384, -16384, 16384, -16384, -32768, -32768, -32768, -32768]));
		const { frameMs, power } = meter.finish();
		expect(frameMs).toBe(4);
		expect(Array.from(power)).toEqual([0, 0.25, 1]);
	});

	it('reads samples split across chunks at any byte', () => {
		const samples = Array.from({ length: 4000 }, (_, i) => Math.round(20_000 * Math.sin(i / 7)) - (i % 3));
		const whole = new EnergyMeter(8000);
		whole.push(pcm(samples));
		const split = new EnergyMeter(8000);
		const bytes = pcm(samples);
		for (let offset = 0; offset < bytes.length; ) {
			const size = 1 + ((offset * 7) % 13); // odd and even sizes
			split.push(bytes.subarray(offset, offset + size));
			offset += size;
		}
		expect(Array.from(split.finish().power)).toEqual(Array.from(whole.finish().power));
	});

	it('counts a trailing partial frame and grows past its initial capacity', () => {
		const meter = new EnergyMeter(8000); // 80 samples a frame
		meter.push(pcm(new Array(80 * 3000 + 40).fill(-32768)));
		const { power } = meter.finish();
		expect(power.length).toBe(3001);
		expect(power[3000]).toBe(1);
	});

	it('gives an empty envelope for no input', () => {
		expect(new EnergyMeter(8000).finish().power.length).toBe(0);
	});

	it('rejects a frame that is not a whole number of samples', () => {
		expect(() => new EnergyMeter(44_100, 10.01)).toThrow(RangeError);
	});
});
