import type { Speaker } from '../db/schema.ts';

export interface SpeakerDto {
	id: string;
	code: string;
	name: string;
	gender: string | null;
	ageBand: string | null;
	homeDialect: string | null;
	place: string | null;
	/** False once retired: still named on its segments, no longer offered for new assignments. */
	isActive: boolean;
}

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
