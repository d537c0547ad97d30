import { Hono } from 'hono';
import { audit, changedFields } from '../audit/audit.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { requireProjectManager } from '../projects/project-access.ts';
import { dialectCodeExists, isUniqueViolation, touchProject } from '../projects/projects.repository.ts';
import { toSpeakerDto } from './speakers.mapper.ts';
import { findSpeaker, findSpeakerByCode, insertSpeaker, updateSpeaker, type SpeakerFields } from './speakers.repository.ts';
import {
	createSpeakerSchema,
	patchSpeakerSchema,
	projectSpeakersParamsSchema,
	speakerEnvelopeSchema,
	speakerParamsSchema,
	type PatchSpeakerInput
} from './speakers.schemas.ts';

const codeTaken = (code: string) =>
	apiError('speaker_code_taken', `The project already has a speaker with code ${code}`, { speakerCode: code });

const unknownDialect = (code: string) =>
	apiError('unknown_dialect', `The project's taxonomy has no dialect tag ${code}`, { homeDialect: code });

const codeTakenDoc = 'Another speaker of the project has this code (`speaker_code_taken`)';
const unknownDialectDoc = '`homeDialect` is not a tag code of the project (`unknown_dialect`, with `homeDialect`)';

const doc = {
	create: describe({
		tags: ['speakers'],
		summary: 'Add a speaker',
		responses: {
			201: ok(speakerEnvelopeSchema, 'Created'),
			...errors({ 404: 'Project not found', 409: codeTakenDoc, 422: unknownDialectDoc })
		}
	}),
	patch: describe({
		tags: ['speakers'],
		summary: "Edit a speaker's code, name or details, or retire it (only the fields given change)",
		responses: {
			200: ok(speakerEnvelopeSchema),
			...errors({ 404: 'Project or speaker not found', 409: codeTakenDoc, 422: unknownDialectDoc })
		}
	})
};

/** The columns a create or patch body sets (absent fields stay as they are). */
function toFields(input: PatchSpeakerInput): Partial<SpeakerFields> {
	const patch: Partial<SpeakerFields> = {};
	if (input.code !== undefined) patch.code = input.code;
	if (input.name !== undefined) patch.name = input.name;
	if (input.gender !== undefined) patch.gender = input.gender;
	if (input.ageBand !== undefined) patch.age_band = input.ageBand;
	if (input.homeDialect !== undefined) patch.home_dialect = input.homeDialect;
	if (input.place !== undefined) patch.place = input.place;
	if (input.isActive !== undefined) patch.is_active = input.isActive ? 1 : 0;
	return patch;
}

/** A home dialect must be one of the project's tag codes at the time it is set. */
async function homeDialectIsKnown(db: Db, projectId: string, code: string | null | undefined) {
	return !code || (await dialectCodeExists(db, projectId, code));
}

/**
 * Speakers of one project; mounted under /api/projects/:projectId/speakers. Part of the project's
 * setup, so writing them needs canManageProject.
 */
export function speakersRoutes({ db }: Deps) {
	const manager = requireProjectManager(db);
	const speakerManager = requireProjectManager(db, 'Project or speaker not found');
	return new Hono<AuthEnv>()
		.post(
			'/',
			doc.create,
			params(projectSpeakersParamsSchema),
			manager,
			jsonBody(createSpeakerSchema),
			async (c) => {
				const projectId = c.var.projectId;
				const input = c.req.valid('json');
				const fields: SpeakerFields = {
					code: input.code,
					name: input.name,
					gender: input.gender ?? null,
					age_band: input.ageBand ?? null,
					home_dialect: input.homeDialect ?? null,
					place: input.place ?? null,
					is_active: input.isActive === false ? 0 : 1
				};
				if (!(await homeDialectIsKnown(db, projectId, fields.home_dialect))) {
					return c.json(unknownDialect(fields.home_dialect!), 422);
				}
				if (await findSpeakerByCode(db, projectId, input.code)) return c.json(codeTaken(input.code), 409);
				try {
					const row = await db.transaction().execute(async (trx) => {
						const speaker = await insertSpeaker(trx, projectId, fields);
						await touchProject(trx, projectId);
						const details = { code: speaker.code, name: speaker.name };
						await audit(trx, { projectId, actorId: c.var.user.id, action: 'speaker.create', target: { type: 'speaker', id: speaker.id }, details });
						return speaker;
					});
					return c.json({ speaker: toSpeakerDto(row) }, 201);
				} catch (err) {
					if (isUniqueViolation(err)) return c.json(codeTaken(input.code), 409);
					throw err;
				}
			}
		)
		.patch(
			'/:speakerId',
			doc.patch,
			params(speakerParamsSchema),
			speakerManager,
			jsonBody(patchSpeakerSchema),
			async (c) => {
				const projectId = c.var.projectId;
				const { speakerId } = c.req.valid('param');
				const patch = toFields(c.req.valid('json'));
				if (!(await homeDialectIsKnown(db, projectId, patch.home_dialect))) {
					return c.json(unknownDialect(patch.home_dialect!), 422);
				}
				if (patch.code !== undefined) {
					const holder = await findSpeakerByCode(db, projectId, patch.code);
					if (holder && holder.id !== speakerId) return c.json(codeTaken(patch.code), 409);
				}
				try {
					const row =
						Object.keys(patch).length === 0
							? await findSpeaker(db, projectId, speakerId)
							: await db.transaction().execute(async (trx) => {
									const before = await findSpeaker(trx, projectId, speakerId);
									const speaker = await updateSpeaker(trx, projectId, speakerId, patch);
									if (!speaker || !before) return speaker;
									await touchProject(trx, projectId);
									const details = { code: speaker.code, ...changedFields(before, patch) };
									if (Object.keys(details.changes).length > 0) {
										await audit(trx, { projectId, actorId: c.var.user.id, action: 'speaker.update', target: { type: 'speaker', id: speakerId }, details });
									}
									return speaker;
								});
					if (!row) return notFound(c, 'Speaker');
					return c.json({ speaker: toSpeakerDto(row) }, 200);
				} catch (err) {
					if (isUniqueViolation(err) && patch.code) return c.json(codeTaken(patch.code), 409);
					throw err;
				}
			}
		);
}
