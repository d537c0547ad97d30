import http from 'node:http';
import { newId, nowIso } from '../../../server/lib/ids.ts';
import { createSegments } from '../../../server/segments/segments.service.ts';
import type { BenchGroup } from '../lib/group.ts';
import { requestJson } from '../lib/http.ts';
import { cpuSecondsOf, pinToCpu, unpin } from '../lib/proc.ts';
import { startServerChild } from '../lib/server.ts';
import { percentile, round } from '../lib/stats.ts';
import { createWorkspace } from '../lib/workspace.ts';

const CLIENTS = 100;
const SEGMENTS = 200;
const WARMUP_MS = 1_500;
const MEASURE_MS = 10_000;
const RECORDING_MS = 10 * 3600 * 1000;

/** Texts a transcriber might be typing (NFC, mixed scripts), cycled through by every client. */
const TEXTS = ['今日啲菜好新鮮㗎', '阿婆，食飽吂？𠊎還吂食。', '一直往前走，到第二个路口往左拐', 'zou2 san4! gam1 jat6', 'We say cawfee around here'];

interface SegmentState {
	id: string;
	version: number;
}

/**
 * Autosave under load (issue 2): the real server in a child process on SQLite, 100 closed-loop
 * clients each PATCHing its own segment with the version it got back, keep-alive connections.
 * Server and load generator run on different CPUs (taskset) so neither steals the other's core.
 */
export const savesGroup: BenchGroup = {
	name: 'saves',
	title: 'Autosave: 100 concurrent clients PATCHing segments (SQLite, real server in a child process)',
	async run(ctx) {
		const notes: string[] = [];
		const ws = await createWorkspace({ role: 'transcriber' });
		const recordingId = newId();
		const now = nowIso();
		// A ready recording row is all a segment write needs; no media is read by PATCH.
		await ws.handle.db
			.insertInto('recording')
			.values({
				id: recordingId,
				project_id: ws.projectId,
				name: 'saves-bench.mp3',
				sha256: '0'.repeat(64),
				original_ext: 'mp3',
				original_size: 1,
				format_name: 'mp3',
				codec: 'mp3',
				duration_ms: RECORDING_MS,
				sample_rate: 44_100,
				channels: 1,
				speaker_id: null,
				place: null,
				metadata: '{}',
				state: 'ready',
				error: null,
				created_by: ws.userId,
				created_at: now,
				updated_at: now
			})
			.execute();
		const slot = Math.floor(RECORDING_MS / SEGMENTS);
		const created = await createSegments(ws.handle.db, {
			recordingId,
			userId: ws.userId,
			inputs: Array.from({ length: SEGMENTS }, (_, i) => ({
				startMs: i * slot,
				endMs: i * slot + Math.min(slot, 4_000),
				texts: { transcript: TEXTS[i % TEXTS.length] }
			}))
		});
		if (!created.ok) throw new Error(`could not create segments: ${JSON.stringify(created.body)}`);
		await ws.close();

		const cpus = ctx.cpuCount >= 2;
		const server = await startServerChild({ dataDir: ws.dataDir, cpu: cpus ? 0 : undefined });
		const pinned = cpus && pinToCpu(1);
		notes.push(
			pinned
				? 'server pinned to CPU 0, load generator to CPU 1 (taskset)'
				: 'not pinned (fewer than 2 CPUs or no taskset): server and load generator share the CPU'
		);
		const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
		try {
			const states: SegmentState[] = created.segments.slice(0, CLIENTS).map((s) => ({ id: s.id, version: s.version }));
			const probe = await requestJson(agent, `${server.url}/api/segments/${states[0].id}`, {
				method: 'PATCH',
				body: { version: states[0].version, texts: { transcript: TEXTS[0] } },
				cookie: ws.cookie
			});
			if (probe.status !== 200) throw new Error(`PATCH /api/segments/:id answered ${probe.status}: ${JSON.stringify(probe.body)}`);
			states[0].version++;

			const latencies: number[] = [];
			let errors = 0;
			let conflicts = 0;
			let measuring = false;
			let stopAt = Number.POSITIVE_INFINITY;
			const client = async (state: SegmentState, index: number) => {
				let n = 0;
				while (performance.now() < stopAt) {
					// Only saves that start inside the measured window count (not warm-up ones that end in it).
					const counted = measuring;
					const started = performance.now();
					const res = await requestJson<{ segment?: { version: number } }>(agent, `${server.url}/api/segments/${state.id}`, {
						method: 'PATCH',
						body: { version: state.version, texts: { transcript: `${TEXTS[(index + n) % TEXTS.length]} ${n}` } },
						cookie: ws.cookie
					});
					const ms = performance.now() - started;
					n++;
					if (res.status === 200 && res.body.segment) {
						state.version = res.body.segment.version;
						if (counted) latencies.push(ms);
					} else if (res.status === 409) {
						conflicts++;
						const current = (res.body as { segment?: { version: number } }).segment;
						if (current) state.version = current.version;
					} else if (counted) {
						errors++;
					}
				}
			};
			ctx.log(`saves: ${CLIENTS} clients, ${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured`);
			const runStarted = performance.now();
			stopAt = runStarted + WARMUP_MS + MEASURE_MS;
			const running = states.map((s, i) => client(s, i));
			await new Promise((r) => setTimeout(r, WARMUP_MS));
			measuring = true;
			const measureStarted = performance.now();
			const cpuBefore = cpuSecondsOf(server.pid);
			await Promise.all(running);
			// Requests started before the stop time finish after it: count them over the real span.
			const measuredMs = performance.now() - measureStarted;
			const serverCpuS = cpuSecondsOf(server.pid) - cpuBefore;

			const p99 = percentile(latencies, 99);
			notes.push(
				`${latencies.length} saves in ${(measuredMs / 1000).toFixed(1)} s; p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
					`p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; errors ${errors}, version conflicts ${conflicts}`
			);
			// What a save costs the server, whatever else the machine is doing: CPU time per save, and how
			// much of the run the server had a CPU (well under 100 % means it waited: for a core or for I/O).
			const cpuPerSaveUs = (serverCpuS * 1e6) / latencies.length;
			notes.push(
				`server CPU ${serverCpuS.toFixed(2)} s in ${(measuredMs / 1000).toFixed(1)} s (${((serverCpuS * 100000) / measuredMs).toFixed(0)} % of one core): ` +
					`${cpuPerSaveUs.toFixed(0)} µs per save; with 100 closed-loop clients the mean latency is ≈ 100 × that`
			);
			const over = (ms: number) => latencies.filter((l) => l > ms).length;
			notes.push(`saves slower than 50 ms: ${over(50)} (${((over(50) / latencies.length) * 100).toFixed(1)} %), than 250 ms: ${over(250)}, than 1 s: ${over(1000)}`);
			if (errors > 0) notes.push(`WARNING: ${errors} saves failed (non-2xx other than 409)`);
			return {
				figures: {
					save_p99_ms_100c: round(p99, 2),
					saves_per_s_100c: round((latencies.length * 1000) / measuredMs, 0),
					save_p50_ms_100c: round(percentile(latencies, 50), 2),
					save_max_ms_100c: round(Math.max(...latencies), 1),
					save_errors_100c: errors,
					save_server_cpu_us: round(cpuPerSaveUs, 0)
				},
				notes
			};
		} finally {
			agent.destroy();
			if (pinned) unpin(ctx.cpuCount);
			await server.stop();
			await ws.remove();
		}
	}
};
