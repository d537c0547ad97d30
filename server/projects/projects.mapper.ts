import type { DialectTag, TextLayer } from '../db/schema.ts';
import type { SpeakerDto } from '../speakers/speakers.mapper.ts';
import type { ProjectSummaryRow } from './projects.repository.ts';
import type { DialectTagDto, ProjectDto, ProjectSummaryDto, ProjectUsageDto, TextLayerDto } from './projects.schemas.ts';

export type { DialectTagDto, ProjectDto, ProjectSummaryDto, ProjectUsageDto, TextLayerDto };

export function toProjectSummaryDto(row: ProjectSummaryRow): ProjectSummaryDto {
	return {
		id: row.id,
		slug: row.slug,
		name: row.name,
		description: row.description,
		// PostgreSQL's count/sum are int8; pg is told to parse them as numbers, but be sure.
		recordingCount: Number(row.recording_count ?? 0),
		totalDurationMs: Number(row.total_duration_ms ?? 0),
		segmentCount: Number(row.segment_count ?? 0),
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}

export function toProjectDto(
	row: ProjectSummaryRow,
	parts: { tags: DialectTag[]; layers: TextLayer[]; speakers: SpeakerDto[] }
): ProjectDto {
	return {
		...toProjectSummaryDto(row),
		guidelines: row.guidelines,
		dialectTags: preOrder(parts.tags).map(toDialectTagDto),
		textLayers: parts.layers.map(toTextLayerDto),
		speakers: parts.speakers
	};
}

export function toDialectTagDto(row: DialectTag): DialectTagDto {
	return {
		id: row.id,
		parentId: row.parent_id,
		code: row.code,
		nameEn: row.name_en,
		nameZh: row.name_zh,
		sortOrder: row.sort_order
	};
}

export function toTextLayerDto(row: TextLayer): TextLayerDto {
	return { id: row.id, key: row.key, nameEn: row.name_en, nameZh: row.name_zh, sortOrder: row.sort_order };
}

function preOrder(tags: DialectTag[]): DialectTag[] {
	const byParent = new Map<string | null, DialectTag[]>();
	for (const tag of tags) {
		const list = byParent.get(tag.parent_id) ?? [];
		list.push(tag);
		byParent.set(tag.parent_id, list);
	}
	const out: DialectTag[] = [];
	const visit = (parentId: string | null) => {
		const children = (byParent.get(parentId) ?? []).sort(
			(a, b) => a.sort_order - b.sort_order || a.code.localeCompare(b.code)
		);
		for (const child of children) {
			out.push(child);
			visit(child.id);
		}
	};
	visit(null);
	return out;
}
