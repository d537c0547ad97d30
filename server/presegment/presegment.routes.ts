import { Hono } from 'hono';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Deps } from '../deps.ts';

export function presegmentRoutes(_deps: Deps) {
	return new Hono<AuthEnv>();
}
