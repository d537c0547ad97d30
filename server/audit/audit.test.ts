import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDto } from '../projects/projects.mapper.ts';
import { insertTestRecording } from '../segments/test-fixtures.ts';
import { createTestContext, type TestContext } from '../test/context.ts';
import { DB_KINDS } from '../test/db.ts';
import { audit, changedFields } from './audit.ts';
import type { AuditEntryDto } from './audit.schemas.ts';

describe(changedFields.name, () => {
	it('keeps only the fields that changed and cuts long texts', () => {
		const long = '字'.repeat(250);
		const { changes } = changedFields({ name: 'Old', code: 'S1', guidelines: '' }, { name: 'New', code: 'S1', guidelines: long, place: undefined });
		expect(Object.keys(changes)).toEqual(['name', 'guidelines']);
		expect(changes.name).toEqual({ from: 'Old', to: 'New' });
		expect([...(changes.guidelines!.to as string)].length).toBe(201);
	});
});

describe.each(DB_KINDS)('audit trail on %s', (kind) => {
	let ctx: TestContext;
	let admin: { id: string; cookie: string };
	let transcriber: { id: string; cookie: string };
	let project: ProjectDto;
	let other: ProjectDto;
	let recordingId: string;

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		admin = await ctx.createUser('admin');
		transcriber = await ctx.createUser('transcriber');
		project = (await (await ctx.json('POST', '/api/projects', { name: 'Audited' }, admin.cookie)).json()).project;
		other = (await (await ctx.json('POST', '/api/projects', { name: 'Elsewhere' }, admin.cookie)).json()).project;
		await ctx.addMember(project.id, transcriber);
		recordingId = (await insertTestRecording(ctx.deps.db, { projectId: project.id, name: 'tape1.wav' })).id;
	});
	afterAll(() => ctx.close());

	async function page(query: Record<string, string> = {}, scope = `/api/projects/${project.id}/audit`) {
		const res = await ctx.request(`${scope}?${new URLSearchParams(query)}`, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		return (await res.json()) as { entries: AuditEntryDto[]; nextCursor: string | null };
	}

	async function allEntries(query: Record<string, string> = {}, scope?: string) {
		const out: AuditEntryDto[] = [];
		let after: string | null = null;
		do {
			const p = await page({ ...query, limit: '2', ...(after ? { after } : {}) }, scope);
			out.push(...p.entries);
			after = p.nextCursor;
		} while (after);
		return out;
	}

	const countLog = async () => Number((await ctx.deps.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

	it('records a project edit with who, when and what changed, in the project and the instance view', async () => {
		const res = await ctx.json('PATCH', `/api/projects/${project.id}`, { description: '春季田野调查', guidelines: project.guidelines }, admin.cookie);
		expect(res.status).toBe(200);
		const [entry] = (await page({ action: 'project.update' })).entries;
		expect(entry).toMatchObject({
			projectId: project.id,
			actor: { id: admin.id },
			action: 'project.update',
			targetType: 'project',
			targetId: project.id,
			details: { changes: { description: { from: '', to: '春季田野调查' } } }
		});
		expect(Date.now() - Date.parse(entry!.createdAt)).toBeLessThan(60_000);
		const instance = await page({ action: 'project.update' }, '/api/admin/audit');
		expect(instance.entries.map((e) => e.id)).toContain(entry!.id);
	});

	it('records speakers, taxonomy, layers and recording renames and deletions', async () => {
		const speaker = (await (await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: '阿婆' }, admin.cookie)).json()).speaker;
		expect((await ctx.json('PATCH', `/api/projects/${project.id}/speakers/${speaker.id}`, { name: '阿婆 (Po)' }, admin.cookie)).status).toBe(200);
		const layers = project.textLayers.map((l) => ({ key: l.key, nameEn: l.nameEn, nameZh: l.nameZh }));
		expect((await ctx.json('PUT', `/api/projects/${project.id}/layers`, { textLayers: [...layers, { key: 'gloss', nameEn: 'Gloss', nameZh: '注释' }] }, admin.cookie)).status).toBe(200);
		const doomed = await insertTestRecording(ctx.deps.db, { projectId: project.id, name: 'doomed.wav' });
		expect((await ctx.json('PATCH', `/api/recordings/${doomed.id}`, { name: 'renamed.wav' }, admin.cookie)).status).toBe(200);
		expect((await ctx.json('DELETE', `/api/recordings/${doomed.id}`, undefined, admin.cookie)).status).toBe(200);

		const entries = await allEntries();
		const find = (action: string) => entries.filter((e) => e.action === action);
		expect(find('speaker.create')[0]).toMatchObject({ targetId: speaker.id, details: { code: 'S1', name: '阿婆' } });
		expect(find('speaker.update')[0]).toMatchObject({ details: { changes: { name: { from: '阿婆', to: '阿婆 (Po)' } } } });
		expect(find('project.layers')[0]).toMatchObject({ details: { added: ['gloss'], removed: [] } });
		expect(find('recording.rename')[0]).toMatchObject({ targetId: doomed.id, details: { changes: { name: { from: 'doomed.wav', to: 'renamed.wav' } } } });
		expect(find('recording.delete')[0]).toMatchObject({ targetId: doomed.id, details: { name: 'renamed.wav', segments: 0 } });
		expect(find('project.create')).toHaveLength(1);
	});

	it('writes nothing when the change is refused', async () => {
		const before = await countLog();
		// A duplicate speaker code, a removed layer that still holds text: both refused, no entry.
		expect((await ctx.json('POST', `/api/projects/${project.id}/speakers`, { code: 'S1', name: 'Again' }, admin.cookie)).status).toBe(409);
		const seg = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs: 0, endMs: 500, texts: { gloss: 'kept' } }, admin.cookie);
		expect(seg.status).toBe(201);
		const afterSegment = await countLog();
		expect(afterSegment).toBe(before);
		const layers = project.textLayers.map((l) => ({ key: l.key, nameEn: l.nameEn, nameZh: l.nameZh }));
		expect((await ctx.json('PUT', `/api/projects/${project.id}/layers`, { textLayers: layers }, admin.cookie)).status).toBe(409);
		expect(await countLog()).toBe(before);
	});

	it('rolls the entry back with a change that fails after it was written', async () => {
		const before = await countLog();
		const failing = ctx.deps.db.transaction().execute(async (trx) => {
			await audit(trx, { projectId: project.id, actorId: admin.id, action: 'recording.rename', target: { type: 'recording', id: recordingId } });
			await trx.updateTable('recording').set({ name: 'x.wav' }).where('id', '=', recordingId).execute();
			throw new Error('the change failed');
		});
		await expect(failing).rejects.toThrow('the change failed');
		expect(await countLog()).toBe(before);
		await expect(audit(ctx.deps.db, { projectId: null, actorId: null, action: 'auth.sign_in', target: { type: 'user', id: null } })).rejects.toThrow(/transaction/);
	});

	it('is append-only: the database refuses to update or delete entries', async () => {
		await expect(ctx.deps.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/);
		await expect(ctx.deps.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
		expect(await countLog()).toBeGreaterThan(0);
	});

	it('shows segment edits from the segment history beside the log, newest first, each once across pages', async () => {
		const created = await ctx.json('POST', `/api/recordings/${recordingId}/segments`, { startMs: 1000, endMs: 2000, texts: { transcript: '食咗饭未' } }, transcriber.cookie);
		expect(created.status).toBe(201);
		const segment = (await created.json()).segment;
		const patched = await ctx.json('PATCH', `/api/segments/${segment.id}`, { version: segment.version, texts: { transcript: '食咗饭未呀' } }, transcriber.cookie);
		expect(patched.status).toBe(200);
		expect((await ctx.json('PATCH', `/api/recordings/${recordingId}`, { name: 'tape1-final.wav' }, admin.cookie)).status).toBe(200);

		const entries = await allEntries();
		expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
		const times = entries.map((e) => `${e.createdAt}|${e.id}`);
		expect(times).toEqual([...times].sort().reverse());
		const [rename, update, create] = entries;
		expect(rename).toMatchObject({ action: 'recording.rename' });
		expect(update).toMatchObject({ action: 'segment.update', targetType: 'segment', targetId: segment.id, actor: { id: transcriber.id }, details: { recordingId, version: 2 } });
		expect(create).toMatchObject({ action: 'segment.create', targetId: segment.id, details: { recordingId, version: 1 } });
		// No second copy: the edits are not in audit_log.
		const logged = await ctx.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', segment.id).execute();
		expect(logged).toEqual([]);
	});

	it('filters by actor, action or group, target type, target and date range', async () => {
		const byTranscriber = await allEntries({ actor: transcriber.id });
		expect(byTranscriber.length).toBeGreaterThanOrEqual(2);
		expect(byTranscriber.every((e) => e.actor?.id === transcriber.id)).toBe(true);

		const segmentGroup = await allEntries({ action: 'segment' });
		expect(new Set(segmentGroup.map((e) => e.action))).toEqual(new Set(['segment.create', 'segment.update']));
		expect((await allEntries({ action: 'segment.update' })).map((e) => e.action)).toEqual(['segment.update']);
		expect(new Set((await allEntries({ action: 'recording' })).map((e) => e.action))).toEqual(new Set(['recording.rename', 'recording.delete']));

		expect((await allEntries({ targetType: 'speaker' })).map((e) => e.action).sort()).toEqual(['speaker.create', 'speaker.update']);
		// A recording as target: its own entries and its segments' edits.
		const ofRecording = await allEntries({ target: recordingId });
		expect(new Set(ofRecording.map((e) => e.action))).toEqual(new Set(['recording.rename', 'segment.create', 'segment.update']));

		const today = new Date().toISOString().slice(0, 10);
		expect((await allEntries({ from: today, to: today })).length).toBe((await allEntries()).length);
		expect(await allEntries({ to: '2000-01-01' })).toEqual([]);
		expect(await allEntries({ from: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);

		// The project view never shows another project's entries; the instance view shows both.
		expect((await allEntries()).every((e) => e.projectId === project.id)).toBe(true);
		const instance = await allEntries({ action: 'project.create' }, '/api/admin/audit');
		expect(instance.map((e) => e.projectId).sort()).toEqual([project.id, other.id].sort());
	});

	it('lists the actors of a project and the actions for the filters', async () => {
		const res = await ctx.request(`/api/projects/${project.id}/audit/filters`, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.actors.map((a: { id: string }) => a.id).sort()).toEqual([admin.id, transcriber.id].sort());
		expect(body.actions).toContain('segment.update');
		expect(body.actions).toContain('task.transition');
	});

	it('downloads the filtered view as CSV, all pages, text intact', async () => {
		const res = await ctx.request(`/api/projects/${project.id}/audit/csv?action=speaker`, { cookie: admin.cookie });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
		const lines = (await res.text()).split('\r\n').filter(Boolean);
		expect(lines[0]).toBe('created_at,actor_id,actor_email,actor_name,action,target_type,target_id,project_id,details');
		expect(lines).toHaveLength(3);
		expect(lines[1]).toContain(',speaker.update,speaker,');
		// The details JSON holds commas and quotes, so it is quoted with its quotes doubled.
		expect(lines[2]).toContain('"{""code"":""S1"",""name"":""阿婆""}"');
		const all = await ctx.request(`/api/projects/${project.id}/audit/csv`, { cookie: admin.cookie });
		expect((await all.text()).split('\r\n').filter(Boolean).length - 1).toBe((await allEntries()).length);
	});

	it('records sign-in and sign-out instance-wide', async () => {
		const login = await ctx.json('POST', '/api/auth/login', { email: 'admin1@example.test', password: 'correct horse battery' });
		expect(login.status).toBe(200);
		const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
		expect((await ctx.json('POST', '/api/auth/logout', undefined, cookie)).status).toBe(200);
		const entries = await allEntries({ action: 'auth' }, '/api/admin/audit');
		expect(entries.map((e) => e.action)).toEqual(['auth.sign_out', 'auth.sign_in']);
		expect(entries.every((e) => e.actor?.id === admin.id && e.projectId === null)).toBe(true);
	});

	it('is for managers: others get 403, an unknown project 404, a bad cursor or filter 400', async () => {
		expect((await ctx.request(`/api/projects/${project.id}/audit`, { cookie: transcriber.cookie })).status).toBe(403);
		expect((await ctx.request(`/api/projects/${project.id}/audit/csv`, { cookie: transcriber.cookie })).status).toBe(403);
		expect((await ctx.request('/api/admin/audit', { cookie: transcriber.cookie })).status).toBe(403);
		expect((await ctx.request('/api/projects/no-such-project/audit', { cookie: admin.cookie })).status).toBe(404);
		expect((await ctx.request(`/api/projects/${project.id}/audit?after=bm9wZQ`, { cookie: admin.cookie })).status).toBe(400);
		expect((await ctx.request(`/api/projects/${project.id}/audit?action=nope.nope`, { cookie: admin.cookie })).status).toBe(400);
		expect((await ctx.request(`/api/projects/${project.id}/audit?from=yesterday`, { cookie: admin.cookie })).status).toBe(400);
	});
});
