import type { Db } from '../db/connection.ts';
import type { UserDto } from '../users/users.mapper.ts';

/** What the review routes need to know of the signed-in user in a project. */
export interface ReviewAccess {
	projectId: string;
	can: { read: boolean; review: boolean; manage: boolean };
}

/**
 * The signed-in user's rights in the project of `recordingId`; null when the recording is unknown
 * (the route answers 404). One seam: it reads the global role until per-project membership
 * (server/access) is on main, and is then a call of it.
 */
export async function reviewAccessForRecording(db: Db, user: Pick<UserDto, 'id' | 'role'>, recordingId: string): Promise<ReviewAccess | null> {
	const row = await db.selectFrom('recording').select('project_id').where('id', '=', recordingId).executeTakeFirst();
	return row ? accessIn(row.project_id, user) : null;
}

export async function reviewAccessForProject(db: Db, user: Pick<UserDto, 'id' | 'role'>, projectId: string): Promise<ReviewAccess | null> {
	const row = await db.selectFrom('project').select('id').where('id', '=', projectId).executeTakeFirst();
	return row ? accessIn(row.id, user) : null;
}

function accessIn(projectId: string, user: Pick<UserDto, 'role'>): ReviewAccess {
	return {
		projectId,
		can: { read: true, review: user.role === 'admin' || user.role === 'reviewer', manage: user.role === 'admin' }
	};
}
