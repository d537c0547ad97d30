import { Hono } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { apiError } from '../lib/errors.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { findProjectId, isUniqueViolation, touchProject } from '../projects/projects.repository.ts';
import { toSpeakerDto } from './speakers.mapper.ts';
import { findSpeaker, findSpeakerByCode, insertSpeaker, updateSpeaker, type SpeakerFields } from './speakers.repository.ts';
import {
	createSpeakerSchema,
	patchSpeakerSchema,
	projectSpeakersParamsSchema,
	speakerEnvelopeSchema,
	speakerParamsSchema
} from './speakers.schemas.ts';

const codeTaken = (code: string) =>
	apiError('speaker_code_taken', `The project already has a speaker with code ${code}`, { speakerCode: code });

const codeTakenDoc = 'Another speaker of the project has this code (`speaker_code_taken`)';

const doc = {
	create: describe({
		tags: ['speakers'],
		summary: 'Add a speaker',
		responses: { 201: ok(speakerEnvelopeSchema, 'Created'), ...errors({ 404: 'Project not found', 409: codeTakenDoc }) }
	}),
	patch: describe({
		tags: ['speakers'],
		summary: "Edit a speaker's code, name or details (only the fields given change)",
		responses: { 200: ok(speakerEnvelopeSchema), ...errors({ 404: 'Project or speaker not found', 409: codeTakenDoc }) }
	})
};

/** Speakers of one project; mounted under /api/projects/:projectId/speakers. */
export function speakersRoutes({ db }: Deps) {
	return new Hono<AuthEnv>()
		.post(
			'/',
			doc.create,
			requireRole('admin', 'reviewer', 'transcriber'),
			params(projectSpeakersParamsSchema),
			jsonBody(createSpeakerSchema),
			async (c) => {
				const projectId = await findProjectId(db, c.req.valid('param').projectId);
				if (!projectId) return notFound(c, 'Project');
				const input = c.req.valid('json');
				const fields: SpeakerFields = {
					code: input.code,
					name: input.name,
					gender: input.gender ?? null,
					age_band: input.ageBand ?? null,
					home_dialect: input.homeDialect ?? null,
					place: input.place ?? null
				};
				if (await findSpeakerByCode(db, projectId, input.code)) return c.json(codeTaken(input.code), 409);
				try {
					const row = await db.transaction().execute(async (trx) => {
						const speaker = await insertSpeaker(trx, projectId, fields);
						await touchProject(trx, projectId);
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
			requireRole('admin', 'reviewer', 'transcriber'),
			params(speakerParamsSchema),
			jsonBody(patchSpeakerSchema),
			async (c) => {
				const projectId = await findProjectId(db, c.req.valid('param').projectId);
				if (!projectId) return notFound(c, 'Project');
				const { speakerId } = c.req.valid('param');
				const input = c.req.valid('json');
				const patch: Partial<SpeakerFields> = {};
				if (input.code !== undefined) patch.code = input.code;
				if (input.name !== undefined) patch.name = input.name;
				if (input.gender !== undefined) patch.gender = input.gender;
				if (input.ageBand !== undefined) patch.age_band = input.ageBand;
				if (input.homeDialect !== undefined) patch.home_dialect = input.homeDialect;
				if (input.place !== undefined) patch.place = input.place;

				if (patch.code !== undefined) {
					const holder = await findSpeakerByCode(db, projectId, patch.code);
					if (holder && holder.id !== speakerId) return c.json(codeTaken(patch.code), 409);
				}
				try {
					const row =
						Object.keys(patch).length === 0
							? await findSpeaker(db, projectId, speakerId)
							: await db.transaction().execute(async (trx) => {
									const speaker = await updateSpeaker(trx, projectId, speakerId, patch);
									if (speaker) await touchProject(trx, projectId);
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
