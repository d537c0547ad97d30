import type { ExportJob } from '../db/schema.ts';
import { exportFilterSchema, exportOptionsSchema, type ExportFormat, type ExportJobDto, type ExportSummary } from './export.schemas.ts';

export function toExportJobDto(row: ExportJob): ExportJobDto {
	return {
		id: row.id,
		projectId: row.project_id,
		format: row.format as ExportFormat,
		filter: exportFilterSchema.parse(JSON.parse(row.filter)),
		options: exportOptionsSchema.parse(JSON.parse(row.options)),
		state: row.state,
		progress: Math.min(1, Math.max(0, Number(row.progress))),
		fileName: row.file_name,
		size: row.size === null ? null : Number(row.size),
		summary: row.summary ? (JSON.parse(row.summary) as ExportSummary) : null,
		error: row.error,
		createdBy: row.created_by,
		createdAt: row.created_at,
		finishedAt: row.finished_at,
		downloadUrl: row.state === 'done' ? `/api/exports/${row.id}/download` : null
	};
}
