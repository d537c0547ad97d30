import type { Context } from 'hono';
import { media } from './openapi.ts';

/**
 * Streams `chunks` as a CSV download: the response starts with the first chunk, so a large table
 * never sits in memory and the browser shows progress. A failure midway ends the stream (the
 * client sees a truncated download, as with any broken connection).
 */
export function csvResponse(c: Context, fileName: string, chunks: AsyncGenerator<string>) {
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { value, done } = await chunks.next();
				if (done) controller.close();
				else controller.enqueue(encoder.encode(value));
			} catch (err) {
				controller.error(err);
			}
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
	return c.body(body, 200, {
		'Content-Type': 'text/csv; charset=utf-8',
		'Content-Disposition': `attachment; filename="${fileName}"`,
		'Cache-Control': 'no-store'
	});
}

/** How a CSV download is declared in the API document. */
export const csvDoc = (description: string) =>
	media(['text/csv'], description, { 'Content-Disposition': 'attachment; filename="…csv"' });
