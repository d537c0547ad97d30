import type { Db } from '../db/connection.ts';
import type { Speaker } from '../db/schema.ts';
import { newId, nowIso } from '../lib/ids.ts';

const SPEAKER_COLUMNS = [
	'id',
	'project_id',
	'code',
	'name',
	'gender',
	'age_band',
	'home_dialect',
	'place',
	'is_active',
	'created_at'
] as const;

export type SpeakerFields = Pick<Speaker, 'code' | 'name' | 'gender' | 'age_band' | 'home_dialect' | 'place'> & {
	is_active?: 0 | 1;
};

export function listSpeakers(db: Db, projectId: string) {
	return db
		.selectFrom('speaker')
		.select(SPEAKER_COLUMNS)
		.where('project_id', '=', projectId)
		.orderBy('code')
		.execute();
}

export function findSpeaker(db: Db, projectId: string, speakerId: string) {
	return db
		.selectFrom('speaker')
		.select(SPEAKER_COLUMNS)
		.where('project_id', '=', projectId)
		.where('id', '=', speakerId)
		.executeTakeFirst();
}

export function findSpeakerByCode(db: Db, projectId: string, code: string) {
	return db
		.selectFrom('speaker')
		.select(SPEAKER_COLUMNS)
		.where('project_id', '=', projectId)
		.where('code', '=', code)
		.executeTakeFirst();
}

export function insertSpeaker(db: Db, projectId: string, fields: SpeakerFields) {
	return db
		.insertInto('speaker')
		.values({ id: newId(), project_id: projectId, ...fields, created_at: nowIso() })
		.returning(SPEAKER_COLUMNS)
		.executeTakeFirstOrThrow();
}

export function updateSpeaker(db: Db, projectId: string, speakerId: string, patch: Partial<SpeakerFields>) {
	return db
		.updateTable('speaker')
		.set(patch)
		.where('project_id', '=', projectId)
		.where('id', '=', speakerId)
		.returning(SPEAKER_COLUMNS)
		.executeTakeFirst();
}
