import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type StaticRoute = { body: string; type: string } | { file: string; type: string };

/**
 * A tiny HTTP server on 127.0.0.1 for standalone benchmark pages: fixed routes only (path → inline
 * body or file), whole responses with Content-Length, nothing else.
 */
export async function startStaticServer(routes: Record<string, StaticRoute>): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
		if (!route) {
			res.writeHead(404).end();
			return;
		}
		if ('body' in route) {
			const body = Buffer.from(route.body);
			res.writeHead(200, { 'content-type': route.type, 'content-length': body.length, 'cache-control': 'no-store' }).end(body);
			return;
		}
		res.writeHead(200, { 'content-type': route.type, 'content-length': statSync(route.file).size, 'cache-control': 'no-store' });
		createReadStream(route.file).pipe(res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
