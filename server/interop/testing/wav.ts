import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { MediaTools } from '../../media/ffmpeg.ts';

/** The PCM data chunk and format of a WAV file, read by hand (not by the code under test). */
export function wavData(file: string): { data: Buffer; channels: number; rate: number; bits: number } {
	const b = readFileSync(file);
	let at = 12;
	let fmt = { channels: 0, rate: 0, bits: 0 };
	while (at + 8 <= b.length) {
		const id = b.toString('ascii', at, at + 4);
		const size = b.readUInt32LE(at + 4);
		if (id === 'fmt ') fmt = { channels: b.readUInt16LE(at + 10), rate: b.readUInt32LE(at + 12), bits: b.readUInt16LE(at + 22) };
		if (id === 'data') return { data: b.subarray(at + 8, at + 8 + size), ...fmt };
		at += 8 + size + (size % 2);
	}
	throw new Error(`${file}: no data chunk`);
}

/** The sample count ffprobe reports for a file's first audio stream (`duration_ts`). */
export function probeSamples(media: Pick<MediaTools, 'ffprobe'>, file: string): number {
	const r = spawnSync(media.ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration_ts,sample_rate', '-of', 'json', file], { encoding: 'utf8' });
	const stream = (JSON.parse(r.stdout) as { streams: { duration_ts: number }[] }).streams[0];
	return Number(stream.duration_ts);
}
