import { Hono } from 'hono';
import { requireProjectAccess } from '../access/access.ts';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { describe, ok, params } from '../lib/openapi.ts';
import { toRecordingEventDto } from './events.mapper.ts';
import { listRecordingEvents } from './events.repository.ts';
import { recordingEventListSchema, recordingEventsParamSchema } from './events.schemas.ts';

const doc = describe({
	tags: ['segments'],
	summary: "A recording's events: points and spans that are not segments (TextGrid point tiers, Transcriber events)",
	description: 'Read-only: transcript imports write them (a replace import replaces them).',
	responses: { 200: ok(recordingEventListSchema) }
});

/** Events of one recording; mounted at /api/recordings/:recordingId/events. */
export function recordingEventsRoutes({ db }: Deps) {
	const reader = requireProjectAccess(db, { from: 'recording', param: 'recordingId', need: 'read' });
	return new Hono<AuthEnv>().get('/', doc, params(recordingEventsParamSchema), reader, async (c) => {
		const { recordingId } = c.req.valid('param');
		const rows = await listRecordingEvents(db, recordingId);
		return c.json({ events: rows.map(toRecordingEventDto) }, 200);
	});
}
