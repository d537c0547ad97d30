import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { enqueueJob } from '../jobs/jobs.repository.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { listTextLayers } from '../projects/projects.repository.ts';
import { EXPORT_JOB_KIND } from './export.job.ts';
import { countExportSegments, exportRecordings, findForeignFilterIds } from './export.query.ts';
import { findExportJob, insertExportJob } from './export.repository.ts';
import { isCorpusFormat, type CreateExportInput } from './export.schemas.ts';

/**
 * Checks an export request against the project (the filter names only its recordings, speakers and
 * tags; the layer exists; something is selected; the audio to cut is processed) and throws the
 * 4xx the caller answers with. Returns what the filter selects.
 */
export async function checkExportRequest(deps: Pick<Deps, 'db'>, projectId: string, input: CreateExportInput) {
	const { db } = deps;
	const foreign = await findForeignFilterIds(db, projectId, input.filter);
	if (foreign.length) throw new AppError(422, 'invalid_filter', `The filter names what is not in this project: ${foreign.join('; ')}`, { problems: foreign });
	if (input.options.layer) {
		const layers = (await listTextLayers(db, projectId)).map((l) => l.key);
		if (!layers.includes(input.options.layer)) {
			throw new AppError(422, 'invalid_filter', `The project has no text layer "${input.options.layer}" (it has ${layers.join(', ')})`, { problems: [`layer ${input.options.layer}`] });
		}
	}
	const counted = await countExportSegments(db, projectId, input.filter);
	if (counted.segments === 0) throw new AppError(422, 'empty_selection', 'No segment matches the filter: nothing to export');
	if (isCorpusFormat(input.format)) {
		const pending = (await exportRecordings(db, projectId, input.filter)).filter((r) => r.state !== 'ready');
		if (pending.length) {
			throw new AppError(409, 'not_ready', `${pending.length} selected recording(s) are not processed yet (${pending.slice(0, 3).map((r) => r.name).join(', ')}); export their audio once they are ready`, { recordings: pending.map((r) => r.id) });
		}
	}
	return counted;
}

/** Queues an export: its row, its job and its audit entry in one transaction, then wakes the worker pool. */
export async function createExportJob(deps: Pick<Deps, 'db' | 'notifyJobs'>, options: { projectId: string; input: CreateExportInput; userId: string | null }) {
	const { db } = deps;
	const counted = await checkExportRequest(deps, options.projectId, options.input);
	const id = newId();
	await db.transaction().execute(async (trx) => {
		await insertExportJob(trx, {
			id,
			project_id: options.projectId,
			format: options.input.format,
			filter: JSON.stringify(options.input.filter),
			options: JSON.stringify(options.input.options),
			created_by: options.userId
		});
		await enqueueJob(trx, { kind: EXPORT_JOB_KIND, payload: { exportId: id } });
		await audit(trx, {
			projectId: options.projectId,
			actorId: options.userId,
			action: 'export.create',
			target: { type: 'export', id },
			details: { format: options.input.format, filter: options.input.filter, segments: counted.segments, recordings: counted.recordings }
		});
	});
	deps.notifyJobs();
	const row = await findExportJob(db, id);
	if (!row) throw new Error(`export ${id} vanished right after it was queued`);
	return row;
}
