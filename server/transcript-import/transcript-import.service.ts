import { createHash } from 'node:crypto';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { Segment } from '../db/schema.ts';
import { deleteRecordingEvents, insertRecordingEvents, listRecordingEvents } from '../events/events.repository.ts';
import type { LabelStudioTask } from '../interop/label-studio.ts';
import { InteropError, maxTimeMs, type InteropDocument, type TranscriptFormat } from '../interop/model.ts';
import { readTranscript } from '../interop/read.ts';
import { apiError, type ApiErrorBody } from '../lib/errors.ts';
import { newId, nowIso } from '../lib/ids.ts';
import { lockRecording } from '../presegment/presegment.repository.ts';
import { listDialectTags, listTextLayers } from '../projects/projects.repository.ts';
import { findRecordingById, listProjectRecordings } from '../recordings/recordings.repository.ts';
import { listSegments, loadProjectRefs } from '../segments/segments.repository.ts';
import { buildNewSegment, insertNewSegment, removeSegment, writeSegmentUpdate } from '../segments/segments.service.ts';
import { toSpeakerDto } from '../speakers/speakers.mapper.ts';
import { insertSpeaker, listSpeakers } from '../speakers/speakers.repository.ts';
import { matchTasksToRecordings } from './match-recordings.ts';
import { MappingError, mappingDto, pendingSpeakerKey, resolveMapping, type ProjectContext, type ResolvedMapping } from './transcript-import.mapping.ts';
import { planRecordingImport, type RecordingPlan } from './transcript-import.plan.ts';
import {
	TRANSCRIPT_FORMATS,
	type AppliedDto,
	type ImportMappingInput,
	type ImportMode,
	type ImportWarningDto,
	type ProjectImportPreviewDto,
	type RecordingImportPreviewDto
} from './transcript-import.schemas.ts';

/**
 * Transcript import: a file's segments into a recording (or, for a Label Studio export, into the
 * project's recordings its tasks name), merged with or replacing what is there, after a preview.
 *
 * The preview and the apply run the same computation. The preview's token hashes everything it
 * depends on (the file, the options, the project's speakers, layers and tags, and every segment's
 * id and version and every event of the recordings); the apply recomputes it inside its
 * transaction, with the recordings locked, and refuses with 409 `preview_stale` when it differs —
 * so what is written is exactly what was shown. The apply is one transaction: speakers created,
 * segments deleted, updated and inserted (each with its revision, through the segment service's
 * writers), events replaced or added; any failure rolls all of it back.
 */

export type ImportFailure = { ok: false; status: 400 | 404 | 409 | 413 | 415 | 422; body: ApiErrorBody };

export interface ImportFile {
	/** The uploaded file's name: its extension picks the reader (with the content for .json). */
	name: string;
	bytes: Uint8Array;
}

export interface ImportOptions {
	mode: ImportMode;
	/** Overrides the format detected from the name and content. */
	format?: TranscriptFormat;
	mapping?: ImportMappingInput;
	/** Cut a transcript that runs past the recording at its end (with a warning) instead of refusing. */
	clip?: boolean;
}

const fail = (status: ImportFailure['status'], code: string, message: string, details: Record<string, unknown> = {}): ImportFailure => ({
	ok: false,
	status,
	body: apiError(code, message, details)
});

const SUPPORTED = 'Praat TextGrid (.TextGrid), ELAN (.eaf), Transcriber (.trs), SubRip (.srt), WebVTT (.vtt), ASR JSON or a Label Studio JSON export (.json)';

/** Parses the file with the interop readers; their errors become the API's (422 naming the line or element, 415 for an unknown format). */
export function readImportFile(file: ImportFile, format?: TranscriptFormat): { ok: true; format: TranscriptFormat; documents: InteropDocument[]; tasks?: LabelStudioTask[] } | ImportFailure {
	try {
		return { ok: true, ...readTranscript(file.name, file.bytes, { format }) };
	} catch (err) {
		if (err instanceof InteropError) {
			if (err.code === 'unsupported_format') {
				return fail(415, 'unsupported_format', `${err.message} Supported: ${SUPPORTED}.`, { ...err.details, supported: [...TRANSCRIPT_FORMATS] });
			}
			return { ok: false, status: 422, body: err.toBody() };
		}
		throw err;
	}
}

async function loadProjectContext(db: Db, projectId: string): Promise<ProjectContext> {
	const [speakers, layers, tags] = await Promise.all([listSpeakers(db, projectId), listTextLayers(db, projectId), listDialectTags(db, projectId)]);
	return {
		projectId,
		speakers: speakers.map((s) => ({ id: s.id, code: s.code, name: s.name })),
		layers: layers.map((l) => ({ key: l.key, name_en: l.name_en, name_zh: l.name_zh, sort_order: Number(l.sort_order) })),
		tags: tags.map((t) => ({ id: t.id, code: t.code, nameEn: t.name_en, nameZh: t.name_zh }))
	};
}

function fileSummary(file: ImportFile, format: TranscriptFormat, docs: InteropDocument[]) {
	const speakers = new Map<string, { code: string; name: string; segments: number }>();
	const layers = new Map<string, number>();
	const dialects = new Map<string, number>();
	for (const doc of docs) {
		for (const s of doc.speakers) if (!speakers.has(s.code)) speakers.set(s.code, { code: s.code, name: s.name, segments: 0 });
		for (const segment of doc.segments) {
			if (segment.speaker !== null) speakers.get(segment.speaker)!.segments++;
			for (const key of Object.keys(segment.texts)) layers.set(key, (layers.get(key) ?? 0) + 1);
			if (segment.dialect !== null) dialects.set(segment.dialect, (dialects.get(segment.dialect) ?? 0) + 1);
		}
		for (const key of doc.layers) if (!layers.has(key)) layers.set(key, 0);
	}
	return {
		name: file.name,
		format,
		sizeBytes: file.bytes.length,
		durationMs: docs.length === 1 ? docs[0].durationMs : null,
		maxTimeMs: Math.max(0, ...docs.map((d) => maxTimeMs(d))),
		segments: docs.reduce((n, d) => n + d.segments.length, 0),
		events: docs.reduce((n, d) => n + d.events.length, 0),
		speakers: [...speakers.values()],
		layers: [...layers].map(([key, segments]) => ({ key, segments })),
		dialects: [...dialects].map(([value, segments]) => ({ value, segments }))
	};
}

interface RecordingTarget {
	id: string;
	name: string;
	durationMs: number;
	doc: InteropDocument;
}

interface Prepared {
	project: ProjectContext;
	mapping: ResolvedMapping;
	plans: RecordingPlan[];
	token: string;
	canApply: boolean;
	warnings: ImportWarningDto[];
}

/** Reads what the import depends on (in the caller's transaction when applying) and plans every recording. */
async function prepare(
	db: Db,
	args: { projectId: string; targets: RecordingTarget[]; file: ImportFile; format: TranscriptFormat; options: ImportOptions; userId: string | null }
): Promise<Prepared | ImportFailure> {
	const { options, targets } = args;
	const project = await loadProjectContext(db, args.projectId);
	let mapping: ResolvedMapping;
	try {
		mapping = resolveMapping(
			targets.map((t) => t.doc),
			project,
			options.mapping
		);
	} catch (err) {
		if (err instanceof MappingError) return fail(422, 'invalid_mapping', err.message, { problems: err.problems });
		throw err;
	}
	const hash = createHash('sha256');
	hash.update(createHash('sha256').update(args.file.bytes).digest('hex'));
	hash.update(JSON.stringify([args.format, options.mode, options.clip === true, canonical(options.mapping ?? {})]));
	hash.update(JSON.stringify([project.speakers.map((s) => `${s.id}:${s.code}`).sort(), project.layers.map((l) => l.key).sort(), project.tags.map((t) => t.id).sort()]));
	const plans: RecordingPlan[] = [];
	for (const target of targets) {
		const [existing, events] = await Promise.all([listSegments(db, target.id), listRecordingEvents(db, target.id)]);
		hash.update(JSON.stringify([target.id, target.durationMs, existing.map((s) => `${s.id}:${s.version}`).sort(), events.map((e) => e.id).sort()]));
		plans.push(
			planRecordingImport({
				recording: target,
				doc: target.doc,
				mode: options.mode,
				clip: options.clip === true,
				mapping,
				existing: existing as Segment[],
				existingEvents: events,
				userId: args.userId
			})
		);
	}
	// A speaker is created only when something of it is imported (all its text may be in skipped layers).
	const used = new Set(plans.flatMap((p) => [...p.writes.inserts.map((i) => i.speakerId), ...p.writes.events.inserts.map((e) => e.speaker_id)]));
	mapping.creates = mapping.creates.filter((c) => used.has(pendingSpeakerKey(c.code)));
	const warnings = mapping.warnings;
	return { project, mapping, plans, token: hash.digest('hex'), canApply: plans.every((p) => !p.blocking), warnings };
}

function previewCommon(prepared: Prepared, file: ImportFile, format: TranscriptFormat, docs: InteropDocument[], options: ImportOptions) {
	return {
		token: prepared.token,
		mode: options.mode,
		clip: options.clip === true,
		file: fileSummary(file, format, docs),
		mapping: mappingDto(prepared.mapping),
		creates: { speakers: prepared.mapping.creates },
		canApply: prepared.canApply
	};
}

class ApplyAbort extends Error {
	constructor(readonly failure: ImportFailure) {
		super(failure.body.error.message);
	}
}

/** Performs the plans inside the caller's transaction; throws ApplyAbort (rolling it back) when something moved. */
async function applyPlans(trx: Db, prepared: Prepared, args: { source: string; userId: string | null }): Promise<AppliedDto> {
	const { project, plans, mapping } = prepared;
	const speakerIds = new Map<string, string>();
	const speakers: AppliedDto['speakers'] = [];
	for (const create of mapping.creates) {
		const row = await insertSpeaker(trx, project.projectId, { code: create.code, name: create.name, gender: null, age_band: null, home_dialect: null, place: null });
		speakerIds.set(pendingSpeakerKey(create.code), row.id);
		speakers.push(toSpeakerDto(row));
	}
	const resolve = (id: string | null) => (id === null ? null : (speakerIds.get(id) ?? id));
	const refs = await loadProjectRefs(trx, project.projectId);
	const stale = () => new ApplyAbort(fail(409, 'preview_stale', 'The recording changed while the import was being applied; preview it again.'));
	const totals = { created: 0, updated: 0, deleted: 0, unchanged: 0, events: { added: 0, removed: 0 } };
	for (const plan of plans) {
		const { writes, dto } = plan;
		for (const row of writes.deletes) {
			if (!(await removeSegment(trx, row, args.userId))) throw stale();
		}
		for (const { current, next } of writes.updates) {
			if (!(await writeSegmentUpdate(trx, current, next, args.userId))) throw stale();
		}
		const recording = { id: dto.recordingId, duration_ms: dto.durationMs };
		for (const input of writes.inserts) {
			const row = buildNewSegment(recording, refs, { ...input, speakerId: resolve(input.speakerId) }, args.userId);
			if ('ok' in row) {
				throw new ApplyAbort({ ...row, status: row.status === 404 ? 422 : row.status });
			}
			// Fresh ids never collide, so "already exists" (null) cannot happen here.
			await insertNewSegment(trx, row, args.userId);
		}
		if (writes.events.deleteAll) totals.events.removed += await deleteRecordingEvents(trx, dto.recordingId);
		const now = nowIso();
		await insertRecordingEvents(
			trx,
			writes.events.inserts.map((e) => ({
				id: newId(),
				recording_id: dto.recordingId,
				time_ms: e.time_ms,
				end_ms: e.end_ms,
				tier: e.tier,
				label: e.label,
				speaker_id: resolve(e.speaker_id),
				source: args.source,
				created_by: args.userId,
				created_at: now
			}))
		);
		// The segment writes are in segment_revision already; the entry says what brought them.
		const counts = { created: writes.inserts.length, updated: writes.updates.length, deleted: writes.deletes.length, events: writes.events.inserts.length };
		const details = { source: args.source, ...counts, speakersCreated: speakers.map((s) => s.code) };
		await audit(trx, { projectId: project.projectId, actorId: args.userId, action: 'transcript.import', target: { type: 'recording', id: dto.recordingId }, details });
		totals.events.added += writes.events.inserts.length;
		totals.created += writes.inserts.length;
		totals.updated += writes.updates.length;
		totals.deleted += writes.deletes.length;
		totals.unchanged += dto.totals.unchanged;
	}
	return { ...totals, speakers };
}

/** What the recording import needs of its recording: 404 unknown, 409 while its duration is not known. */
async function findTarget(db: Db, recordingId: string) {
	const recording = await findRecordingById(db, recordingId);
	if (!recording) return fail(404, 'not_found', 'Recording not found');
	if (!(Number(recording.duration_ms) > 0)) return fail(409, 'not_ready', "The recording's duration is not known yet; import its transcript once it is processed");
	return { ok: true as const, id: recording.id, name: recording.name, projectId: recording.project_id, durationMs: Number(recording.duration_ms) };
}

/**
 * Imports a transcript file into one recording: the preview, and with `apply` the writes (in one
 * transaction). `token` is the preview's; the apply refuses a stale one (409 `preview_stale`).
 * Without a token (the command line, which imports into a recording it has just made) the apply
 * trusts its own fresh computation.
 */
export async function importIntoRecording(
	db: Db,
	args: { recordingId: string; file: ImportFile; options: ImportOptions; apply: boolean; token?: string; userId: string | null }
): Promise<{ ok: true; preview: RecordingImportPreviewDto; applied?: AppliedDto } | ImportFailure> {
	const { options } = args;
	const read = readImportFile(args.file, options.format);
	if (!read.ok) return read;
	if (read.documents.length !== 1) {
		return fail(422, 'use_project_import', `This Label Studio export holds ${read.documents.length} tasks: import it from the project page, which matches each task to its recording.`, {
			tasks: read.documents.length
		});
	}
	const doc = read.documents[0];
	const run = async (conn: Db) => {
		const found = await findTarget(conn, args.recordingId);
		if (!found.ok) return found;
		const prepared = await prepare(conn, {
			projectId: found.projectId,
			targets: [{ id: found.id, name: found.name, durationMs: found.durationMs, doc }],
			file: args.file,
			format: read.format,
			options,
			userId: args.userId
		});
		if ('ok' in prepared) return prepared;
		const plan = prepared.plans[0];
		const preview: RecordingImportPreviewDto = {
			...previewCommon(prepared, args.file, read.format, [doc], options),
			recording: plan.dto,
			warnings: [...prepared.warnings, ...plan.dto.warnings]
		};
		return { ok: true as const, prepared, preview };
	};
	if (!args.apply) {
		const result = await run(db);
		return result.ok ? { ok: true, preview: result.preview } : result;
	}
	return applyInTransaction(db, [args.recordingId], args.token, run, `${read.format} ${args.file.name}`, args.userId);
}

/**
 * Runs `run` inside one transaction with the recordings locked, checks the token and the blocking
 * warnings, and applies the plans; all or nothing.
 */
async function applyInTransaction<P>(
	db: Db,
	recordingIds: string[],
	token: string | undefined,
	run: (trx: Db) => Promise<{ ok: true; prepared: Prepared; preview: P } | ImportFailure>,
	source: string,
	userId: string | null
): Promise<{ ok: true; preview: P; applied: AppliedDto } | ImportFailure> {
	try {
		return await db.transaction().execute(async (trx) => {
			for (const id of [...recordingIds].sort()) await lockRecording(trx, id);
			const result = await run(trx);
			if (!result.ok) throw new ApplyAbort(result);
			if (token !== undefined && token !== result.prepared.token) {
				throw new ApplyAbort(fail(409, 'preview_stale', 'The recording, its project or the import options changed since the preview: look at the new preview before applying.'));
			}
			if (!result.prepared.canApply) {
				const blocking = [...result.prepared.warnings, ...result.prepared.plans.flatMap((p) => p.dto.warnings)].filter((w) => w.blocking);
				throw new ApplyAbort(fail(422, blocking[0]?.code ?? 'cannot_apply', blocking.map((w) => w.message).join(' ') || 'The import cannot be applied', { warnings: blocking }));
			}
			const applied = await applyPlans(trx, result.prepared, { source, userId });
			return { ok: true as const, preview: result.preview, applied };
		});
	} catch (err) {
		if (err instanceof ApplyAbort) return err.failure;
		throw err;
	}
}

/**
 * Imports a Label Studio JSON export (one task per audio file) into a project: each task goes to
 * the recording its audio names (see matchTasksToRecordings), previewed per recording and applied
 * in one transaction. Tasks without a recording are reported, not imported.
 */
export async function importIntoProject(
	db: Db,
	args: { projectId: string; file: ImportFile; options: ImportOptions; apply: boolean; token?: string; userId: string | null }
): Promise<{ ok: true; preview: ProjectImportPreviewDto; applied?: AppliedDto } | ImportFailure> {
	const { options } = args;
	const read = readImportFile(args.file, options.format);
	if (!read.ok) return read;
	if (!read.tasks) {
		return fail(422, 'not_label_studio', 'A project import takes a Label Studio JSON export; import other transcripts into their recording (the editor’s “Import transcript”).');
	}
	const tasks = read.tasks;
	const run = async (conn: Db) => {
		const recordings = (await listProjectRecordings(conn, args.projectId)).map((r) => ({ id: r.id, name: r.name, durationMs: Number(r.duration_ms) }));
		const { matched, unmatched } = matchTasksToRecordings(tasks, recordings);
		const targets = matched.map((m) => ({ id: m.recording.id, name: m.recording.name, durationMs: m.recording.durationMs, doc: m.task.document }));
		const prepared = await prepare(conn, { projectId: args.projectId, targets, file: args.file, format: read.format, options, userId: args.userId });
		if ('ok' in prepared) return prepared;
		const totals = { added: 0, changed: 0, removed: 0, unchanged: 0 };
		for (const p of prepared.plans) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += p.dto.totals[k];
		if (matched.length === 0) {
			prepared.canApply = false;
			prepared.warnings = [
				...prepared.warnings,
				{ code: 'no_recording_matched', message: 'No task names an audio file of this project’s recordings: nothing would be imported.', blocking: true }
			];
		}
		const preview: ProjectImportPreviewDto = {
			...previewCommon(prepared, args.file, read.format, targets.map((t) => t.doc), options),
			recordings: prepared.plans.map((p, i) => ({ ...p.dto, taskIndex: matched[i].index, taskId: matched[i].task.id, audio: matched[i].task.audio })),
			unmatched,
			totals,
			warnings: prepared.warnings
		};
		return { ok: true as const, prepared, preview, recordingIds: targets.map((t) => t.id) };
	};
	if (!args.apply) {
		const result = await run(db);
		return result.ok ? { ok: true, preview: result.preview } : result;
	}
	// Which recordings to lock is known only after matching; match outside first (cheap), lock, then match again inside.
	const first = await run(db);
	if (!first.ok) return first;
	return applyInTransaction(db, first.recordingIds, args.token, run, `${read.format} ${args.file.name}`, args.userId);
}

/** JSON with sorted keys, so the same mapping always hashes the same. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}
