import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { collect, type InteropSegment } from '../interop/model.ts';
import { writeTextGrid } from '../interop/textgrid.ts';
import { createProject } from '../projects/projects.service.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { importIntoRecording } from './transcript-import.service.ts';

/**
 * `import_textgrid_s_10k` for `npm run bench`: a TextGrid of `intervals` intervals (4 speakers,
 * Chinese text with quotes and backslashes, 1 s apart) imported into a recording of a fresh SQLite
 * database through the service the route uses — parse, preview (mapping, diff) and apply (4
 * speakers created, every segment inserted with its revision) in one transaction. Also reported:
 * the preview alone, and a second import of the same file in merge mode (all unchanged).
 */
export async function measureTranscriptImport(intervals = 10_000): Promise<{
	seconds: number;
	previewSeconds: number;
	unchangedSeconds: number;
	bytes: number;
	created: number;
}> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-bench-import-'));
	const handle = createDb({ url: path.join(dir, 'bench.db') });
	try {
		const db = handle.db;
		await migrateToLatest(db);
		const project = await createProject(db, { name: 'Import bench', createdBy: null });
		if (!project.ok) throw new Error('could not create the bench project');
		const durationMs = intervals * 1000 + 1000;
		const recording = await insertTestRecording(db, { projectId: project.project.id, durationMs });
		const segments: InteropSegment[] = Array.from({ length: intervals }, (_, i) => ({
			startMs: i * 1000,
			endMs: i * 1000 + 900,
			speaker: `spk${i % 4}`,
			dialect: null,
			texts: { transcript: `第${i}句 "引号" 和 \\ 反斜杠` },
			status: 'transcribed',
			origin: 'human'
		}));
		const text = await collect(writeTextGrid({ segments }, { durationMs, statusTier: false }));
		const file = { name: 'bench.TextGrid', bytes: Buffer.from(text) };
		const run = async (apply: boolean, mode: 'merge' | 'replace') => {
			const started = performance.now();
			const result = await importIntoRecording(db, { recordingId: recording.id, file, options: { mode }, apply, userId: null });
			if (!result.ok) throw new Error(`import failed: ${result.body.error.message}`);
			return { seconds: (performance.now() - started) / 1000, result };
		};
		const preview = await run(false, 'replace');
		const applied = await run(true, 'replace');
		const again = await run(true, 'merge');
		if (again.result.applied?.unchanged !== intervals) throw new Error('the second import should change nothing');
		return {
			seconds: applied.seconds,
			previewSeconds: preview.seconds,
			unchangedSeconds: again.seconds,
			bytes: file.bytes.length,
			created: applied.result.applied?.created ?? 0
		};
	} finally {
		await handle.close();
		rmSync(dir, { recursive: true, force: true });
	}
}
