import type { Interval } from '../presegment/intervals.ts';
import { presegmentOptionsSchema, type PresegmentOptions } from '../presegment/presegment.schemas.ts';
import { applyProposals, proposeForRecording } from '../presegment/presegment.service.ts';
import { openCliDeps } from './context.ts';

/**
 * `npx fangyan presegment <recordingId> [options]`: proposes segments from voice activity, and
 * with --apply inserts those that overlap no existing segment (as the API does, with no user).
 *
 * Exit codes: 0 done, 1 unexpected failure (including audio ffmpeg cannot decode), 2 bad usage,
 * 3 no such recording, 4 the recording's audio is not ready.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, notReady: 4 } as const;

const USAGE = `Usage: npx fangyan presegment <recordingId> [options]

Proposes segments from voice activity (ffmpeg silencedetect) and prints them; --apply inserts
the proposals that overlap no existing segment.

Options (defaults in brackets):
  --threshold-db <dB>       level below which audio is silence, -80..-10 [-35]
  --min-silence-ms <ms>     shortest pause that separates segments [300]
  --min-segment-ms <ms>     shorter speech joins a neighbour within 1 s or is dropped [300]
  --pad-ms <ms>             silence kept on each side of a segment [100]
  --max-segment-ms <ms>     longer segments are cut at their quietest point [15000]
  --no-band-pass            analyse the full band (default: 80 Hz–4 kHz, ignoring hum)
  --apply                   insert the proposals as segments
  --json                    print JSON instead of a table
  -h, --help                show this help
`;

const NUMERIC: Record<string, keyof PresegmentOptions> = {
	'--threshold-db': 'thresholdDb',
	'--min-silence-ms': 'minSilenceMs',
	'--min-segment-ms': 'minSegmentMs',
	'--pad-ms': 'padMs',
	'--max-segment-ms': 'maxSegmentMs'
};

interface ParsedArgs {
	recordingId: string;
	options: PresegmentOptions;
	apply: boolean;
	json: boolean;
}

/**
 * Hand-rolled rather than util.parseArgs: that rejects `--threshold-db -35` (a value starting
 * with '-' is "ambiguous"), and negative decibels are the normal case here.
 */
export function parsePresegmentArgs(args: string[]): ParsedArgs | { help: true } | { error: string } {
	const raw: Record<string, unknown> = {};
	const positionals: string[] = [];
	let apply = false;
	let json = false;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		if (flag === '-h' || flag === '--help') return { help: true };
		if (flag === '--apply') apply = true;
		else if (flag === '--json') json = true;
		else if (flag === '--no-band-pass') raw.bandPass = false;
		else if (flag in NUMERIC) {
			const value = inline ?? args[++i];
			if (value === undefined || value === '' || !Number.isFinite(Number(value))) return { error: `${flag} needs a number` };
			raw[NUMERIC[flag]] = Number(value);
		} else if (arg.startsWith('-')) return { error: `Unknown option ${arg}` };
		else positionals.push(arg);
	}
	if (positionals.length !== 1) return { error: positionals.length ? 'Give exactly one recording id' : 'Give a recording id' };
	const parsed = presegmentOptionsSchema.safeParse(raw);
	if (!parsed.success) {
		const flagOf = (key: PropertyKey) => Object.entries(NUMERIC).find(([, k]) => k === key)?.[0] ?? String(key);
		return { error: parsed.error.issues.map((i) => `${flagOf(i.path[0] ?? '')}: ${i.message}`).join('; ') };
	}
	return { recordingId: positionals[0], options: parsed.data, apply, json };
}

export async function run(args: string[]): Promise<number> {
	const parsed = parsePresegmentArgs(args);
	if ('help' in parsed) {
		process.stdout.write(USAGE);
		return EXIT.ok;
	}
	if ('error' in parsed) {
		process.stderr.write(`fangyan presegment: ${parsed.error}\n\n${USAGE}`);
		return EXIT.usage;
	}
	const { deps, close } = await openCliDeps();
	try {
		const proposed = await proposeForRecording(deps, { recordingId: parsed.recordingId, options: parsed.options });
		if (!proposed.ok) {
			process.stderr.write(`fangyan presegment: ${proposed.body.error.message}\n`);
			return proposed.status === 404 ? EXIT.notFound : proposed.status === 409 ? EXIT.notReady : EXIT.failed;
		}
		if (!parsed.apply) {
			process.stdout.write(parsed.json ? JSON.stringify({ proposals: proposed.proposals }) + '\n' : formatTable(proposed.proposals));
			return EXIT.ok;
		}
		const applied = await applyProposals(deps, { recordingId: parsed.recordingId, proposals: proposed.proposals, userId: null });
		if (!applied.ok) {
			process.stderr.write(`fangyan presegment: ${applied.body.error.message}\n`);
			return applied.status === 404 ? EXIT.notFound : EXIT.failed;
		}
		const { segments, skipped } = applied;
		process.stdout.write(
			parsed.json
				? JSON.stringify({ inserted: segments.length, skipped, segments }) + '\n'
				: `Inserted ${segments.length} segment${segments.length === 1 ? '' : 's'}` +
						(skipped ? ` (skipped ${skipped} that overlap existing segments)` : '') +
						'.\n'
		);
		return EXIT.ok;
	} finally {
		await close();
	}
}

/** A numbered start – end table with lengths, and a total line. */
export function formatTable(proposals: Interval[]): string {
	if (proposals.length === 0) return 'No speech found: try a higher --threshold-db (e.g. -30) or a shorter --min-silence-ms.\n';
	const width = String(proposals.length).length;
	const lines = proposals.map(
		(p, i) =>
			`${String(i + 1).padStart(width)}  ${formatTime(p.startMs)} – ${formatTime(p.endMs)}  ${((p.endMs - p.startMs) / 1000).toFixed(3).padStart(7)} s`
	);
	const total = proposals.reduce((sum, p) => sum + p.endMs - p.startMs, 0);
	lines.push(`${proposals.length} proposed segment${proposals.length === 1 ? '' : 's'}, ${formatTime(total)} of speech.`);
	return lines.join('\n') + '\n';
}

/** h:mm:ss.mmm */
function formatTime(ms: number): string {
	const h = Math.floor(ms / 3_600_000);
	const m = Math.floor((ms % 3_600_000) / 60_000);
	const s = Math.floor((ms % 60_000) / 1000);
	return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}
