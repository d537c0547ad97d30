import { Hono } from 'hono';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';
import { notFound } from '../lib/http.ts';
import { describe, errors, ok, params } from '../lib/openapi.ts';
import { recordingExists } from '../segments/segments.repository.ts';
import { toRecordingEventDto } from './events.mapper.ts';
import { listRecordingEvents } from './events.repository.ts';
import { recordingEventListSchema, recordingEventsParamSchema } from './events.schemas.ts';

const doc = describe({
	tags: ['segments'],
	summary: "A recording's events: points and spans that are not segments (TextGrid point tiers, Transcriber events)",
	description: 'Read-only: transcript imports write them (a replace import replaces them).',
	responses: { 200: ok(recordingEventListSchema), ...errors({ 404: 'Recording not found' }) }
});

/** Events of one recording; mounted at /api/recordings/:recordingId/events. */
export function recordingEventsRoutes({ db }: Deps) {
	return new Hono<AuthEnv>().get('/', doc, params(recordingEventsParamSchema), async (c) => {
		const { recordingId } = c.req.valid('param');
		if (!(await recordingExists(db, recordingId))) return notFound(c, 'Recording');
		const rows = await listRecordingEvents(db, recordingId);
		return c.json({ events: rows.map(toRecordingEventDto) }, 200);
	});
}
