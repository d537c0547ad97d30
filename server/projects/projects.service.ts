import { upsertMember } from '../access/members.repository.ts';
import { audit, changedFields } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { ProjectUpdate } from '../db/schema.ts';
import { newId } from '../lib/ids.ts';
import { toSpeakerDto } from '../speakers/speakers.mapper.ts';
import { listSpeakers } from '../speakers/speakers.repository.ts';
import {
	DEFAULT_DIALECT_TAXONOMY,
	DEFAULT_TEXT_LAYERS,
	type TaxonomyNode,
	type TextLayerInput
} from './default-taxonomy.ts';
import { toProjectDto, type ProjectDto, type ProjectUsageDto } from './projects.mapper.ts';
import {
	countSegmentsByLayer,
	countSegmentsBySpeaker,
	countSegmentsByTag,
	deleteDialectTags,
	deleteTextLayers,
	findLayerKeysInUse,
	findProjectDetails,
	findProjectSummary,
	findTagCodesInUse,
	insertDialectTag,
	insertProject,
	insertTextLayer,
	isUniqueViolation,
	listDialectTags,
	listTextLayers,
	slugExists,
	touchProject,
	updateProject,
	updateDialectTag,
	updateTextLayer
} from './projects.repository.ts';

/**
 * An ASCII slug from a project name: accents dropped, anything else non-alphanumeric becomes a
 * hyphen. A name with no ASCII letters at all (粤语口述史) gets `project-<end of its id>`.
 *
 * @example
 * deriveSlug('Hakka Oral History', id); // 'hakka-oral-history'
 * deriveSlug('客家话', '01jd…x7k2m9qa');  // 'project-x7k2m9qa'
 */
export function deriveSlug(name: string, id: string): string {
	const ascii = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+/, '')
		.slice(0, 48)
		.replace(/-+$/, '');
	return ascii || `project-${id.slice(-8)}`;
}

export type CreateProjectResult = { ok: true; project: ProjectDto } | { ok: false; slug: string };

/**
 * Creates a project with the default dialect taxonomy and text layers, in one transaction.
 * Reusable by the demo loader; `taxonomy`/`layers` override the defaults.
 */
export async function createProject(
	db: Db,
	input: {
		name: string;
		slug?: string;
		description?: string;
		guidelines?: string;
		createdBy: string | null;
		taxonomy?: TaxonomyNode[];
		layers?: TextLayerInput[];
	}
): Promise<CreateProjectResult> {
	const id = newId();
	const slug = input.slug ?? deriveSlug(input.name, id);
	try {
		const created = await db.transaction().execute(async (trx) => {
			if (await slugExists(trx, slug)) return false;
			await insertProject(trx, {
				id,
				slug,
				name: input.name.normalize('NFC'),
				description: (input.description ?? '').normalize('NFC'),
				guidelines: (input.guidelines ?? '').normalize('NFC'),
				createdBy: input.createdBy
			});
			// Its creator manages it (an admin would anyway; the row keeps it so should they stop being one).
			if (input.createdBy) await upsertMember(trx, { projectId: id, userId: input.createdBy, role: 'manager', createdBy: input.createdBy });
			await writeTaxonomy(trx, id, input.taxonomy ?? DEFAULT_DIALECT_TAXONOMY, []);
			await writeLayers(trx, id, input.layers ?? DEFAULT_TEXT_LAYERS, []);
			await audit(trx, { projectId: id, actorId: input.createdBy, action: 'project.create', target: { type: 'project', id }, details: { slug, name: input.name.normalize('NFC') } });
			return true;
		});
		if (!created) return { ok: false, slug };
	} catch (err) {
		// Two admins racing for one slug on PostgreSQL: the unique index decides.
		if (isUniqueViolation(err)) return { ok: false, slug };
		throw err;
	}
	return { ok: true, project: (await loadProject(db, id))! };
}

/** The full project (summary, taxonomy, layers, speakers) by id or slug. */
export async function loadProject(db: Db, idOrSlug: string): Promise<ProjectDto | undefined> {
	const row = await findProjectSummary(db, idOrSlug);
	if (!row) return undefined;
	const [tags, layers, speakers] = await Promise.all([
		listDialectTags(db, row.id),
		listTextLayers(db, row.id),
		listSpeakers(db, row.id)
	]);
	return toProjectDto(row, { tags, layers, speakers: speakers.map(toSpeakerDto) });
}

/**
 * How many segments use each tag (by code), layer (by key) and speaker (by id), zeros included:
 * what the settings page needs to say what can be removed and what cannot.
 */
export async function loadProjectUsage(db: Db, projectId: string): Promise<ProjectUsageDto> {
	const [tags, layers, speakers] = await Promise.all([
		listDialectTags(db, projectId),
		listTextLayers(db, projectId),
		listSpeakers(db, projectId)
	]);
	const [byTag, byLayer, bySpeaker] = await Promise.all([
		countSegmentsByTag(db, projectId),
		countSegmentsByLayer(
			db,
			projectId,
			layers.map((l) => l.key)
		),
		countSegmentsBySpeaker(db, projectId)
	]);
	return {
		dialectTags: Object.fromEntries(tags.map((t) => [t.code, byTag.get(t.id) ?? 0])),
		textLayers: Object.fromEntries(layers.map((l) => [l.key, byLayer.get(l.key) ?? 0])),
		speakers: Object.fromEntries(speakers.map((s) => [s.id, bySpeaker.get(s.id) ?? 0]))
	};
}

/** Edits name, description or guidelines (the fields given), recording what changed in the audit trail. */
export async function updateProjectDetails(
	db: Db,
	args: { projectId: string; patch: Pick<ProjectUpdate, 'name' | 'description' | 'guidelines'>; actorId: string | null }
): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const before = await findProjectDetails(trx, args.projectId);
		await updateProject(trx, args.projectId, args.patch);
		const details = changedFields(before ?? {}, args.patch);
		if (Object.keys(details.changes).length === 0) return;
		await audit(trx, { projectId: args.projectId, actorId: args.actorId, action: 'project.update', target: { type: 'project', id: args.projectId }, details });
	});
}

export type ReplaceResult = { ok: true } | { ok: false; inUse: string[] };

/** Codes or keys added and removed between two lists, for the audit trail. */
function listChanges(before: string[], after: string[]) {
	const had = new Set(before);
	const has = new Set(after);
	return { added: after.filter((x) => !had.has(x)), removed: before.filter((x) => !has.has(x)) };
}

/**
 * Replaces a project's taxonomy with `nodes`. Tags are matched by code, so a kept tag keeps its id
 * and every segment that carries it; removing a tag a segment carries is refused with its codes.
 */
export async function replaceTaxonomy(
	db: Db,
	{ projectId, nodes, actorId }: { projectId: string; nodes: TaxonomyNode[]; actorId: string | null }
): Promise<ReplaceResult> {
	return db.transaction().execute(async (trx) => {
		const existing = await listDialectTags(trx, projectId);
		const wanted = new Set(flatten(nodes).map((n) => n.code));
		const removed = existing.filter((t) => !wanted.has(t.code));
		const inUse = await findTagCodesInUse(
			trx,
			removed.map((t) => t.id)
		);
		if (inUse.length > 0) return { ok: false, inUse };
		await writeTaxonomy(trx, projectId, nodes, existing);
		// After re-parenting, so a kept child of a removed parent is not swept away by the cascade.
		await deleteDialectTags(
			trx,
			removed.map((t) => t.id)
		);
		await touchProject(trx, projectId);
		const details = { ...listChanges(existing.map((t) => t.code), [...wanted]), tags: wanted.size };
		await audit(trx, { projectId, actorId, action: 'project.taxonomy', target: { type: 'project', id: projectId }, details });
		return { ok: true };
	});
}

/** Replaces a project's text layers, matched by key; removing a layer that holds text is refused. */
export async function replaceLayers(
	db: Db,
	{ projectId, layers, actorId }: { projectId: string; layers: TextLayerInput[]; actorId: string | null }
): Promise<ReplaceResult> {
	return db.transaction().execute(async (trx) => {
		const existing = await listTextLayers(trx, projectId);
		const wanted = new Set(layers.map((l) => l.key));
		const removed = existing.filter((l) => !wanted.has(l.key));
		const inUse = await findLayerKeysInUse(
			trx,
			projectId,
			removed.map((l) => l.key)
		);
		if (inUse.length > 0) return { ok: false, inUse };
		await writeLayers(trx, projectId, layers, existing);
		await deleteTextLayers(
			trx,
			removed.map((l) => l.id)
		);
		await touchProject(trx, projectId);
		const details = { ...listChanges(existing.map((l) => l.key), [...wanted]), layers: wanted.size };
		await audit(trx, { projectId, actorId, action: 'project.layers', target: { type: 'project', id: projectId }, details });
		return { ok: true };
	});
}

/** Inserts or updates `nodes` (parents first, so a new child can point at a new parent). */
async function writeTaxonomy(
	db: Db,
	projectId: string,
	nodes: TaxonomyNode[],
	existing: { id: string; code: string }[]
) {
	const idByCode = new Map(existing.map((t) => [t.code, t.id]));
	const visit = async (list: TaxonomyNode[], parentId: string | null) => {
		for (const [index, node] of list.entries()) {
			const fields = {
				parent_id: parentId,
				name_en: node.nameEn.normalize('NFC'),
				name_zh: node.nameZh.normalize('NFC'),
				sort_order: index
			};
			let id = idByCode.get(node.code);
			if (id) {
				await updateDialectTag(db, id, fields);
			} else {
				id = newId();
				idByCode.set(node.code, id);
				await insertDialectTag(db, { id, project_id: projectId, code: node.code, ...fields });
			}
			await visit(node.children ?? [], id);
		}
	};
	await visit(nodes, null);
}

async function writeLayers(db: Db, projectId: string, layers: TextLayerInput[], existing: { id: string; key: string }[]) {
	const idByKey = new Map(existing.map((l) => [l.key, l.id]));
	for (const [index, layer] of layers.entries()) {
		const fields = { name_en: layer.nameEn.normalize('NFC'), name_zh: layer.nameZh.normalize('NFC'), sort_order: index };
		const id = idByKey.get(layer.key);
		if (id) await updateTextLayer(db, id, fields);
		else await insertTextLayer(db, { project_id: projectId, key: layer.key, ...fields });
	}
}

function flatten(nodes: TaxonomyNode[]): TaxonomyNode[] {
	return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}
