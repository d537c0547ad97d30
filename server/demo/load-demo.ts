import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { upsertMember } from '../access/members.repository.ts';
import type { Deps } from '../deps.ts';
import { DEFAULT_DIALECT_TAXONOMY } from '../projects/default-taxonomy.ts';
import { listDialectTags } from '../projects/projects.repository.ts';
import { createProject } from '../projects/projects.service.ts';
import { importRecordingFromFile } from '../recordings/recordings.service.ts';
import { createSegments } from '../segments/segments.service.ts';
import { insertSpeaker } from '../speakers/speakers.repository.ts';
import { listUsers } from '../users/users.repository.ts';
import { DEMO_CORPUS_DIR, readDemoManifest } from './demo-manifest.ts';
import { hasAnyProject } from './demo.repository.ts';

export const DEMO_SLUG = 'demo';
export const DEMO_NAME = 'Demo: 方言 sampler';
const DEMO_DESCRIPTION =
	'Four short synthesized dialogues (espeak-ng) in Cantonese, Mandarin, Hakka and Scottish/New York English, ' +
	'each with its first utterances already transcribed. 四段合成对话：粤语、普通话、客家话和英语方言。';
const GUIDELINES_FILE = fileURLToPath(new URL('./demo-guidelines.md', import.meta.url));

export interface DemoLoadResult {
	projectId: string;
	recordingIds: string[];
	segmentCount: number;
}

/**
 * Creates the demo project from scripts/demo-corpus/: the default taxonomy plus the corpus's extra
 * tags, the default layers, its speakers, each recording imported through the normal ingest path
 * (rendition and peaks follow from the job queue), and the pre-filled segments with their 'create'
 * revisions; the instance's members join it as transcribers. Returns undefined when a project with
 * the demo's slug already exists.
 */
export async function loadDemoCorpus(deps: Deps, options: { dir?: string } = {}): Promise<DemoLoadResult | undefined> {
	const dir = options.dir ?? DEMO_CORPUS_DIR;
	const manifest = readDemoManifest(dir);
	const { db } = deps;

	const created = await createProject(db, {
		name: DEMO_NAME,
		slug: DEMO_SLUG,
		description: DEMO_DESCRIPTION,
		guidelines: readFileSync(GUIDELINES_FILE, 'utf8'),
		createdBy: null,
		taxonomy: [...DEFAULT_DIALECT_TAXONOMY, ...manifest.extraDialectTags]
	});
	if (!created.ok) return undefined;
	const projectId = created.project.id;
	// Everyone already on the instance may try the editor on it (admins see it anyway); an admin
	// changes roles on the project's Members tab.
	for (const user of await listUsers(db)) {
		if (user.role === 'member') await upsertMember(db, { projectId, userId: user.id, role: 'transcriber', createdBy: null });
	}

	const speakerIds = new Map<string, string>();
	for (const s of manifest.speakers) {
		const row = await insertSpeaker(db, projectId, {
			code: s.code,
			name: s.name.normalize('NFC'),
			gender: s.gender,
			age_band: s.ageBand,
			home_dialect: s.homeDialect,
			place: s.place?.normalize('NFC') ?? null
		});
		speakerIds.set(s.code, row.id);
	}
	const tagIds = new Map((await listDialectTags(db, projectId)).map((t) => [t.code, t.id]));

	const recordingIds: string[] = [];
	let segmentCount = 0;
	for (const r of manifest.recordings) {
		const recording = await importRecordingFromFile(deps, {
			projectId,
			filePath: path.join(dir, r.file),
			name: `${r.name}${path.extname(r.file)}`,
			userId: null,
			place: r.place,
			metadata: { source: 'demo corpus (espeak-ng)', speakers: r.speakers },
			move: false
		});
		recordingIds.push(recording.id);
		const result = await createSegments(db, {
			recordingId: recording.id,
			userId: null,
			inputs: r.segments.map((s) => ({
				startMs: s.startMs,
				endMs: s.endMs,
				speakerId: speakerIds.get(s.speaker) ?? null,
				dialectTagId: tagIds.get(s.dialect) ?? tagIds.get(s.dialect.split('-')[0]) ?? null,
				texts: s.texts,
				status: s.status
			}))
		});
		if (!result.ok) throw new Error(`demo segments of ${r.file}: ${result.body.error.message}`);
		segmentCount += result.segments.length;
	}
	return { projectId, recordingIds, segmentCount };
}

/**
 * On start: loads the demo into a database that has no project yet (a fresh install). A failure is
 * logged and the server starts anyway; the demo is a convenience, not a dependency.
 */
export async function loadDemoIfEmpty(deps: Deps): Promise<DemoLoadResult | undefined> {
	if (await hasAnyProject(deps.db)) return undefined;
	try {
		const result = await loadDemoCorpus(deps);
		if (result) {
			deps.log.info(`Loaded the demo project "${DEMO_NAME}": ${result.recordingIds.length} recordings, ${result.segmentCount} segments`);
		}
		return result;
	} catch (err) {
		deps.log.error('Could not load the demo project', err);
		return undefined;
	}
}
