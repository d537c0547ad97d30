import { Hono } from 'hono';
import { requireProjectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { describe, errors, jsonBody, ok, params } from '../lib/openapi.ts';
import { appliedSchema, presegmentBodySchema, presegmentParamSchema, proposalsSchema } from './presegment.schemas.ts';
import { applyProposals, proposeForRecording } from './presegment.service.ts';

const doc = describe({
	tags: ['segments'],
	summary: 'Propose segments from voice activity (silencedetect-style), or insert them',
	description: 'With apply=false only proposals are returned; with apply=true those overlapping no existing segment are inserted.',
	responses: {
		200: ok(proposalsSchema, 'Preview (apply=false)'),
		201: ok(appliedSchema, 'Inserted (apply=true)'),
		...errors({
			409: 'The recording is not ready (`not_ready`) or its audio is missing (`no_audio`)',
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
	return new Hono<AuthEnv>().post(
		'/',
		doc,
		params(presegmentParamSchema),
		requireProjectAccess(deps.db, { from: 'recording', param: 'recordingId', need: 'transcribe' }),
		jsonBody(presegmentBodySchema),
		async (c) => {
			const { apply, ...options } = c.req.valid('json');
			const { recordingId } = c.req.valid('param');
			// The client going away (a newer preview, a closed tab) stops ffmpeg.
			const signal = c.req.raw.signal;
			const proposed = await slots.run(() => proposeForRecording(deps, { recordingId, options, signal }));
			if (!proposed.ok) return c.json(proposed.body, proposed.status);
			if (!apply) return c.json({ proposals: proposed.proposals }, 200);

			const applied = await applyProposals(deps, { recordingId, proposals: proposed.proposals, userId: c.var.user.id });
			if (!applied.ok) return c.json(applied.body, applied.status);
			return c.json({ segments: applied.segments, skipped: applied.skipped }, 201);
		}
	);
}
