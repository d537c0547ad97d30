import http from 'node:http';

export interface JsonResponse<T = unknown> {
	status: number;
	body: T;
	headers: http.IncomingHttpHeaders;
}

/**
 * One JSON request over `agent` (keep-alive). node:http rather than fetch: the load generator must
 * cost far less than the server it measures, and undici's fetch spends several times more CPU per
 * request than a bare http.request on Node 20.
 */
export function requestJson<T = unknown>(
	agent: http.Agent,
	url: string,
	options: { method?: string; body?: unknown; cookie?: string } = {}
): Promise<JsonResponse<T>> {
	return new Promise((resolve, reject) => {
		const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
		const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
		if (payload) {
			headers['content-type'] = 'application/json';
			headers['content-length'] = payload.length;
		}
		if (options.cookie) headers.cookie = options.cookie;
		const req = http.request(url, { method: options.method ?? 'GET', agent, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown = text;
				if ((res.headers['content-type'] ?? '').includes('json')) {
					try {
						body = JSON.parse(text);
					} catch {
						body = text;
					}
				}
				resolve({ status: res.statusCode ?? 0, body: body as T, headers: res.headers });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

/** GET that reads (and discards) the body; resolves with status, bytes and time to the last byte. */
export function timedGet(
	agent: http.Agent,
	url: string,
	cookie: string
): Promise<{ status: number; bytes: number; ms: number; headers: http.IncomingHttpHeaders }> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const req = http.request(url, { agent, headers: { cookie } }, (res) => {
			let bytes = 0;
			res.on('data', (chunk: Buffer) => (bytes += chunk.length));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started, headers: res.headers }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}
