import type { Db } from '../db/connection.ts';
import type { ProjectRole } from '../db/schema.ts';
import { preparedQuery, type Slots } from '../db/prepared-query.ts';
import { nowIso } from '../lib/ids.ts';

const memberRole = preparedQuery((db, p: Slots<'projectId' | 'userId'>) =>
	db.selectFrom('project_member').select('role').where('project_id', '=', p.projectId).where('user_id', '=', p.userId)
);

/** The user's role in the project, or undefined when they are not a member. Runs on every project request. */
export async function findMemberRole(db: Db, projectId: string, userId: string): Promise<ProjectRole | undefined> {
	const { rows } = await memberRole(db, { projectId, userId });
	return rows[0]?.role;
}

/** The members of a project with their accounts, by name. */
export function listProjectMembers(db: Db, projectId: string) {
	return db
		.selectFrom('project_member')
		.innerJoin('user', 'user.id', 'project_member.user_id')
		.select([
			'project_member.user_id',
			'project_member.role',
			'project_member.created_at',
			'user.email',
			'user.name',
			'user.is_active'
		])
		.where('project_member.project_id', '=', projectId)
		.orderBy('user.name')
		.orderBy('user.id')
		.execute();
}

export type ProjectMemberRow = Awaited<ReturnType<typeof listProjectMembers>>[number];

/** Adds the user to the project with `role`, or changes their role when they already belong. */
export async function upsertMember(
	db: Db,
	member: { projectId: string; userId: string; role: ProjectRole; createdBy: string | null }
) {
	await db
		.insertInto('project_member')
		.values({
			project_id: member.projectId,
			user_id: member.userId,
			role: member.role,
			created_at: nowIso(),
			created_by: member.createdBy
		})
		.onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role: member.role }))
		.execute();
}

/** Removes the membership; true when there was one. */
export async function deleteMember(db: Db, projectId: string, userId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('project_member')
		.where('project_id', '=', projectId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function countManagers(db: Db, projectId: string): Promise<number> {
	const row = await db
		.selectFrom('project_member')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('project_id', '=', projectId)
		.where('role', '=', 'manager')
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
