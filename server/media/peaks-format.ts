/**
 * The FYPK waveform peaks format (little-endian), shared by the server and the browser: no Node
 * imports here, so `src/` can import it.
 *
 *   0  char[4] "FYPK"   4 uint16 version=1   6 uint16 levelCount   8 uint32 sampleRate   12 uint32 durationMs
 *   16 levelCount × { uint32 samplesPerPeak, uint32 peakCount, uint32 byteOffset }
 *   then the levels' data, peakCount pairs of int8 (min, max) each, full scale = 127. The table lists
 *   levels finest first; the data is stored coarsest first, so a streaming reader can draw early
 *   (readPeaksProgressively). Readers go by byteOffset, never by position.
 */

export const PEAKS_MAGIC = 'FYPK';
export const PEAKS_VERSION = 1;
/** The finest level has about this many peaks per second of audio. */
export const PEAKS_PER_SECOND = 100;
/** Each coarser level merges this many peaks of the level before it. */
export const PEAKS_LEVEL_FACTOR = 4;
/** Coarser levels are added until one has fewer peaks than this. */
export const PEAKS_COARSEST_MAX = 2000;
export const PEAKS_HEADER_SIZE = 16;
export const PEAKS_LEVEL_ENTRY_SIZE = 12;

export interface PeaksLevel {
	samplesPerPeak: number;
	peakCount: number;
	/** Interleaved min, max pairs: `data[2 * i]` is the minimum of peak i, `data[2 * i + 1]` its maximum. */
	data: Int8Array;
}

export interface Peaks {
	version: number;
	sampleRate: number;
	durationMs: number;
	/** Finest first. */
	levels: PeaksLevel[];
}

export class PeaksFormatError extends Error {
	constructor(message: string) {
		super(`invalid peaks data: ${message}`);
		this.name = 'PeaksFormatError';
	}
}

/** samplesPerPeak of the finest level: round(sampleRate / 100), at least 1. */
export function fineSamplesPerPeak(sampleRate: number): number {
	return Math.max(1, Math.round(sampleRate / PEAKS_PER_SECOND));
}

/** Peak counts of every level for a given finest-level count: 4× coarser each until one is below ~2000. */
export function levelPeakCounts(finePeakCount: number): number[] {
	const counts = [finePeakCount];
	while (counts.at(-1)! >= PEAKS_COARSEST_MAX) {
		counts.push(Math.ceil(counts.at(-1)! / PEAKS_LEVEL_FACTOR));
	}
	return counts;
}

/** A 16-bit sample as an int8 peak value (full scale 127); monotonic, so min/max commute with it. */
export function quantizeSample(sample: number): number {
	const q = Math.round((sample * 127) / 32767);
	return q < -128 ? -128 : q > 127 ? 127 : q;
}

/**
 * Header + level table for the given levels (listed finest first). The level data follows it
 * stored coarsest first: a reader streaming the file can draw the whole recording after the first
 * few kilobytes, however long the recording, and the fine level comes last.
 */
export function encodePeaksHeader(header: {
	sampleRate: number;
	durationMs: number;
	levels: { samplesPerPeak: number; peakCount: number }[];
}): Uint8Array {
	const size = PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * header.levels.length;
	const bytes = new Uint8Array(size);
	const view = new DataView(bytes.buffer);
	for (let i = 0; i < 4; i++) bytes[i] = PEAKS_MAGIC.charCodeAt(i);
	view.setUint16(4, PEAKS_VERSION, true);
	view.setUint16(6, header.levels.length, true);
	view.setUint32(8, header.sampleRate, true);
	view.setUint32(12, header.durationMs, true);
	let offset = size;
	for (let i = header.levels.length - 1; i >= 0; i--) {
		const level = header.levels[i]!;
		const at = PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * i;
		view.setUint32(at, level.samplesPerPeak, true);
		view.setUint32(at + 4, level.peakCount, true);
		view.setUint32(at + 8, offset, true);
		offset += level.peakCount * 2;
	}
	return bytes;
}

/**
 * Reads a FYPK file. Level data are views into `input` (no copy).
 *
 * @example
 * const peaks = parsePeaks(await (await fetch(`/api/recordings/${id}/peaks`)).arrayBuffer());
 * const fine = peaks.levels[0]; // ~100 peaks per second
 */
export function parsePeaks(input: ArrayBuffer | Uint8Array): Peaks {
	const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
	if (bytes.byteLength < PEAKS_HEADER_SIZE) throw new PeaksFormatError('shorter than the header');
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
	if (magic !== PEAKS_MAGIC) throw new PeaksFormatError(`magic is ${JSON.stringify(magic)}, not "FYPK"`);
	const version = view.getUint16(4, true);
	if (version !== PEAKS_VERSION) throw new PeaksFormatError(`unsupported version ${version}`);
	const levelCount = view.getUint16(6, true);
	const tableEnd = PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * levelCount;
	if (levelCount === 0 || bytes.byteLength < tableEnd) throw new PeaksFormatError('bad level table');
	const levels: PeaksLevel[] = [];
	for (let i = 0; i < levelCount; i++) {
		const at = PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * i;
		const samplesPerPeak = view.getUint32(at, true);
		const peakCount = view.getUint32(at + 4, true);
		const byteOffset = view.getUint32(at + 8, true);
		if (byteOffset < tableEnd || byteOffset + peakCount * 2 > bytes.byteLength) {
			throw new PeaksFormatError(`level ${i} lies outside the data`);
		}
		levels.push({
			samplesPerPeak,
			peakCount,
			data: new Int8Array(bytes.buffer, bytes.byteOffset + byteOffset, peakCount * 2)
		});
	}
	return { version, sampleRate: view.getUint32(8, true), durationMs: view.getUint32(12, true), levels };
}

/**
 * The coarsest level that still has at least one peak per pixel at `pixelsPerSecond`
 * (falls back to the finest level when zoomed in beyond it).
 */
export function pickPeaksLevel(peaks: Peaks, pixelsPerSecond: number): PeaksLevel {
	let chosen = peaks.levels[0]!;
	for (const level of peaks.levels) {
		if (peaks.sampleRate / level.samplesPerPeak >= pixelsPerSecond) chosen = level;
	}
	return chosen;
}

/**
 * A level as floats in −1..1, min/max interleaved as stored: the shape wavesurfer.js takes as one
 * channel of `peaks` (it draws each pixel from the extremes of the values under it).
 *
 * @example
 * const level = pickPeaksLevel(peaks, 100);
 * wavesurfer.load(audioUrl, [peaksToFloat32(level)], peaks.durationMs / 1000);
 */
export function peaksToFloat32(level: PeaksLevel): Float32Array {
	const out = new Float32Array(level.data.length);
	for (let i = 0; i < out.length; i++) out[i] = level.data[i]! / 127;
	return out;
}

/**
 * Reads a FYPK stream and resolves `first` as soon as the coarsest level with at least
 * `minPeaks` peaks (and every coarser one) has arrived — a few kilobytes whatever the recording's
 * length, since the data is stored coarsest first — and `complete` with the whole file.
 * `first` holds only the levels received so far (still finest first), which pickPeaksLevel accepts.
 *
 * @example
 * const { first, complete } = await readPeaksProgressively((await fetch(url)).body!);
 * draw(first); complete.then(draw);
 */
export async function readPeaksProgressively(
	body: ReadableStream<Uint8Array>,
	options: { minPeaks?: number; sizeHint?: number } = {}
): Promise<{ first: Peaks; complete: Promise<Peaks> }> {
	const minPeaks = options.minPeaks ?? 4096;
	const reader = body.getReader();
	let buffer = new Uint8Array(options.sizeHint && options.sizeHint > 0 ? options.sizeHint : 64 * 1024);
	let received = 0;

	const append = (chunk: Uint8Array) => {
		if (received + chunk.byteLength > buffer.byteLength) {
			const grown = new Uint8Array(Math.max(buffer.byteLength * 2, received + chunk.byteLength));
			grown.set(buffer.subarray(0, received));
			buffer = grown;
		}
		buffer.set(chunk, received);
		received += chunk.byteLength;
	};

	// Until the table is in, we do not know what "enough" is.
	let needed = Infinity;
	let table: { levels: { samplesPerPeak: number; peakCount: number; byteOffset: number }[]; sampleRate: number; durationMs: number; target: number } | null = null;
	const readTable = () => {
		if (received < PEAKS_HEADER_SIZE) return;
		const head = parsePeaksTable(buffer.subarray(0, received));
		if (!head) return;
		let target = 0;
		head.levels.forEach((level, i) => {
			if (level.peakCount >= minPeaks) target = i;
		});
		table = { ...head, target };
		needed = Math.max(...head.levels.slice(target).map((l) => l.byteOffset + l.peakCount * 2));
	};

	for (;;) {
		if (table === null) readTable();
		if (received >= needed) break;
		const { done, value } = await reader.read();
		if (done) break;
		append(value);
	}

	const rest = (async () => {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			append(value);
		}
		return parsePeaks(buffer.subarray(0, received));
	})();

	if (!table || received < needed) {
		const whole = await rest;
		return { first: whole, complete: Promise.resolve(whole) };
	}
	const t = table as NonNullable<typeof table>;
	// Copies of the first levels (a few kilobytes): the buffer keeps growing under them.
	const first: Peaks = {
		version: PEAKS_VERSION,
		sampleRate: t.sampleRate,
		durationMs: t.durationMs,
		levels: t.levels.slice(t.target).map((level) => ({
			samplesPerPeak: level.samplesPerPeak,
			peakCount: level.peakCount,
			data: new Int8Array(buffer.buffer.slice(level.byteOffset, level.byteOffset + level.peakCount * 2))
		}))
	};
	return { first, complete: rest };
}

/** The header and level table, or null while fewer bytes than the table have arrived. */
function parsePeaksTable(bytes: Uint8Array) {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
	if (magic !== PEAKS_MAGIC) throw new PeaksFormatError(`magic is ${JSON.stringify(magic)}, not "FYPK"`);
	const levelCount = view.getUint16(6, true);
	if (levelCount === 0) throw new PeaksFormatError('bad level table');
	if (bytes.byteLength < PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * levelCount) return null;
	const levels = Array.from({ length: levelCount }, (_, i) => {
		const at = PEAKS_HEADER_SIZE + PEAKS_LEVEL_ENTRY_SIZE * i;
		return {
			samplesPerPeak: view.getUint32(at, true),
			peakCount: view.getUint32(at + 4, true),
			byteOffset: view.getUint32(at + 8, true)
		};
	});
	return { levels, sampleRate: view.getUint32(8, true), durationMs: view.getUint32(12, true) };
}
