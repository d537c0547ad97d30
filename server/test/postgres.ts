import pg from 'pg';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Returns a reachable PostgreSQL URL for tests, or throws saying how to provide one. */
export async function findPostgres(): Promise<string> {
	const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_PG_URL;
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
	try {
		await client.connect();
		await client.query('select 1');
		return url;
	} catch (err) {
		throw new Error(
			`The tests need a PostgreSQL server and none answered at ${url.replace(/:[^:@/]*@/, ':***@')} ` +
				`(${(err as Error).message}). Run 'npm run test:ci' (it installs and starts Debian's postgresql when run as root), ` +
				`or start one yourself and set TEST_DATABASE_URL=postgres://user@host:port/database.`
		);
	} finally {
		await client.end().catch(() => {});
	}
}
