import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs as parseNodeArgs } from 'node:util';
import type { Db } from '../db/connection.ts';
import { checkExportRequest } from '../export/export-jobs.service.ts';
import { createExportSchema, EXPORT_FORMATS, type CreateExportInput, type ExportFilter } from '../export/export.schemas.ts';
import { writeExport, type ExportResult } from '../export/export.service.ts';
import { AppError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { openCliDeps } from './context.ts';
import { renderTable } from './table.ts';

const USAGE = `Usage: npx fangyan export --project <slug> --format <format> --out <dir> [filters] [options]

Writes an export into <dir> (created; it must be empty): the same files as the web app's zip,
with a manifest.json and a README.md. Formats: ${EXPORT_FORMATS.join(', ')}.

Filters (each a comma-separated list; all given must hold):
  --recording <id or name>   --status <workflow state>   --review <unreviewed|accepted|corrected|rejected>
  --speaker <code>
  --dialect <code, or none>  --transcriber <email>     --from <date>  --to <date>
Options:
  --layer <key>   --clip-format wav|flac   --rate <Hz, 16000>   --channels <1|2>
  --splits <train,dev,test ratios, 0.8,0.1,0.1>   --seed <n>   --nemo-mode clips|offset
  --tokenize as-is|characters (Kaldi)   --excel (CSV for Excel)

Exit code 0 when the export was written, 1 when it failed (nothing is left in <dir>), 2 on bad usage.
`;

const list = (value: string | undefined) => (value ? value.split(',').map((v) => v.trim()).filter(Boolean) : undefined);

interface Parsed {
	project: string;
	out: string;
	raw: Record<string, string | boolean | undefined>;
}

export function parseArgs(args: string[]): Parsed | { help: true } | { error: string } {
	let values;
	try {
		values = parseNodeArgs({
			args,
			strict: true,
			options: {
				help: { type: 'boolean', short: 'h' },
				project: { type: 'string', short: 'p' },
				format: { type: 'string', short: 'f' },
				out: { type: 'string', short: 'o' },
				recording: { type: 'string' },
				status: { type: 'string' },
				review: { type: 'string' },
				speaker: { type: 'string' },
				dialect: { type: 'string' },
				transcriber: { type: 'string' },
				from: { type: 'string' },
				to: { type: 'string' },
				layer: { type: 'string' },
				'clip-format': { type: 'string' },
				rate: { type: 'string' },
				channels: { type: 'string' },
				splits: { type: 'string' },
				seed: { type: 'string' },
				'nemo-mode': { type: 'string' },
				tokenize: { type: 'string' },
				excel: { type: 'boolean' }
			}
		}).values;
	} catch (err) {
		return { error: err instanceof Error ? err.message : String(err) };
	}
	if (values.help) return { help: true };
	if (!values.project) return { error: 'Name the project: --project <slug>' };
	if (!values.format) return { error: `Name the format: --format <${EXPORT_FORMATS.join('|')}>` };
	if (!values.out) return { error: 'Name the output folder: --out <dir>' };
	return { project: values.project, out: values.out, raw: values };
}

/** A date as the filter takes it: `2026-03-01` is that day's start (`from`) or end (`to`), UTC. */
function isoBound(value: string | undefined, end: boolean): string | undefined {
	if (!value) return undefined;
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
	const date = new Date(value);
	return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Turns codes, names and emails into the filter's ids; unknown ones are errors naming them. */
async function resolveFilter(db: Db, projectId: string, raw: Parsed['raw']): Promise<{ filter: ExportFilter; problems: string[] }> {
	const problems: string[] = [];
	const filter: ExportFilter = {};
	const lookup = async (values: string[] | undefined, what: string, find: (v: string) => Promise<string | undefined>) => {
		if (!values) return undefined;
		const ids: string[] = [];
		for (const v of values) {
			const id = await find(v);
			if (id) ids.push(id);
			else problems.push(`no ${what} "${v}" in this project`);
		}
		return ids;
	};
	filter.recordingIds = await lookup(list(raw.recording as string), 'recording', async (v) =>
		(await db.selectFrom('recording').select('id').where('project_id', '=', projectId).where((eb) => eb.or([eb('id', '=', v), eb('name', '=', v)])).executeTakeFirst())?.id
	);
	filter.speakerIds = await lookup(list(raw.speaker as string), 'speaker', async (v) =>
		(await db.selectFrom('speaker').select('id').where('project_id', '=', projectId).where('code', '=', v).executeTakeFirst())?.id
	);
	const dialects = list(raw.dialect as string);
	if (dialects?.includes('none')) filter.withoutDialect = true;
	filter.dialectTagIds = await lookup(dialects?.filter((d) => d !== 'none'), 'dialect tag', async (v) =>
		(await db.selectFrom('dialect_tag').select('id').where('project_id', '=', projectId).where('code', '=', v).executeTakeFirst())?.id
	);
	filter.transcriberIds = await lookup(list(raw.transcriber as string), 'user', async (v) => (await db.selectFrom('user').select('id').where('email', '=', v.toLowerCase()).executeTakeFirst())?.id);
	filter.statuses = list(raw.status as string);
	filter.reviewStates = list(raw.review as string) as ExportFilter['reviewStates'];
	filter.from = isoBound(raw.from as string | undefined, false);
	filter.to = isoBound(raw.to as string | undefined, true);
	for (const key of Object.keys(filter) as (keyof ExportFilter)[]) if (filter[key] === undefined) delete filter[key];
	return { filter, problems };
}

function requestFrom(raw: Parsed['raw'], filter: ExportFilter): ReturnType<typeof createExportSchema.safeParse> {
	const number = (v: unknown) => (v === undefined ? undefined : Number(v));
	const ratios = list(raw.splits as string)?.map(Number);
	const options: Record<string, unknown> = {
		layer: raw.layer,
		clipFormat: raw['clip-format'],
		sampleRate: number(raw.rate),
		channels: number(raw.channels),
		splits: ratios ? { train: ratios[0] ?? 0, dev: ratios[1] ?? 0, test: ratios[2] ?? 0 } : undefined,
		seed: number(raw.seed),
		nemoMode: raw['nemo-mode'],
		tokenize: raw.tokenize,
		excel: raw.excel
	};
	for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
	return createExportSchema.safeParse({ format: raw.format, filter, options });
}

function createBar() {
	const tty = process.stderr.isTTY === true;
	let lastPercent = -1;
	return {
		update(fraction: number, label: string) {
			const percent = Math.floor(fraction * 100);
			if (percent === lastPercent) return;
			lastPercent = percent;
			if (!tty) {
				if (percent % 10 === 0) process.stderr.write(`${label} ${percent}%\n`);
				return;
			}
			const width = 30;
			const filled = Math.round(fraction * width);
			process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${label}`);
		},
		done() {
			if (tty) process.stderr.write(`\r${' '.repeat((process.stderr.columns || 80) - 1)}\r`);
		}
	};
}

function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
	if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	return `${(bytes / 1024).toFixed(1)} kB`;
}

export function summarise(result: ExportResult, out: string): string {
	const counts = result.manifest.counts;
	const rows = Object.entries(counts.bySplit).map(([split, t]) => [split, String(t.segments), t.hours.toFixed(3)]);
	let text = `Exported ${result.summary.segments} segment(s), ${result.summary.hours.toFixed(3)} h, from ${result.summary.recordings} recording(s): ${result.files} files, ${formatBytes(result.bytes)} in ${out}\n`;
	const skipped = Object.entries(counts.skipped);
	if (skipped.length) text += `Left out: ${skipped.map(([reason, n]) => `${n} (${reason.replaceAll('_', ' ')})`).join(', ')}\n`;
	if (rows.length > 1 || result.manifest.splits) text += `\n${renderTable(['split', 'segments', 'hours'], rows, ['left', 'right', 'right'])}`;
	return text;
}

export async function run(args: string[]): Promise<number> {
	const parsed = parseArgs(args);
	if ('help' in parsed) {
		process.stdout.write(USAGE);
		return 0;
	}
	if ('error' in parsed) {
		process.stderr.write(`${parsed.error}\n\n${USAGE}`);
		return 2;
	}
	const out = path.resolve(parsed.out);
	const existing = await readdir(out).catch(() => null);
	if (existing && existing.length > 0) {
		process.stderr.write(`${out} is not empty; name a new or empty folder.\n`);
		return 2;
	}
	const { deps, close } = await openCliDeps();
	if (deps.config.logLevel !== 'debug') deps.log = createLogger('error');
	const controller = new AbortController();
	const onSignal = () => controller.abort();
	process.once('SIGINT', onSignal);
	let created = false;
	try {
		const project = await deps.db.selectFrom('project').select(['id', 'slug', 'name']).where((eb) => eb.or([eb('slug', '=', parsed.project), eb('id', '=', parsed.project)])).executeTakeFirst();
		if (!project) {
			process.stderr.write(`No project "${parsed.project}".\n`);
			return 2;
		}
		const { filter, problems } = await resolveFilter(deps.db, project.id, parsed.raw);
		if (problems.length) {
			process.stderr.write(`${problems.join('\n')}\n`);
			return 2;
		}
		const request = requestFrom(parsed.raw, filter);
		if (!request.success) {
			process.stderr.write(`${request.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n')}\n\n${USAGE}`);
			return 2;
		}
		const input: CreateExportInput = request.data;
		try {
			await checkExportRequest(deps, project.id, input);
		} catch (err) {
			if (err instanceof AppError) {
				process.stderr.write(`${err.message}\n`);
				return 2;
			}
			throw err;
		}
		await mkdir(out, { recursive: true });
		created = existing === null;
		const bar = createBar();
		const result = await writeExport(
			deps,
			{ projectId: project.id, project: { slug: project.slug, name: project.name }, format: input.format, filter: input.filter, options: input.options },
			{ outDir: out, signal: controller.signal, onProgress: (f) => bar.update(f, input.format) }
		);
		bar.done();
		process.stdout.write(summarise(result, out));
		return 0;
	} catch (err) {
		// Nothing half-written stays behind: the folder is emptied (and removed if this run made it).
		const entries = await readdir(out).catch(() => [] as string[]);
		await Promise.all(entries.map((e) => rm(path.join(out, e), { recursive: true, force: true })));
		if (created) await rm(out, { recursive: true, force: true });
		process.stderr.write(`\nExport failed: ${controller.signal.aborted ? 'interrupted' : err instanceof Error ? err.message : String(err)}\n`);
		return 1;
	} finally {
		process.off('SIGINT', onSignal);
		await close();
	}
}
