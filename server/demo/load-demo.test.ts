import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/connection.ts';
import { loadConfig } from '../env.ts';
import { startServer } from '../index.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { readDemoManifest } from './demo-manifest.ts';
import { DEMO_NAME, DEMO_SLUG, loadDemoCorpus, loadDemoIfEmpty } from './load-demo.ts';

const manifest = readDemoManifest();
const prefilled = manifest.recordings.reduce((n, r) => n + r.segments.length, 0);

describe('demo corpus manifest', () => {
	it('describes committed recordings whose segments lie inside them, in order', () => {
		expect(manifest.recordings.length).toBeGreaterThanOrEqual(3);
		for (const r of manifest.recordings) {
			expect(r.durationMs).toBeGreaterThan(15_000);
			expect(r.segments.length).toBeGreaterThan(0);
			let previousEnd = 0;
			for (const s of r.segments) {
				expect(s.startMs).toBeGreaterThanOrEqual(previousEnd);
				expect(s.endMs).toBeGreaterThan(s.startMs);
				expect(s.endMs).toBeLessThanOrEqual(r.durationMs);
				expect(s.texts.transcript).toBeTruthy();
				expect(manifest.speakers.some((sp) => sp.code === s.speaker)).toBe(true);
				previousEnd = s.endMs;
			}
		}
	});
});

describe.each(DB_KINDS)('loadDemoIfEmpty on %s', (kind) => {
	let ctx: TestContext;
	let cookie: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		cookie = (await ctx.createUser('admin')).cookie;
	});
	afterAll(() => ctx.close());

	it('creates the demo project with its speakers, recordings and pre-filled segments on an empty database', async () => {
		const result = await loadDemoIfEmpty(ctx.deps);
		expect(result?.recordingIds).toHaveLength(manifest.recordings.length);
		expect(result?.segmentCount).toBe(prefilled);

		const res = await ctx.request(`/api/projects/${DEMO_SLUG}`, { cookie });
		expect(res.status).toBe(200);
		const { project } = (await res.json()) as {
			project: {
				name: string;
				guidelines: string;
				recordingCount: number;
				segmentCount: number;
				speakers: { code: string }[];
				dialectTags: { id: string; code: string }[];
				textLayers: { key: string }[];
			};
		};
		expect(project.name).toBe(DEMO_NAME);
		expect(project.guidelines).toContain('Jyutping');
		expect(project.recordingCount).toBe(manifest.recordings.length);
		expect(project.segmentCount).toBe(prefilled);
		expect(project.speakers.map((s) => s.code).sort()).toEqual(manifest.speakers.map((s) => s.code).sort());
		expect(project.dialectTags.map((t) => t.code)).toEqual(expect.arrayContaining(['yue-gz', 'hak-mx', 'cmn', 'eng-sco', 'eng-nyc']));
		expect(project.textLayers.map((l) => l.key)).toEqual(['transcript', 'romanization', 'mandarin']);

		// The Hakka recording's first segment: times, speaker, tag and texts as the manifest has them.
		const hakka = manifest.recordings.findIndex((r) => r.file.startsWith('hakka'));
		const segRes = await ctx.request(`/api/recordings/${result!.recordingIds[hakka]}/segments`, { cookie });
		expect(segRes.status).toBe(200);
		const { segments } = (await segRes.json()) as {
			segments: { startMs: number; endMs: number; dialectTagId: string; texts: Record<string, string>; version: number }[];
		};
		const expected = manifest.recordings[hakka].segments;
		expect(segments).toHaveLength(expected.length);
		expect(segments[0]).toMatchObject({ startMs: expected[0].startMs, endMs: expected[0].endMs, version: 1, texts: expected[0].texts });
		expect(project.dialectTags.find((t) => t.id === segments[0].dialectTagId)?.code).toBe('hak-mx');

		// Each recording went through ingest: an original stored by sha256 and a queued job.
		const jobs = await ctx.deps.db.selectFrom('job').select(['kind', 'payload']).execute();
		expect(jobs.filter((j) => j.kind === 'ingest')).toHaveLength(manifest.recordings.length);
		const shas = await ctx.deps.db.selectFrom('recording').select('sha256').execute();
		expect(shas.map((r) => r.sha256).sort()).toEqual(manifest.recordings.map((r) => r.sha256).sort());

		// Every pre-filled segment has its 'create' revision.
		const revisions = await ctx.deps.db.selectFrom('segment_revision').select('action').execute();
		expect(revisions.filter((r) => r.action === 'create')).toHaveLength(prefilled);
	});

	it('does nothing when the database already has projects', async () => {
		expect(await loadDemoIfEmpty(ctx.deps)).toBeUndefined();
		expect(await loadDemoCorpus(ctx.deps)).toBeUndefined();
		const projects = await ctx.deps.db.selectFrom('project').select('id').execute();
		expect(projects).toHaveLength(1);
		const recordings = await ctx.deps.db.selectFrom('recording').select('id').execute();
		expect(recordings).toHaveLength(manifest.recordings.length);
	});
});

describe('startServer with the demo enabled', () => {
	let dataDir: string;
	beforeAll(() => {
		dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangyan-demo-start-'));
	});
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	const start = () =>
		startServer(
			{ ...loadConfig({ FANGYAN_DATA_DIR: dataDir, LOG_LEVEL: 'error' }), host: '127.0.0.1', port: 0, loadDemo: true, workers: 0 },
			{ staticDir: path.join(dataDir, 'no-build') }
		);

	it('loads the demo on the first start only', async () => {
		for (let i = 0; i < 2; i++) {
			const running = await start();
			await running.close();
		}
		const handle = createDb({ url: path.join(dataDir, 'fangyan.db') });
		try {
			const projects = await handle.db.selectFrom('project').select('slug').execute();
			expect(projects.map((p) => p.slug)).toEqual([DEMO_SLUG]);
			const recordings = await handle.db.selectFrom('recording').select('id').execute();
			expect(recordings).toHaveLength(manifest.recordings.length);
		} finally {
			await handle.close();
		}
	});
});
