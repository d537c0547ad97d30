import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, CDPSession } from 'playwright-core';
import { newId, nowIso } from '../../../server/lib/ids.ts';
import { longAudioPath } from '../../build-long-audio.ts';
import {
	ensureAppBuilt,
	launchChromium,
	snapshotBuild,
	signedInContext,
	timeToFirstWaveform,
	VIEWPORT,
	FIRST_WAVEFORM_SCRIPT
} from '../lib/browser.ts';
import { benchRecording, ensureBenchAudio } from '../lib/fixtures.ts';
import type { BenchGroup, GroupContext } from '../lib/group.ts';
import { startServerChild, type ServerChild } from '../lib/server.ts';
import { startStaticServer } from '../lib/static-server.ts';
import { median, round } from '../lib/stats.ts';
import type { Workspace } from '../lib/workspace.ts';
import { bestLag, decodeReference } from '../lib/xcorr.ts';

const TTFW_RUNS = 3;
const SEEK_RATE = 48_000;
const SEEK_TRIES = 3;
const FRAME_ROUNDS = 3;
const MB = 1024 * 1024;

type Figures = Record<string, number>;

/**
 * Time to first waveform of a recording, two ways, each run in a fresh context (cold HTTP cache):
 * `open` — the app is up on the project page and the user opens the recording (its link clicked),
 * from the click to wavesurfer's first painted pixel: the waveform's own path (recording, project
 * and peaks requests, parse, draw); `cold` — a full page load of /recordings/<id>, from navigation
 * start, which adds booting the app itself.
 */
async function ourTtfw(browser: Browser, server: ServerChild, ws: Workspace, recordingId: string) {
	const open: number[] = [];
	const cold: number[] = [];
	const peaks: PeaksTiming[] = [];
	for (let i = 0; i < TTFW_RUNS; i++) {
		const coldContext = await signedInContext(browser, server.url, ws.cookie);
		try {
			cold.push(await timeToFirstWaveform(await coldContext.newPage(), `${server.url}/recordings/${recordingId}`));
		} finally {
			await coldContext.close();
		}
		const context = await signedInContext(browser, server.url, ws.cookie);
		try {
			const page = await context.newPage();
			await page.addInitScript(FIRST_WAVEFORM_SCRIPT);
			await page.goto(`${server.url}/projects/bench`, { waitUntil: 'load' });
			const link = `a[href="/recordings/${recordingId}"]`;
			await page.waitForSelector(link, { timeout: 30_000 });
			// A script click: no hover, so SvelteKit's preload-on-hover does not start the work early.
			const run = (await page.evaluate(`new Promise((resolve, reject) => {
				const t0 = performance.now();
				document.querySelector('${link}').click();
				const poll = () => {
					if (window.__firstWaveformMs) {
						const peaks = performance.getEntriesByType('resource').find((e) => e.name.includes('/peaks'));
						resolve({
							ms: window.__firstWaveformMs - t0,
							peaks: peaks && { startMs: peaks.startTime - t0, endMs: peaks.responseEnd - t0, bytes: peaks.encodedBodySize }
						});
					} else if (performance.now() - t0 > 60000) reject(new Error('no waveform within 60 s of opening'));
					else setTimeout(poll, 5);
				};
				poll();
			})`)) as { ms: number; peaks?: PeaksTiming };
			open.push(run.ms);
			if (run.peaks) peaks.push(run.peaks);
		} finally {
			await context.close();
		}
	}
	return { open, cold, peaks };
}

/** The peaks request as Resource Timing saw it, in ms after the click that opened the recording. */
interface PeaksTiming {
	startMs: number;
	endMs: number;
	bytes: number;
}

function describePeaks(label: string, t: { open: number[]; peaks: PeaksTiming[] }): string {
	if (t.peaks.length === 0) return `${label}: no peaks request seen`;
	const end = median(t.peaks.map((p) => p.endMs));
	return (
		`${label}: peaks ${(t.peaks[0].bytes / 1024 / 1024).toFixed(2)} MB requested at ${median(t.peaks.map((p) => p.startMs)).toFixed(0)} ms, ` +
		`received by ${end.toFixed(0)} ms, first paint ${(median(t.open) - end).toFixed(0)} ms after that`
	);
}

/**
 * wavesurfer's own path for the same 1-h file: a standalone page that gives it only the URL, so it
 * fetches the whole file and decodes it with decodeAudioData before drawing.
 */
async function decodePathTtfw(browser: Browser, file: string): Promise<number> {
	const wavesurfer = path.join(process.cwd(), 'node_modules', 'wavesurfer.js', 'dist', 'wavesurfer.esm.js');
	const site = await startStaticServer({
		'/': {
			type: 'text/html',
			body: `<!doctype html><meta charset="utf-8"><div id="wave" style="width:${VIEWPORT.width - 40}px"></div>
<script type="module">
import WaveSurfer from '/wavesurfer.esm.js';
WaveSurfer.create({ container: '#wave', url: '/audio${path.extname(file)}', height: 128 });
</script>`
		},
		'/wavesurfer.esm.js': { type: 'text/javascript', body: readFileSync(wavesurfer, 'utf8') },
		[`/audio${path.extname(file)}`]: { type: 'audio/mpeg', file }
	});
	const context = await browser.newContext({ viewport: VIEWPORT });
	try {
		const page = await context.newPage();
		return await timeToFirstWaveform(page, `${site.url}/`, 300_000);
	} finally {
		await context.close();
		await site.close();
	}
}

/** The in-page half of the seek measurement (a string: evaluated in Chromium as it is). */
const SEEK_PAGE = (audioUrl: string) => `<!doctype html><meta charset="utf-8">
<audio id="a" preload="metadata" src="${audioUrl}"></audio>
<script>
const audio = document.getElementById('a');
let ctx = null;
let chunks = null;
async function setup() {
	if (ctx) return;
	ctx = new AudioContext({ sampleRate: ${SEEK_RATE} });
	const source = ctx.createMediaElementSource(audio);
	const proc = ctx.createScriptProcessor(4096, 1, 1);
	proc.onaudioprocess = (e) => { if (chunks) chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
	source.connect(proc);
	proc.connect(ctx.destination);
	await ctx.resume();
}
// Seeks to t, plays, and returns captureS seconds of what the element played, from its first sample.
window.__seekCapture = async (t, captureS) => {
	await setup();
	if (audio.readyState < 1) await new Promise((r) => audio.addEventListener('loadedmetadata', r, { once: true }));
	audio.pause();
	chunks = null;
	await new Promise((r) => { audio.addEventListener('seeked', r, { once: true }); audio.currentTime = t; });
	chunks = [];
	await audio.play();
	const need = Math.round(captureS * ${SEEK_RATE});
	const started = performance.now();
	let all = new Float32Array(0);
	let first = -1;
	while (true) {
		await new Promise((r) => setTimeout(r, 50));
		const total = chunks.reduce((n, c) => n + c.length, 0);
		if (total !== all.length) {
			all = new Float32Array(total);
			let at = 0;
			for (const c of chunks) { all.set(c, at); at += c.length; }
			first = all.findIndex((v) => Math.abs(v) > 1e-6);
		}
		if (first >= 0 && all.length - first >= need) break;
		if (performance.now() - started > 30000) throw new Error('no audio captured after 30 s');
	}
	audio.pause();
	chunks = null;
	return { duration: audio.duration, currentTime: t, samples: Array.from(all.subarray(first, first + need)) };
};
</script>`;

/**
 * Seek accuracy (performance.md §4.2): in Chromium, set currentTime on an <audio> playing the
 * served rendition (the real /audio route, with Range), capture what it plays through Web Audio,
 * and find by cross-correlation where in the rendition (decoded exactly by ffmpeg) that audio is.
 */
export async function seekErrors(
	ctx: GroupContext,
	browser: Browser,
	server: ServerChild,
	ws: Workspace,
	recordingId: string
): Promise<{ targetS: number; errorMs: number; score: number }[]> {
	const rendition = ws.deps.storage.playbackPath(recordingId);
	const context = await signedInContext(browser, server.url, ws.cookie);
	const results: { targetS: number; errorMs: number; score: number }[] = [];
	try {
		const page = await context.newPage();
		// Served on the app's origin, so the media element is same-origin and Web Audio may read it.
		await page.route(`${server.url}/__bench/seek`, (route) =>
			route.fulfill({ contentType: 'text/html', body: SEEK_PAGE(`/api/recordings/${recordingId}/audio`) })
		);
		await page.goto(`${server.url}/__bench/seek`);
		const durationS = (await page.evaluate(
			'new Promise((r) => { const a = document.getElementById("a"); if (a.readyState >= 1) r(a.duration); else a.addEventListener("loadedmetadata", () => r(a.duration), { once: true }); })'
		)) as number;
		const SKIP_S = 0.1;
		const MATCH_S = 1.0;
		const WINDOW_S = 1.0;
		const targets = [0.1, 0.5, 0.9].map((fraction) => Math.round(durationS * fraction) + 0.0537);
		const references = new Map<number, Float32Array>();
		// Each target is sought SEEK_TRIES times, round-robin (a capture starved of CPU can glitch; the
		// report keeps every value).
		for (let attempt = 0; attempt < SEEK_TRIES; attempt++) {
			for (const targetS of targets) {
				const captured = (await page.evaluate(`window.__seekCapture(${targetS}, ${SKIP_S + MATCH_S + 0.2})`)) as { samples: number[] };
				const needle = Float32Array.from(captured.samples.slice(Math.round(SKIP_S * SEEK_RATE), Math.round((SKIP_S + MATCH_S) * SEEK_RATE)));
				const fromS = targetS + SKIP_S - WINDOW_S;
				let reference = references.get(targetS);
				if (!reference) {
					reference = await decodeReference(ctx.media.ffmpeg, rendition, { fromS, durationS: MATCH_S + 2 * WINDOW_S, sampleRate: SEEK_RATE });
					references.set(targetS, reference);
				}
				const { lag, score } = bestLag(needle, reference);
				// The needle starts SKIP_S after the landing point; it was found at fromS + lag.
				const landedS = fromS + lag / SEEK_RATE - SKIP_S;
				results.push({ targetS, errorMs: (landedS - targetS) * 1000, score });
			}
		}
	} finally {
		await context.close();
	}
	return results;
}

/** The segment-layer figures, from window.__fangyanBench on /dev/segment-layer. */
async function editorFigures(browser: Browser, server: ServerChild, ws: Workspace, notes: string[]): Promise<Figures> {
	const context = await signedInContext(browser, server.url, ws.cookie);
	try {
		const page = await context.newPage();
		await page.goto(`${server.url}/dev/segment-layer?n=0&hours=2&pxps=50`);
		await page.waitForFunction('window.__fangyanBench', undefined, { timeout: 30_000 });
		type Summary = { p50: number; p95: number; max: number; mean: number };
		type Frames = { frameMs: Summary; scriptMs: Summary; drawMs: Summary; longestTaskMs?: number };
		type Build = { workMs?: number; totalMs?: number; untilPaintedMs?: number; untilNextFrameMs?: number; longestTaskMs: number; loadMs: number; paintMs: number };
		const call = <T>(expr: string) => page.evaluate(`window.__fangyanBench.${expr}`) as Promise<T>;
		// The harness is young and its field names move; read both spellings.
		const buildMs = (b: Build) => b.workMs ?? b.totalMs ?? Number.NaN;
		const paintedMs = (b: Build) => b.untilPaintedMs ?? b.untilNextFrameMs ?? Number.NaN;

		// A warm-up build (JIT), then the measured one.
		await call('build(10000, 2)');
		await call('build(0, 2)');
		const build = await call<Build>('build(10000, 2)');

		// Scroll and zoom with 10,000 segments against the same with none, alternated over rounds so
		// both sides see the same machine; the ratio of each round, median over rounds.
		const rounds: { scroll0: Frames; zoom0: Frames; scroll: Frames; zoom: Frames }[] = [];
		for (let r = 0; r < FRAME_ROUNDS; r++) {
			await call('build(0, 2)');
			await call('setViewport({ startMs: 1800000, pxPerSec: 50 })');
			const scroll0 = await call<Frames>('scroll(120, 60)');
			const zoom0 = await call<Frames>('zoom(120, 1.05)');
			await call('build(10000, 2)');
			await call('setViewport({ startMs: 1800000, pxPerSec: 50 })');
			const scroll = await call<Frames>('scroll(120, 60)');
			const zoom = await call<Frames>('zoom(120, 1.05)');
			rounds.push({ scroll0, zoom0, scroll, zoom });
		}
		const scrollRatios = rounds.map((r) => r.scroll.frameMs.p95 / r.scroll0.frameMs.p95);
		const zoomRatios = rounds.map((r) => r.zoom.frameMs.p95 / r.zoom0.frameMs.p95);
		const scrollRatio = median(scrollRatios);
		const zoomRatio = median(zoomRatios);
		const scroll = rounds[0].scroll;
		const zoom = rounds[0].zoom;
		await call('setViewport({ startMs: 1800000, pxPerSec: 50 })');
		const tick = await call<{ frameWorkMs: Summary; perTickMs?: number; redraws?: number; changes?: number }>('tick(1800000, 600)');
		const edits: Record<string, number[]> = { move: [], resize: [], text: [] };
		for (let i = 0; i < 5; i++) {
			for (const kind of Object.keys(edits)) edits[kind].push((await call<{ ms: number }>(`editOne('${kind}')`)).ms);
		}
		const editMedians = Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, median(v)]));
		const longest = Math.max(build.longestTaskMs, ...rounds.flatMap((r) => [r.scroll.longestTaskMs ?? 0, r.zoom.longestTaskMs ?? 0]));
		notes.push(
			`segment layer (dev/segment-layer, 2 h, 50 px/s): build 10k ${buildMs(build).toFixed(1)} ms of work (store ${build.loadMs.toFixed(1)}, paint ${build.paintMs.toFixed(1)}), ` +
				`${paintedMs(build).toFixed(1)} ms until painted; longest task ${longest.toFixed(0)} ms during build/scroll/zoom (the Long Tasks API reports ≥ 50 ms only)`,
			`frame p95 with 10,000 ÷ with none, per round: scroll ${scrollRatios.map((x) => x.toFixed(2)).join(' / ')}, zoom ${zoomRatios.map((x) => x.toFixed(2)).join(' / ')} ` +
				`(round 1: scroll ${scroll.frameMs.p95.toFixed(1)} vs ${rounds[0].scroll0.frameMs.p95.toFixed(1)} ms, zoom ${zoom.frameMs.p95.toFixed(1)} vs ${rounds[0].zoom0.frameMs.p95.toFixed(1)} ms; ` +
				`our script per frame p95: scroll ${scroll.scriptMs.p95.toFixed(2)} ms, zoom ${zoom.scriptMs.p95.toFixed(2)} ms)`,
			`playback tick over 600 frames (timer steps 0.1 ms): work mean ${tick.frameWorkMs.mean.toFixed(4)} ms, p95 ${tick.frameWorkMs.p95.toFixed(1)}, max ${tick.frameWorkMs.max.toFixed(1)} ms` +
				(tick.perTickMs !== undefined ? `, ${tick.perTickMs.toFixed(4)} ms per tick` : ''),
			`edit one segment (median of 5, edit + repaint): ${Object.entries(editMedians).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(', ')}`
		);
		return {
			seg10k_build_ms: round(buildMs(build), 2),
			seg10k_longest_task_ms: round(longest, 1),
			seg10k_scroll_p95_ratio: round(Math.max(scrollRatio, zoomRatio), 3),
			// Chromium's performance.now() has 0.1-ms steps here, so a single tick reads 0 or 0.1: the mean over 600 frames is the figure.
			seg10k_tick_ms: round(tick.frameWorkMs.mean, 4),
			seg10k_edit_ms: round(Math.max(...Object.values(editMedians)), 3)
		};
	} finally {
		await context.close();
	}
}

/** Gives a recording exactly `count` segments, inserted directly (a fixture: no revisions needed). */
async function setSegments(ws: Workspace, recordingId: string, durationMs: number, count: number) {
	await ws.handle.db.deleteFrom('segment').where('recording_id', '=', recordingId).execute();
	const now = nowIso();
	if (count === 0) return;
	const slot = Math.floor(durationMs / count);
	const rows = Array.from({ length: count }, (_, i) => ({
		id: newId(),
		recording_id: recordingId,
		start_ms: i * slot,
		end_ms: i * slot + Math.max(1, Math.floor(slot * 0.8)),
		speaker_id: null,
		dialect_tag_id: null,
		texts: JSON.stringify({ transcript: `第${i}句 今日啲菜好新鮮`, mandarin: `第${i}句 今天的菜很新鲜` }),
		status: 'transcribed',
		version: 1,
		created_by: ws.userId,
		created_at: now,
		updated_by: ws.userId,
		updated_at: now
	}));
	for (let i = 0; i < rows.length; i += 500) await ws.handle.db.insertInto('segment').values(rows.slice(i, i + 500)).execute();
}

interface HeapReading {
	/** V8 heap in use after a forced GC. */
	usedBytes: number;
	/** ArrayBuffer backing stores (peaks and other typed arrays live there, outside the V8 heap). */
	backingBytes: number;
	/** Blink's own objects (DOM), reported apart. */
	embedderBytes: number;
	/** Whether the page asked for the recording's segments at all. */
	loadedSegments: boolean;
}

/** The page's memory after opening /recordings/<id> (first waveform painted, network idle) and a forced GC. */
async function heapAfterOpening(browser: Browser, server: ServerChild, ws: Workspace, recordingId: string): Promise<HeapReading> {
	const context = await signedInContext(browser, server.url, ws.cookie);
	try {
		const page = await context.newPage();
		let loadedSegments = false;
		page.on('request', (req) => {
			if (new URL(req.url()).pathname.endsWith(`/recordings/${recordingId}/segments`)) loadedSegments = true;
		});
		await page.addInitScript(FIRST_WAVEFORM_SCRIPT);
		await page.goto(`${server.url}/recordings/${recordingId}`, { waitUntil: 'load' });
		await page.waitForFunction('window.__firstWaveformMs', undefined, { timeout: 60_000 });
		await page.waitForLoadState('networkidle').catch(() => undefined);
		const cdp: CDPSession = await context.newCDPSession(page);
		await cdp.send('HeapProfiler.collectGarbage');
		const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number; embedderHeapUsedSize?: number };
		return {
			usedBytes: usage.usedSize,
			backingBytes: usage.backingStorageSize ?? 0,
			embedderBytes: usage.embedderHeapUsedSize ?? 0,
			loadedSegments
		};
	} finally {
		await context.close();
	}
}

/**
 * The editor in headless Chromium (issue 3): time to first waveform on the real recording page,
 * against wavesurfer's decode-everything path; seek accuracy of the served rendition; the segment
 * layer's figures from its dev harness; the heap with 10 h and 10,000 segments open.
 */
export const browserGroup: BenchGroup = {
	name: 'browser',
	title: 'Editor in headless Chromium: first waveform, seek accuracy, 10,000 segments, heap',
	async run(ctx) {
		const notes: string[] = [];
		const figures: Figures = {};
		ensureAppBuilt(ctx.log);
		const staticDir = snapshotBuild();
		await ensureBenchAudio(ctx);
		const one = await benchRecording(ctx, 1);
		const two = await benchRecording(ctx, 2);
		const ten = await benchRecording(ctx, 10);
		const ws = one.ws;
		// First waveform is compared across lengths with no segments anywhere (a kept workspace may hold some).
		for (const r of [one, two, ten]) await setSegments(ws, r.recordingId, 0, 0);
		const server = await startServerChild({ dataDir: ws.dataDir, env: { BENCH_STATIC_DIR: staticDir } });
		const browser = await launchChromium();
		const attempt = async (what: string, fn: () => Promise<void>) => {
			try {
				await fn();
			} catch (err) {
				const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
				notes.push(`NOT MEASURED ${what}: ${message}`);
				ctx.log(`${what} failed: ${message}`);
			}
		};
		try {
			await attempt('time to first waveform', async () => {
				ctx.log('browser: time to first waveform (1 h, 2 h, 10 h)…');
				const t1 = await ourTtfw(browser, server, ws, one.recordingId);
				const t2 = await ourTtfw(browser, server, ws, two.recordingId);
				const t10 = await ourTtfw(browser, server, ws, ten.recordingId);
				figures.ttfw_s_2h = round(median(t2.open) / 1000, 3);
				figures.ttfw_ratio_10h_1h = round(median(t10.open) / median(t1.open), 3);
				figures.ttfw_ms_1h = round(median(t1.open), 1);
				figures.ttfw_ms_10h = round(median(t10.open), 1);
				figures.ttfw_cold_load_s_2h = round(median(t2.cold) / 1000, 3);
				const runs = (xs: number[]) => xs.map((t) => t.toFixed(0)).join('/');
				notes.push(
					`first waveform, opening the recording from its project page (click → first painted pixel): 1 h ${runs(t1.open)} ms, 2 h ${runs(t2.open)} ms, 10 h ${runs(t10.open)} ms`,
					`first waveform, cold full page load of /recordings/<id> (navigation start → first painted pixel): 1 h ${runs(t1.cold)} ms, 2 h ${runs(t2.cold)} ms, 10 h ${runs(t10.cold)} ms`
				);
				notes.push(`where the open time goes (medians): ${[describePeaks('1 h', t1), describePeaks('2 h', t2), describePeaks('10 h', t10)].join('; ')}`);
				ctx.log("browser: wavesurfer's decode path on the 1-h file…");
				const decode = await decodePathTtfw(browser, longAudioPath(1));
				figures.ttfw_vs_decode_ratio_1h = round(median(t1.open) / decode, 4);
				figures.ttfw_decode_ms_1h = round(decode, 0);
				notes.push(
					`wavesurfer url-only (fetch + decodeAudioData of the same 1-h MP3, standalone page, navigation start → first painted pixel): ${decode.toFixed(0)} ms; ` +
						`cold full load of ours ÷ that: ${(median(t1.cold) / decode).toFixed(3)}`
				);
			});

			await attempt('seek accuracy', async () => {
				ctx.log('browser: seek accuracy at 10/50/90% of 1 h…');
				const seeks = await seekErrors(ctx, browser, server, ws, one.recordingId);
				const byTarget = new Map<number, number[]>();
				for (const s of seeks) byTarget.set(s.targetS, [...(byTarget.get(s.targetS) ?? []), s.errorMs]);
				figures.seek_error_ms_max = round(Math.max(...[...byTarget.values()].map((errors) => Math.abs(median(errors)))), 2);
				figures.seek_error_ms_worst_try = round(Math.max(...seeks.map((s) => Math.abs(s.errorMs))), 2);
				notes.push(
					`seek landing error on the served Ogg Opus rendition (median of ${SEEK_TRIES} tries per target; every try listed): ` +
						[...byTarget.entries()]
							.map(([t, errors]) => `${t.toFixed(2)} s → ${errors.map((e) => `${e >= 0 ? '+' : ''}${e.toFixed(2)}`).join(' / ')} ms`)
							.join(', ') +
						`; correlation ≥ ${Math.min(...seeks.map((s) => s.score)).toFixed(2)}`
				);
			});

			await attempt('segment layer (dev/segment-layer)', async () => {
				ctx.log('browser: segment layer with 10,000 segments…');
				Object.assign(figures, await editorFigures(browser, server, ws, notes));
			});

			await attempt('heap', async () => {
				ctx.log('browser: heap with 10 h and 10,000 segments…');
				await setSegments(ws, ten.recordingId, 36_000_000, 0);
				const before = await heapAfterOpening(browser, server, ws, ten.recordingId);
				await setSegments(ws, ten.recordingId, 36_000_000, 10_000);
				const after = await heapAfterOpening(browser, server, ws, ten.recordingId);
				const withSegments = await ourTtfw(browser, server, ws, ten.recordingId);
				figures.ttfw_ms_10h_10k = round(median(withSegments.open), 1);
				notes.push(`first waveform of the 10-h recording with 10,000 segments (open from the project page): ${withSegments.open.map((t) => t.toFixed(0)).join('/')} ms; ${describePeaks('peaks', withSegments)}`);
				const js = (h: HeapReading) => (h.usedBytes + h.backingBytes) / MB;
				figures.heap_mb_10h_10k = round(js(after), 1);
				figures.heap_mb_10h_0 = round(js(before), 1);
				notes.push(
					`memory after GC on /recordings/<10 h> (V8 heap + ArrayBuffers; DOM apart): no segments ${(before.usedBytes / MB).toFixed(1)} + ${(before.backingBytes / MB).toFixed(1)} MB ` +
						`(DOM ${(before.embedderBytes / MB).toFixed(1)}), 10,000 segments ${(after.usedBytes / MB).toFixed(1)} + ${(after.backingBytes / MB).toFixed(1)} MB (DOM ${(after.embedderBytes / MB).toFixed(1)})`
				);
				if (!after.loadedSegments) {
					notes.push('NOTE: the recording page did not request the segments (…/segments): the editor is not on /recordings/<id> yet, so heap_mb_10h_10k holds no segments');
				}
			});
		} finally {
			await browser.close();
			await server.stop();
			rmSync(staticDir, { recursive: true, force: true });
		}
		return { figures, notes };
	}
};
