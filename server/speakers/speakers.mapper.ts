import type { Speaker } from '../db/schema.ts';
import type { SpeakerDto } from './speakers.schemas.ts';

export type { SpeakerDto };

export function toSpeakerDto(row: Omit<Speaker, 'project_id' | 'created_at'>): SpeakerDto {
	return {
		id: row.id,
		code: row.code,
		name: row.name,
		gender: row.gender,
		ageBand: row.age_band,
		homeDialect: row.home_dialect,
		place: row.place,
		isActive: row.is_active === 1
	};
}
