/**
 * One ingest in a process of its own, so the bench can measure its memory (this process plus its
 * ffmpeg) without the bench's own heap in the way:
 *   tsx scripts/bench/ingest-child.ts <dataDir> <projectId> <file>
 * prints one JSON line (IngestOutcome + this process's maxRSS) and exits.
 */
import { ingestFile } from './lib/ingest.ts';
import { openDeps } from './lib/workspace.ts';

const [dataDir, projectId, file] = process.argv.slice(2);
if (!dataDir || !projectId || !file) {
	process.stderr.write('usage: ingest-child.ts <dataDir> <projectId> <file>\n');
	process.exit(2);
}
const { deps, handle } = await openDeps(dataDir);
try {
	const outcome = await ingestFile(deps, { projectId, file });
	process.stdout.write(`${JSON.stringify({ ...outcome, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
} finally {
	await handle.close();
}
