import { Hono } from 'hono';
import { requireProjectAccess, type AccessEnv } from '../access/access.ts';
import type { Deps } from '../deps.ts';
import { describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { heldVariant, inWindows, transcriptionNoun, writableWindows } from '../tasks/variant-access.ts';
import { appliedSchema, presegmentBodySchema, presegmentParamSchema, proposalsSchema } from './presegment.schemas.ts';
import { applyProposals, proposeForRecording } from './presegment.service.ts';

const doc = describe({
	tags: ['segments'],
	summary: 'Propose segments from voice activity (silencedetect-style), or insert them',
	description:
		"With apply=false only proposals are returned; with apply=true those overlapping no existing segment of the transcription are inserted. The transcription is `variant`, by default that of the task you hold in progress on the recording (else the primary); in a variant k > 0 only the proposals within your task's window count.",
	responses: {
		200: ok(proposalsSchema, 'Preview (apply=false)'),
		201: ok(appliedSchema, 'Inserted (apply=true)'),
		...errors({
			404: 'Recording not found, or a transcription (variant) you may not see',
			409: 'The recording is not ready (`not_ready`), its audio is missing (`no_audio`), or the variant is not yours to edit now (`variant_not_editable`: a task not in progress, or another transcriber\'s)',
			422: 'ffmpeg could not analyse the audio (`undecodable`)'
		})
	}
});

/**
 * Pre-segmentation from voice activity; mounted under /api/recordings/:recordingId/presegment.
 * `apply: false` previews the proposals; `apply: true` inserts those that overlap no segment.
 */
export function presegmentRoutes(deps: Deps) {
	// A preview decodes the whole recording: it takes one of the shared ffmpeg slots, the rest queue
	// (a user dragging a threshold slider sends many).
	const slots = deps.media.slots;
	return new Hono<AccessEnv>().post(
		'/',
		doc,
		params(presegmentParamSchema),
		requireProjectAccess(deps.db, { from: 'recording', param: 'recordingId', need: 'transcribe' }),
		jsonBody(presegmentBodySchema),
		async (c) => {
			const { apply, variant: asked, ...options } = c.req.valid('json');
			const { recordingId } = c.req.valid('param');
			const variant = asked ?? (await heldVariant(deps.db, c.var.user.id, recordingId));
			// Before any decoding: someone who may not write the variant learns nothing from the audio.
			const windows = await writableWindows(deps.db, { access: c.var.access, userId: c.var.user.id, recordingId, variant, notFound: transcriptionNoun(variant) });
			// The client going away (a newer preview, a closed tab) stops ffmpeg.
			const signal = c.req.raw.signal;
			const proposed = await slots.run(() => proposeForRecording(deps, { recordingId, options, signal }));
			if (!proposed.ok) return c.json(proposed.body, proposed.status);
			const proposals = proposed.proposals.filter((p) => inWindows(p, windows));
			if (!apply) return c.json({ proposals, variant }, 200);

			const applied = await applyProposals(deps, { recordingId, proposals, userId: c.var.user.id, variant });
			if (!applied.ok) return c.json(applied.body, applied.status);
			return c.json({ segments: applied.segments, skipped: applied.skipped, variant }, 201);
		}
	);
}
