import type { TestProject } from 'vitest/node';
import { findPostgres } from './postgres.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		pgUrl: string;
	}
}

/**
 * The data-layer and API tests run on SQLite and on a real PostgreSQL server. This finds the server
 * once (TEST_DATABASE_URL, else 127.0.0.1:5432/test) and stops the run with a clear message when
 * there is none; `npm run test:ci` installs and starts Debian's postgresql first where it can.
 */
export default async function setup(project: TestProject) {
	const url = await findPostgres();
	project.provide('pgUrl', url);
}
