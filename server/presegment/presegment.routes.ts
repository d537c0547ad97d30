import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { requireRole, type AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { onInvalid } from '../lib/http.ts';
import { presegmentBodySchema } from './presegment.schemas.ts';
import { applyProposals, proposeForRecording } from './presegment.service.ts';

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
		requireRole('admin', 'reviewer', 'transcriber'),
		zValidator('json', presegmentBodySchema, onInvalid),
		async (c) => {
			const { apply, ...options } = c.req.valid('json');
			const recordingId = c.req.param('recordingId') ?? '';
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
