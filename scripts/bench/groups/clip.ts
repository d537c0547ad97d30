import { rmSync } from 'node:fs';
import http from 'node:http';
import { benchRecording } from '../lib/fixtures.ts';
import type { BenchGroup } from '../lib/group.ts';
import { timedGet } from '../lib/http.ts';
import { startServerChild } from '../lib/server.ts';
import { median, percentile, round } from '../lib/stats.ts';

const HOUR_MS = 3_600_000;
const TOTAL_MS = 10 * HOUR_MS;
const CLIP_MS = 30_000;
const SPREAD = 20;
const PER_END_HOUR = 10;

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

/**
 * Clip starts, all distinct (so every request is a cache miss): 20 spread over the whole recording,
 * plus 10 in the first and 10 in the last hour for the late/early comparison, interleaved so a slow
 * phase of the machine does not land on one side only.
 */
function clipStarts(seed: number): { startMs: number; spread: boolean }[] {
	const random = prng(seed);
	const jitter = () => Math.floor(random() * 5_000);
	const spread = Array.from({ length: SPREAD }, (_, i) => ({
		startMs: Math.min(TOTAL_MS - CLIP_MS, Math.round((i * (TOTAL_MS - CLIP_MS - 5_000)) / (SPREAD - 1)) + jitter()),
		spread: true
	}));
	const ends: { startMs: number; spread: boolean }[] = [];
	for (let i = 0; i < PER_END_HOUR; i++) {
		ends.push({ startMs: Math.floor(random() * (HOUR_MS - CLIP_MS)), spread: false });
		ends.push({ startMs: TOTAL_MS - HOUR_MS + Math.floor(random() * (HOUR_MS - CLIP_MS)), spread: false });
	}
	const all = [...spread, ...ends];
	for (let i = all.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[all[i], all[j]] = [all[j], all[i]];
	}
	const seen = new Set<number>();
	return all.filter((c) => !seen.has(c.startMs) && seen.add(c.startMs));
}

/**
 * Clips (issue 2): 30-s clips of the 10-h recording through GET /api/recordings/:id/clip of the real
 * server (child process, 127.0.0.1), one request at a time, every one a cache miss. The headline
 * figures are for the route's default format (wav); opus clips at other positions are reported beside.
 */
export const clipGroup: BenchGroup = {
	name: 'clip',
	title: '30-s clips anywhere in a 10-h recording (real HTTP route, cold cache)',
	async run(ctx) {
		const { ws, recordingId } = await benchRecording(ctx, 10);
		// Cold means cold, also in a kept workspace (FANGYAN_BENCH_WORKSPACE) that ran this group before.
		rmSync(ws.deps.storage.clipCacheDir(recordingId), { recursive: true, force: true });
		const server = await startServerChild({ dataDir: ws.dataDir });
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const notes: string[] = [];
		try {
			const get = async (startMs: number, format: string) => {
				const url = `${server.url}/api/recordings/${recordingId}/clip?start=${startMs}&end=${startMs + CLIP_MS}&format=${format}`;
				const res = await timedGet(agent, url, ws.cookie);
				if (res.status !== 200) throw new Error(`GET clip ${startMs} ${format} → ${res.status}`);
				return res;
			};
			// Warm-up: the server's first request and first ffmpeg spawn (not counted; its position is not reused).
			await get(1_234, 'wav');
			await get(2_345, 'opus');

			const results: Record<string, { startMs: number; spread: boolean; s: number }[]> = { wav: [], opus: [] };
			for (const [format, seed] of [['wav', 1], ['opus', 2]] as const) {
				for (const clip of clipStarts(seed)) {
					const res = await get(clip.startMs, format);
					results[format].push({ ...clip, s: res.ms / 1000 });
				}
			}
			const summary = (format: 'wav' | 'opus') => {
				const all = results[format];
				const early = all.filter((c) => c.startMs < HOUR_MS).map((c) => c.s);
				const late = all.filter((c) => c.startMs >= TOTAL_MS - HOUR_MS).map((c) => c.s);
				return {
					p95: percentile(all.map((c) => c.s), 95),
					p50: median(all.map((c) => c.s)),
					max: Math.max(...all.map((c) => c.s)),
					lateEarly: median(late) / median(early),
					early,
					late,
					n: all.length
				};
			};
			const wav = summary('wav');
			const opus = summary('opus');
			for (const [format, s] of [['wav', wav], ['opus', opus]] as const) {
				notes.push(
					`${format}: ${s.n} clips, p50 ${(s.p50 * 1000).toFixed(0)} ms, p95 ${(s.p95 * 1000).toFixed(0)} ms, max ${(s.max * 1000).toFixed(0)} ms; ` +
						`first hour median ${(median(s.early) * 1000).toFixed(0)} ms (n=${s.early.length}), last hour ${(median(s.late) * 1000).toFixed(0)} ms (n=${s.late.length})`
				);
			}
			return {
				figures: {
					clip_p95_s_10h: round(wav.p95, 3),
					clip_late_early_ratio: round(wav.lateEarly, 3),
					clip_p50_s_10h: round(wav.p50, 3),
					clip_p95_s_10h_opus: round(opus.p95, 3),
					clip_late_early_ratio_opus: round(opus.lateEarly, 3)
				},
				notes
			};
		} finally {
			agent.destroy();
			await server.stop();
		}
	}
};
