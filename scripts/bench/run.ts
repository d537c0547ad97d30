/**
 * `npm run bench [-- <group>…]`: the performance report of issues 2, 3, 7 and 8. Each group measures in
 * one run, against baselines taken in the same run where the goal is a ratio; the report prints
 * every figure beside its target, and bench/results/latest.json gets them all as one flat
 * name → number object (plus a timestamped copy to compare runs). Nothing here is a test: vitest
 * never runs it. Everything it starts listens on 127.0.0.1 and ends with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveMediaTools } from '../../server/media/ffmpeg.ts';
import { browserGroup } from './groups/browser.ts';
import { claimsGroup } from './groups/claims.ts';
import { clipGroup } from './groups/clip.ts';
import { exportGroup } from './groups/export.ts';
import { dashboardGroup } from './groups/dashboard.ts';
import { importGroup } from './groups/import.ts';
import { ingestGroup } from './groups/ingest.ts';
import { metricsGroup } from './groups/metrics.ts';
import { savesGroup } from './groups/saves.ts';
import { disposeFixtures } from './lib/fixtures.ts';
import type { BenchGroup, GroupContext } from './lib/group.ts';
import { passes, TARGETS } from './targets.ts';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

const GROUPS: BenchGroup[] = [ingestGroup, clipGroup, savesGroup, browserGroup, metricsGroup, importGroup, claimsGroup, exportGroup, dashboardGroup];

interface GroupOutcome {
	group: BenchGroup;
	figures: Record<string, number>;
	notes: string[];
	error?: string;
	seconds: number;
}

function formatValue(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 10) return value.toFixed(1);
	return value.toFixed(3).replace(/\.?0+$/, '') || '0';
}

function report(outcomes: GroupOutcome[]): { text: string; failed: number } {
	const lines: string[] = [];
	let failed = 0;
	lines.push('', `Fangyan benchmark — ${new Date().toISOString()} — ${os.cpus().length} CPUs, Node ${process.version}`, '');
	for (const outcome of outcomes) {
		lines.push(`## ${outcome.group.name}: ${outcome.group.title} (${outcome.seconds.toFixed(0)} s)`);
		if (outcome.error) lines.push(`   NOT MEASURED: ${outcome.error}`);
		const names = Object.keys(outcome.figures);
		const judged = names.filter((n) => TARGETS[n]);
		const extra = names.filter((n) => !TARGETS[n]);
		for (const name of judged) {
			const value = outcome.figures[name];
			const target = TARGETS[name];
			const ok = passes(name, value);
			if (ok === false) failed++;
			lines.push(
				`   ${(ok ? 'PASS' : 'FAIL').padEnd(5)}${name.padEnd(26)}${formatValue(value).padStart(10)} ${target.unit.padEnd(3)}` +
					` target ${target.op} ${target.value} ${target.unit}   ${target.what}`
			);
		}
		for (const name of extra) lines.push(`   ${''.padEnd(5)}${name.padEnd(26)}${formatValue(outcome.figures[name]).padStart(10)}`);
		for (const note of outcome.notes) lines.push(`   · ${note}`);
		lines.push('');
	}
	return { text: lines.join('\n'), failed };
}

async function main(argv: string[]): Promise<number> {
	const wanted = argv.filter((a) => !a.startsWith('-'));
	const unknown = wanted.filter((name) => !GROUPS.some((g) => g.name === name));
	if (unknown.length > 0 || argv.includes('--help')) {
		process.stderr.write(
			`${unknown.length ? `Unknown group: ${unknown.join(', ')}\n` : ''}Usage: npm run bench [-- <group>…]\nGroups: ${GROUPS.map((g) => g.name).join(', ')}\n`
		);
		return unknown.length ? 2 : 0;
	}
	const groups = wanted.length ? GROUPS.filter((g) => wanted.includes(g.name)) : GROUPS;
	const ctx: GroupContext = {
		media: resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH }),
		cpuCount: os.availableParallelism(),
		log: (line) => process.stderr.write(`[bench] ${line}\n`)
	};

	const outcomes: GroupOutcome[] = [];
	for (const group of groups) {
		ctx.log(`${group.name}: ${group.title}`);
		const started = performance.now();
		const loadBefore = os.loadavg()[0];
		const loadNote = () => `load average (1 min) ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${ctx.cpuCount} CPUs`;
		try {
			const result = await group.run(ctx);
			outcomes.push({ group, ...result, notes: [...result.notes, loadNote()], seconds: (performance.now() - started) / 1000 });
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			ctx.log(`${group.name} failed: ${message}`);
			outcomes.push({ group, figures: {}, notes: [loadNote()], error: message, seconds: (performance.now() - started) / 1000 });
		}
	}

	await disposeFixtures();

	const figures: Record<string, number> = Object.assign({}, ...outcomes.map((o) => o.figures));
	mkdirSync(RESULTS_DIR, { recursive: true });
	const json = `${JSON.stringify(figures, null, '\t')}\n`;
	writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
	writeFileSync(path.join(RESULTS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), json);

	const { text, failed } = report(outcomes);
	process.stdout.write(`${text}\nFigures written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))}\n`);
	const notMeasured = outcomes.filter((o) => o.error).length;
	if (failed || notMeasured) process.stdout.write(`${failed} figure(s) missed their target; ${notMeasured} group(s) not measured.\n`);
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err) => {
		process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
		process.exit(1);
	}
);
