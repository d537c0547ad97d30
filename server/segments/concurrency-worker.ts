/**
 * A second (third…) process writing to the same SQLite file as the test that spawns it, through the
 * same services the API uses. Usage (via tsx):
 *   concurrency-worker.ts <db file> <recordingId> <hot segment id> <label> <count> <userId>
 * Prints `ready`, waits for a line on stdin, then creates <count> segments and updates the shared
 * hot segment <count> times (re-reading the version after a 409), and prints a JSON summary.
 */
import { createInterface } from 'node:readline';
import { createDb } from '../db/connection.ts';
import { createSegment, updateSegment } from './segments.service.ts';
import { findSegment } from './segments.repository.ts';

async function main() {
	const [file, recordingId, hotId, label, countArg, userId] = process.argv.slice(2);
	const count = Number(countArg);
	const { db, close } = createDb({ url: file });
	process.stdout.write('ready\n');
	const lines = createInterface({ input: process.stdin });
	await new Promise<void>((resolve) => lines.once('line', () => resolve()));
	lines.close();

	let created = 0;
	let hotUpdates = 0;
	let conflicts = 0;
	for (let i = 0; i < count; i++) {
		const result = await createSegment(db, {
			recordingId,
			userId,
			input: { startMs: i * 10, endMs: i * 10 + 5, texts: { transcript: `${label} ${i}` } }
		});
		if (!result.ok) throw new Error(`create failed: ${JSON.stringify(result.body)}`);
		created++;

		for (;;) {
			const current = await findSegment(db, hotId);
			if (!current) throw new Error('hot segment vanished');
			const update = await updateSegment(db, {
				id: hotId,
				userId,
				patch: { version: current.version, texts: { transcript: `${label} ${i}` } }
			});
			if (update.ok) break;
			if (update.status !== 409) throw new Error(`update failed: ${JSON.stringify(update.body)}`);
			conflicts++;
		}
		hotUpdates++;
	}
	await close();
	process.stdout.write(JSON.stringify({ label, created, hotUpdates, conflicts }) + '\n');
}

main().catch((err) => {
	process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
	process.exit(1);
});
