import { accessForProject, accessForRecording, type AccessUser, type ProjectAccess } from '../access/access.ts';
import type { Db } from '../db/connection.ts';

/** What the review routes need to know of the signed-in user in a project (server/access/ decides). */
export type ReviewAccess = ProjectAccess;

/** The user's access in the project of `recordingId`; null when unknown or not theirs (the route answers 404). */
export function reviewAccessForRecording(db: Db, user: AccessUser, recordingId: string): Promise<ReviewAccess | null> {
	return accessForRecording(db, user, recordingId);
}

export function reviewAccessForProject(db: Db, user: AccessUser, projectId: string): Promise<ReviewAccess | null> {
	return accessForProject(db, user, projectId);
}
