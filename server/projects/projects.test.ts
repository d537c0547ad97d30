import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { DEFAULT_DIALECT_TAXONOMY, DEFAULT_TEXT_LAYERS, type TaxonomyNode } from './default-taxonomy.ts';
import type { DialectTagDto, ProjectDto } from './projects.mapper.ts';
import { deriveSlug } from './projects.service.ts';

describe(deriveSlug.name, () => {
	it.each([
		['Hakka Oral History', 'hakka-oral-history'],
		['  Café Wu  (Suzhou) ', 'cafe-wu-suzhou'],
		['粤语 Cantonese 2024', 'cantonese-2024'],
		['客家话口述史', 'project-abcdefgh']
	])('%s → %s', (name, slug) => {
		expect(deriveSlug(name, '0123456789abababcdefgh')).toBe(slug);
	});
});

describe.each(DB_KINDS)('projects on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let exporter: { id: string; cookie: string };

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		exporter = await ctx.createUser('exporter');
	});
	afterAll(() => ctx.close());

	async function create(body: Record<string, unknown>, cookie = admin.cookie) {
		return ctx.json('POST', '/api/projects', body, cookie);
	}

	/** A project made by the admin, with the transcriber and the exporter as its members. */
	async function createOk(name: string, extra: Record<string, unknown> = {}): Promise<ProjectDto> {
		const res = await create({ name, ...extra });
		expect(res.status).toBe(201);
		const project: ProjectDto = (await res.json()).project;
		await ctx.addMember(project.id, transcriber);
		await ctx.addMember(project.id, exporter);
		return project;
	}

	function tagByCode(project: ProjectDto, code: string): DialectTagDto {
		const tag = project.dialectTags.find((t) => t.code === code);
		if (!tag) throw new Error(`no tag ${code}`);
		return tag;
	}

	it('an admin creates a project with the default taxonomy and text layers', async () => {
		const project = await createOk('Guangdong Fieldwork', { description: 'Spring 2026', guidelines: '# Rules' });
		expect(project).toMatchObject({
			slug: 'guangdong-fieldwork',
			name: 'Guangdong Fieldwork',
			description: 'Spring 2026',
			guidelines: '# Rules',
			recordingCount: 0,
			totalDurationMs: 0,
			segmentCount: 0,
			speakers: []
		});
		expect(project.textLayers.map((l) => [l.key, l.nameEn, l.nameZh])).toEqual(
			DEFAULT_TEXT_LAYERS.map((l) => [l.key, l.nameEn, l.nameZh])
		);
		const roots = project.dialectTags.filter((t) => t.parentId === null).map((t) => t.code);
		expect(roots).toEqual(['cmn', 'yue', 'wuu', 'nan', 'hak', 'cdo', 'gan', 'hsn', 'cjy']);
		const yue = tagByCode(project, 'yue');
		const yueChildren = project.dialectTags.filter((t) => t.parentId === yue.id);
		expect(yueChildren.map((t) => t.nameEn)).toEqual(['Guangzhou', 'Hong Kong', 'Taishanese']);
		expect(tagByCode(project, 'wuu-sh')).toMatchObject({ nameEn: 'Shanghainese', nameZh: '上海话' });
		// Parents come before their children.
		const index = new Map(project.dialectTags.map((t, i) => [t.id, i]));
		for (const tag of project.dialectTags) {
			if (tag.parentId) expect(index.get(tag.parentId)!).toBeLessThan(index.get(tag.id)!);
		}
		const count = (nodes: TaxonomyNode[]): number => nodes.reduce((n, t) => n + 1 + count(t.children ?? []), 0);
		expect(project.dialectTags).toHaveLength(count(DEFAULT_DIALECT_TAXONOMY));
	});

	it('derives an ASCII slug, uses project-<id suffix> for a Chinese-only name, and refuses a duplicate', async () => {
		const chinese = await createOk('客家话口述史');
		expect(chinese.slug).toBe(`project-${chinese.id.slice(-8)}`);
		expect(chinese.name).toBe('客家话口述史');

		const dup = await create({ name: 'Guangdong fieldwork!' });
		expect(dup.status).toBe(409);
		expect((await dup.json()).error).toMatchObject({ code: 'slug_taken', slug: 'guangdong-fieldwork' });

		const explicit = await createOk('Guangdong fieldwork', { slug: 'guangdong-2' });
		expect(explicit.slug).toBe('guangdong-2');
		const dupExplicit = await create({ name: 'Other', slug: 'guangdong-2' });
		expect(dupExplicit.status).toBe(409);

		const badSlug = await create({ name: 'Other', slug: 'Not A Slug' });
		expect(badSlug.status).toBe(400);
		const noName = await create({ name: '   ' });
		expect(noName.status).toBe(400);
	});

	it('only admins create projects; members read theirs', async () => {
		for (const user of [transcriber, exporter]) {
			const res = await create({ name: 'Not allowed' }, user.cookie);
			expect(res.status).toBe(403);
			expect((await res.json()).error.code).toBe('forbidden');
		}
		const reviewer = await ctx.createUser('reviewer');
		expect((await create({ name: 'Nope' }, reviewer.cookie)).status).toBe(403);
		const list = await ctx.json('GET', '/api/projects', undefined, exporter.cookie);
		expect(list.status).toBe(200);
		expect((await list.json()).projects.map((p: { name: string }) => p.name)).not.toContain('Not allowed');
		expect((await ctx.json('GET', '/api/projects')).status).toBe(401);
	});

	it('lists projects with recording, duration and segment totals', async () => {
		const project = await createOk('Counting');
		const a = await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 60_000 });
		await insertTestRecording(ctx.deps.db, { projectId: project.id, durationMs: 30_500, state: 'queued' });
		for (const [startMs, endMs] of [
			[0, 1000],
			[1000, 2500]
		]) {
			const res = await ctx.json('POST', `/api/recordings/${a.id}/segments`, { startMs, endMs }, transcriber.cookie);
			expect(res.status).toBe(201);
		}
		const res = await ctx.json('GET', '/api/projects', undefined, transcriber.cookie);
		const summary = (await res.json()).projects.find((p: { id: string }) => p.id === project.id);
		expect(summary).toEqual({
			id: project.id,
			slug: 'counting',
			name: 'Counting',
			description: '',
			recordingCount: 2,
			totalDurationMs: 90_500,
			segmentCount: 2,
			createdAt: project.createdAt,
			updatedAt: expect.any(String)
		});
		const detail = await (await ctx.json('GET', `/api/projects/${project.slug}`, undefined, exporter.cookie)).json();
		expect(detail.project).toMatchObject({ id: project.id, recordingCount: 2, segmentCount: 2, totalDurationMs: 90_500 });
	});

	it('gets a project by id or by slug, and 404s an unknown one', async () => {
		const project = await createOk('Lookup Me');
		const byId = await ctx.json('GET', `/api/projects/${project.id}`, undefined, transcriber.cookie);
		const bySlug = await ctx.json('GET', `/api/projects/lookup-me`, undefined, transcriber.cookie);
		expect(byId.status).toBe(200);
		expect((await bySlug.json()).project.id).toBe(project.id);
		expect((await byId.json()).project.slug).toBe('lookup-me');
		const missing = await ctx.json('GET', '/api/projects/no-such-project', undefined, transcriber.cookie);
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('not_found');
	});

	it('an admin patches name, description and guidelines (NFC); others may not', async () => {
		const project = await createOk('Patch Me');
		const res = await ctx.json(
			'PATCH',
			`/api/projects/${project.id}`,
			{ name: 'Cafe\u0301 dialects', guidelines: 'Write 佢 not 他' },
			admin.cookie
		);
		expect(res.status).toBe(200);
		const patched = (await res.json()).project;
		expect(patched).toMatchObject({ name: 'Caf\u00e9 dialects', guidelines: 'Write 佢 not 他', slug: 'patch-me' });
		expect(patched.dialectTags.length).toBe(project.dialectTags.length);
		const forbidden = await ctx.json('PATCH', `/api/projects/${project.id}`, { name: 'x' }, transcriber.cookie);
		expect(forbidden.status).toBe(403);
		const missing = await ctx.json('PATCH', '/api/projects/unknown', { name: 'x' }, admin.cookie);
		expect(missing.status).toBe(404);
		const malformed = await ctx.request(`/api/projects/${project.id}`, {
			method: 'PATCH',
			cookie: admin.cookie,
			headers: { 'content-type': 'application/json' },
			body: '{"name": "x"'
		});
		expect(malformed.status).toBe(400);
		expect((await malformed.json()).error.code).toBe('invalid_request');
	});

	describe('taxonomy', () => {
		let project: ProjectDto;
		let recordingId: string;

		beforeAll(async () => {
			project = await createOk('Taxonomy');
			recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		});

		const put = (dialectTags: unknown, cookie = admin.cookie) =>
			ctx.json('PUT', `/api/projects/${project.id}/taxonomy`, { dialectTags }, cookie);

		it('replaces the tree, keeping the ids of tags matched by code', async () => {
			const yue = tagByCode(project, 'yue');
			const yueGz = tagByCode(project, 'yue-gz');
			const tree: TaxonomyNode[] = [
				{
					code: 'yue',
					nameEn: 'Yue',
					nameZh: '粤语',
					children: [
						{ code: 'yue-gz', nameEn: 'Guangzhou (Canton)', nameZh: '广州话' },
						{ code: 'yue-dg', nameEn: 'Dongguan', nameZh: '东莞话' }
					]
				},
				// Moved from under yue to the top level.
				{ code: 'yue-hk', nameEn: 'Hong Kong', nameZh: '香港粤语' },
				{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' }
			];
			const res = await put(tree);
			expect(res.status).toBe(200);
			const updated: ProjectDto = (await res.json()).project;
			expect(updated.dialectTags.map((t) => t.code)).toEqual(['yue', 'yue-gz', 'yue-dg', 'yue-hk', 'cmn']);
			expect(tagByCode(updated, 'yue').id).toBe(yue.id);
			expect(tagByCode(updated, 'yue-gz')).toMatchObject({ id: yueGz.id, parentId: yue.id, nameEn: 'Guangzhou (Canton)' });
			expect(tagByCode(updated, 'yue-hk')).toMatchObject({ id: tagByCode(project, 'yue-hk').id, parentId: null, sortOrder: 1 });
			expect(tagByCode(updated, 'yue-dg').parentId).toBe(yue.id);
			project = updated;
		});

		it('refuses to remove a tag a segment carries (409 tag_in_use), and allows it once retagged', async () => {
			const gz = tagByCode(project, 'yue-gz');
			const created = await ctx.json(
				'POST',
				`/api/recordings/${recordingId}/segments`,
				{ startMs: 0, endMs: 500, dialectTagId: gz.id },
				transcriber.cookie
			);
			expect(created.status).toBe(201);
			const segment = (await created.json()).segment;

			// Removing yue removes yue-gz with it.
			const res = await put([{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' }]);
			expect(res.status).toBe(409);
			expect((await res.json()).error).toMatchObject({ code: 'tag_in_use', codes: ['yue-gz'] });
			const unchanged = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			expect(unchanged.dialectTags).toHaveLength(project.dialectTags.length);

			const retag = await ctx.json(
				'PATCH',
				`/api/segments/${segment.id}`,
				{ version: segment.version, dialectTagId: null },
				transcriber.cookie
			);
			expect(retag.status).toBe(200);
			const ok = await put([{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' }]);
			expect(ok.status).toBe(200);
			expect((await ok.json()).project.dialectTags.map((t: DialectTagDto) => t.code)).toEqual(['cmn']);
		});

		it('validates codes: the pattern, and unique across the whole tree', async () => {
			const bad = await put([{ code: 'Yue', nameEn: 'Yue', nameZh: '粤' }]);
			expect(bad.status).toBe(400);
			expect((await bad.json()).error.code).toBe('invalid_request');
			expect((await put([{ code: 'y', nameEn: 'Y', nameZh: '粤' }])).status).toBe(400);
			expect((await put([{ code: 'a'.repeat(33), nameEn: 'Y', nameZh: '粤' }])).status).toBe(400);
			const dup = await put([
				{ code: 'yue', nameEn: 'Yue', nameZh: '粤', children: [{ code: 'cmn', nameEn: 'x', nameZh: 'x' }] },
				{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' }
			]);
			expect(dup.status).toBe(400);
			expect((await dup.json()).error.message).toMatch(/unique.*cmn/);
		});

		it('is admin-only', async () => {
			const res = await put([{ code: 'cmn', nameEn: 'Mandarin', nameZh: '官话' }], transcriber.cookie);
			expect(res.status).toBe(403);
			expect((await ctx.json('PUT', '/api/projects/nope/taxonomy', { dialectTags: [] }, admin.cookie)).status).toBe(404);
		});
	});

	describe('text layers', () => {
		let project: ProjectDto;
		let recordingId: string;

		beforeAll(async () => {
			project = await createOk('Layers');
			recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		});

		const put = (textLayers: unknown, cookie = admin.cookie) =>
			ctx.json('PUT', `/api/projects/${project.id}/layers`, { textLayers }, cookie);

		it('renames, reorders and adds layers, keeping ids by key', async () => {
			const res = await put([
				{ key: 'romanization', nameEn: 'Jyutping', nameZh: '粤拼' },
				{ key: 'transcript', nameEn: 'Transcript', nameZh: '转写' },
				{ key: 'mandarin', nameEn: 'Mandarin', nameZh: '普通话' },
				{ key: 'notes', nameEn: 'Notes', nameZh: '备注' }
			]);
			expect(res.status).toBe(200);
			const layers = (await res.json()).project.textLayers;
			expect(layers.map((l: { key: string }) => l.key)).toEqual(['romanization', 'transcript', 'mandarin', 'notes']);
			expect(layers[0]).toMatchObject({
				id: project.textLayers.find((l) => l.key === 'romanization')!.id,
				nameEn: 'Jyutping',
				sortOrder: 0
			});
		});

		it('refuses to remove a layer that holds text (409 layer_in_use), not one that does not', async () => {
			const created = await ctx.json(
				'POST',
				`/api/recordings/${recordingId}/segments`,
				{ startMs: 0, endMs: 800, texts: { notes: '有杂音' } },
				transcriber.cookie
			);
			expect(created.status).toBe(201);
			const res = await put([{ key: 'transcript', nameEn: 'Transcript', nameZh: '转写' }]);
			expect(res.status).toBe(409);
			expect((await res.json()).error).toMatchObject({ code: 'layer_in_use', keys: ['notes'] });

			const ok = await put([
				{ key: 'transcript', nameEn: 'Transcript', nameZh: '转写' },
				{ key: 'notes', nameEn: 'Notes', nameZh: '备注' }
			]);
			expect(ok.status).toBe(200);
			expect((await ok.json()).project.textLayers.map((l: { key: string }) => l.key)).toEqual(['transcript', 'notes']);
		});

		it('validates keys and is admin-only', async () => {
			expect((await put([{ key: 'Bad Key', nameEn: 'x', nameZh: 'x' }])).status).toBe(400);
			expect((await put([])).status).toBe(400);
			const dup = await put([
				{ key: 'transcript', nameEn: 'a', nameZh: 'a' },
				{ key: 'transcript', nameEn: 'b', nameZh: 'b' }
			]);
			expect(dup.status).toBe(400);
			expect((await put([{ key: 'transcript', nameEn: 'a', nameZh: 'a' }], exporter.cookie)).status).toBe(403);
		});
	});

	describe('speakers', () => {
		let project: ProjectDto;

		beforeAll(async () => {
			project = await createOk('Speakers');
		});

		it('a manager adds and edits speakers; codes are unique per project', async () => {
			const res = await ctx.json(
				'POST',
				`/api/projects/${project.slug}/speakers`,
				{ code: 'S01', name: 'Ah Ma', gender: 'female', ageBand: '70-79', homeDialect: 'yue-ts', place: '台山' },
				admin.cookie
			);
			expect(res.status).toBe(201);
			const speaker = (await res.json()).speaker;
			expect(speaker).toEqual({
				id: expect.any(String),
				code: 'S01',
				name: 'Ah Ma',
				gender: 'female',
				ageBand: '70-79',
				homeDialect: 'yue-ts',
				place: '台山',
				isActive: true
			});
			const dup = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S01', name: 'Other' }, admin.cookie);
			expect(dup.status).toBe(409);
			expect((await dup.json()).error.code).toBe('speaker_code_taken');

			const patched = await ctx.json(
				'PATCH',
				`/api/projects/${project.id}/speakers/${speaker.id}`,
				{ name: 'Ah Ma Wong', place: '' },
				admin.cookie
			);
			expect(patched.status).toBe(200);
			expect((await patched.json()).speaker).toMatchObject({ name: 'Ah Ma Wong', place: null, code: 'S01' });

			const second = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S02', name: 'B' }, admin.cookie);
			expect(second.status).toBe(201);
			const clash = await ctx.json(
				'PATCH',
				`/api/projects/${project.id}/speakers/${(await second.json()).speaker.id}`,
				{ code: 'S01' },
				admin.cookie
			);
			expect(clash.status).toBe(409);

			const detail = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, exporter.cookie)).json()).project;
			expect(detail.speakers.map((s: { code: string }) => s.code)).toEqual(['S01', 'S02']);
		});

		it('speakers are project setup: transcribers and reviewers get 403, before their input is checked', async () => {
			const reviewer = await ctx.createUser('reviewer');
			await ctx.addMember(project.id, reviewer);
			const s01 = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project.speakers[0];
			for (const user of [transcriber, reviewer]) {
				const add = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S77', name: 'x' }, user.cookie);
				expect(add.status).toBe(403);
				expect((await add.json()).error.code).toBe('forbidden');
				const bad = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: '' }, user.cookie);
				expect(bad.status).toBe(403);
				const edit = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${s01.id}`, { isActive: false }, user.cookie);
				expect(edit.status).toBe(403);
			}
			const after = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			expect(after.speakers.map((s: { code: string; isActive: boolean }) => [s.code, s.isActive])).toEqual([
				['S01', true],
				['S02', true]
			]);
		});

		it('deactivates a speaker, who stays on their segments and in the project, and reactivates them', async () => {
			const created = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S03', name: 'Retiring' }, admin.cookie);
			const speaker = (await created.json()).speaker;
			const recording = await insertTestRecording(ctx.deps.db, { projectId: project.id });
			const seg = await ctx.json(
				'POST',
				`/api/recordings/${recording.id}/segments`,
				{ startMs: 0, endMs: 900, speakerId: speaker.id },
				transcriber.cookie
			);
			expect(seg.status).toBe(201);
			const segment = (await seg.json()).segment;

			const off = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${speaker.id}`, { isActive: false }, admin.cookie);
			expect(off.status).toBe(200);
			expect((await off.json()).speaker).toMatchObject({ code: 'S03', name: 'Retiring', isActive: false });
			const detail = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, transcriber.cookie)).json()).project;
			expect(detail.speakers.find((s: { id: string }) => s.id === speaker.id)).toMatchObject({ isActive: false });
			const segments = (await (await ctx.json('GET', `/api/recordings/${recording.id}/segments`, undefined, transcriber.cookie)).json())
				.segments;
			expect(segments.find((s: { id: string }) => s.id === segment.id).speakerId).toBe(speaker.id);

			const on = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${speaker.id}`, { isActive: true }, admin.cookie);
			expect((await on.json()).speaker.isActive).toBe(true);
			const inactiveFromStart = await ctx.json(
				'POST',
				`/api/projects/${project.id}/speakers`,
				{ code: 'S04', name: 'Archive only', isActive: false },
				admin.cookie
			);
			expect((await inactiveFromStart.json()).speaker.isActive).toBe(false);
			const notBoolean = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${speaker.id}`, { isActive: 'no' }, admin.cookie);
			expect(notBoolean.status).toBe(400);
		});

		it('a home dialect must be a tag code of the project (422 unknown_dialect, nothing written)', async () => {
			const res = await ctx.json(
				'POST',
				`/api/projects/${project.id}/speakers`,
				{ code: 'S10', name: 'Nobody', homeDialect: 'xx-none' },
				admin.cookie
			);
			expect(res.status).toBe(422);
			expect((await res.json()).error).toMatchObject({ code: 'unknown_dialect', homeDialect: 'xx-none' });
			const detail = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			expect(detail.speakers.map((s: { code: string }) => s.code)).not.toContain('S10');

			const s01 = detail.speakers.find((s: { code: string }) => s.code === 'S01');
			const patch = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${s01.id}`, { name: 'Changed', homeDialect: 'nope' }, admin.cookie);
			expect(patch.status).toBe(422);
			const again = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			expect(again.speakers.find((s: { code: string }) => s.code === 'S01')).toMatchObject({ name: 'Ah Ma Wong', homeDialect: 'yue-ts' });
			const cleared = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${s01.id}`, { homeDialect: '' }, admin.cookie);
			expect((await cleared.json()).speaker.homeDialect).toBeNull();
		});

		it('exporters may not add speakers; unknown ids are 404; bad codes are 400', async () => {
			const forbidden = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S9', name: 'x' }, exporter.cookie);
			expect(forbidden.status).toBe(403);
			const noProject = await ctx.json('POST', '/api/projects/nope/speakers', { code: 'S9', name: 'x' }, admin.cookie);
			expect(noProject.status).toBe(404);
			const noSpeaker = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/nope`, { name: 'x' }, admin.cookie);
			expect(noSpeaker.status).toBe(404);
			const badCode = await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S 1/..', name: 'x' }, admin.cookie);
			expect(badCode.status).toBe(400);
		});
	});

	describe('settings: capabilities and usage', () => {
		let project: ProjectDto;
		let recordingId: string;

		beforeAll(async () => {
			project = await createOk('Usage');
			recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id })).id;
		});

		it('tells each user their role and what it may do in the project', async () => {
			const asAdmin = await (await ctx.json('GET', `/api/projects/${project.slug}`, undefined, admin.cookie)).json();
			expect(asAdmin.role).toBe('admin');
			expect(asAdmin.capabilities).toEqual({ read: true, transcribe: true, review: true, manage: true, export: true });
			const asTranscriber = await (await ctx.json('GET', `/api/projects/${project.slug}`, undefined, transcriber.cookie)).json();
			expect(asTranscriber.role).toBe('transcriber');
			expect(asTranscriber.capabilities).toEqual({ read: true, transcribe: true, review: false, manage: false, export: false });
			const asExporter = await (await ctx.json('GET', `/api/projects/${project.slug}`, undefined, exporter.cookie)).json();
			expect(asExporter.role).toBe('exporter');
			expect(asExporter.capabilities).toEqual({ read: true, transcribe: false, review: false, manage: false, export: true });
		});

		it('counts the segments on each tag, layer and speaker, zeros included', async () => {
			const speaker = (
				await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'A', name: 'A' }, admin.cookie)).json()
			).speaker;
			await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'B', name: 'B' }, admin.cookie);
			const gz = tagByCode(project, 'yue-gz');
			for (const [startMs, body] of [
				[0, { dialectTagId: gz.id, speakerId: speaker.id, texts: { transcript: '佢哋', romanization: 'keoi5 dei6' } }],
				[1000, { dialectTagId: gz.id, texts: { transcript: '食咗飯未' } }],
				[2000, { speakerId: speaker.id }]
			] as const) {
				const res = await ctx.json(
					'POST',
					`/api/recordings/${recordingId}/segments`,
					{ startMs, endMs: startMs + 500, ...body },
					transcriber.cookie
				);
				expect(res.status).toBe(201);
			}
			const res = await ctx.json('GET', `/api/projects/${project.slug}/usage`, undefined, admin.cookie);
			expect(res.status).toBe(200);
			const { usage } = await res.json();
			expect(usage.dialectTags['yue-gz']).toBe(2);
			expect(usage.dialectTags.cmn).toBe(0);
			expect(Object.keys(usage.dialectTags).sort()).toEqual(project.dialectTags.map((t) => t.code).sort());
			expect(usage.textLayers).toMatchObject({ transcript: 2, romanization: 1 });
			expect(Object.keys(usage.textLayers).sort()).toEqual(project.textLayers.map((l) => l.key).sort());
			expect(Object.values(usage.speakers).sort()).toEqual([0, 2]);
			expect(usage.speakers[speaker.id]).toBe(2);
		});

		it('usage is for managers; an unknown project is 404', async () => {
			const res = await ctx.json('GET', `/api/projects/${project.id}/usage`, undefined, transcriber.cookie);
			expect(res.status).toBe(403);
			expect((await res.json()).error).toMatchObject({ code: 'forbidden', message: expect.any(String) });
			const missing = await ctx.json('GET', '/api/projects/no-such/usage', undefined, admin.cookie);
			expect(missing.status).toBe(404);
			expect((await missing.json()).error.code).toBe('not_found');
		});

		it('refuses a transcriber before reading their input, and leaves the project as it was', async () => {
			for (const [method, url, body] of [
				['PATCH', `/api/projects/${project.id}`, { name: '' }],
				['PATCH', `/api/projects/${project.id}`, { guidelines: '# mine now' }],
				['PUT', `/api/projects/${project.id}/taxonomy`, { dialectTags: 'not a tree' }],
				['PUT', `/api/projects/${project.id}/layers`, { textLayers: [] }]
			] as const) {
				const res = await ctx.json(method, url, body, transcriber.cookie);
				expect(res.status, `${method} ${url}`).toBe(403);
			}
			const after = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			expect(after).toMatchObject({ name: 'Usage', guidelines: '' });
			expect(after.dialectTags).toHaveLength(project.dialectTags.length);
		});

		it('answers an id that cannot exist with 404 naming it, before the manager check, for everyone', async () => {
			for (const user of [admin, transcriber]) {
				for (const [method, url, body, message] of [
					['PATCH', '/api/projects/Not_A_Slug', { name: 'x' }, 'Project not found'],
					['GET', '/api/projects/Not_A_Slug/usage', undefined, 'Project not found'],
					['PUT', '/api/projects/-bad-/taxonomy', { dialectTags: [] }, 'Project not found'],
					['PUT', '/api/projects/-bad-/layers', { textLayers: [] }, 'Project not found'],
					['POST', '/api/projects/Not_A_Slug/speakers', { code: 'A', name: 'A' }, 'Project not found'],
					['PATCH', `/api/projects/${project.id}/speakers/nope`, { name: 'x' }, 'Speaker not found']
				] as const) {
					const res = await ctx.json(method, url, body, user.cookie);
					expect(res.status, `${method} ${url}`).toBe(404);
					expect((await res.json()).error).toMatchObject({ code: 'not_found', message });
				}
			}
		});

		it('an empty PATCH changes nothing and answers the speaker or project as it is', async () => {
			const speaker = (
				await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'E', name: 'Empty' }, admin.cookie)).json()
			).speaker;
			const same = await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${speaker.id}`, {}, admin.cookie);
			expect(same.status).toBe(200);
			expect((await same.json()).speaker).toEqual(speaker);
			const before = (await (await ctx.json('GET', `/api/projects/${project.id}`, undefined, admin.cookie)).json()).project;
			const patched = await ctx.json('PATCH', `/api/projects/${project.id}`, {}, admin.cookie);
			expect(patched.status).toBe(200);
			expect((await patched.json()).project).toMatchObject({ name: before.name, guidelines: before.guidelines });
		});
	});
});
