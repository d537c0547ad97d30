import { audit, changedFields } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { ProjectRole } from '../db/schema.ts';
import { findUserByEmail } from '../users/users.repository.ts';
import type { ProjectAccess } from './access.ts';
import { countManagers, deleteMember, findMemberRole, listProjectMembers, upsertMember, type ProjectMemberRow } from './members.repository.ts';
import type { MemberDto } from './members.schemas.ts';

type Failure = { ok: false; status: 404 | 409 | 422; code: string; message: string };
const fail = (status: Failure['status'], code: string, message: string): Failure => ({ ok: false, status, code, message });

export function toMemberDto(row: ProjectMemberRow): MemberDto {
	return {
		userId: row.user_id,
		email: row.email,
		name: row.name,
		role: row.role,
		isActive: row.is_active === 1,
		addedAt: row.created_at
	};
}

export async function listMembers(db: Db, projectId: string): Promise<MemberDto[]> {
	return (await listProjectMembers(db, projectId)).map(toMemberDto);
}

async function memberDto(db: Db, projectId: string, userId: string) {
	return (await listMembers(db, projectId)).find((m) => m.userId === userId)!;
}

/**
 * A project keeps a manager: only an instance admin may take away its last one (an admin can
 * always manage it, and put a new manager in).
 */
async function keepsAManager(db: Db, access: ProjectAccess, userId: string, newRole: ProjectRole | null) {
	if (access.role === 'admin' || newRole === 'manager') return true;
	if ((await findMemberRole(db, access.projectId, userId)) !== 'manager') return true;
	return (await countManagers(db, access.projectId)) > 1;
}

const LAST_MANAGER = "This is the project's last manager: make someone else manager first";

/** Adds the account with `email` to the project, or changes the role of one who is in it already. */
export async function addMember(
	db: Db,
	access: ProjectAccess,
	input: { email: string; role: ProjectRole; by: string }
): Promise<{ ok: true; member: MemberDto; created: boolean } | Failure> {
	const user = await findUserByEmail(db, input.email);
	if (!user) return fail(422, 'unknown_user', `No account has the email ${input.email}: an admin creates or invites it first`);
	return db.transaction().execute(async (trx) => {
		const before = await findMemberRole(trx, access.projectId, user.id);
		if (!(await keepsAManager(trx, access, user.id, input.role))) return fail(409, 'last_manager', LAST_MANAGER);
		await upsertMember(trx, { projectId: access.projectId, userId: user.id, role: input.role, createdBy: input.by });
		const target = { type: 'user' as const, id: user.id };
		if (before === undefined) {
			await audit(trx, { projectId: access.projectId, actorId: input.by, action: 'member.add', target, details: { email: user.email, role: input.role } });
		} else if (before !== input.role) {
			await audit(trx, { projectId: access.projectId, actorId: input.by, action: 'member.role', target, details: { email: user.email, ...changedFields({ role: before }, { role: input.role }) } });
		}
		return { ok: true as const, member: await memberDto(trx, access.projectId, user.id), created: before === undefined };
	});
}

export async function changeMemberRole(
	db: Db,
	access: ProjectAccess,
	change: { userId: string; role: ProjectRole; by: string }
): Promise<{ ok: true; member: MemberDto } | Failure> {
	const { userId, role } = change;
	return db.transaction().execute(async (trx) => {
		const before = await findMemberRole(trx, access.projectId, userId);
		if (!before) return fail(404, 'not_found', 'Member not found');
		if (!(await keepsAManager(trx, access, userId, role))) return fail(409, 'last_manager', LAST_MANAGER);
		await upsertMember(trx, { projectId: access.projectId, userId, role, createdBy: null });
		const member = await memberDto(trx, access.projectId, userId);
		if (before !== role) {
			const details = { email: member.email, ...changedFields({ role: before }, { role }) };
			await audit(trx, { projectId: access.projectId, actorId: change.by, action: 'member.role', target: { type: 'user', id: userId }, details });
		}
		return { ok: true as const, member };
	});
}

export async function removeMember(db: Db, access: ProjectAccess, change: { userId: string; by: string }): Promise<{ ok: true } | Failure> {
	const { userId } = change;
	return db.transaction().execute(async (trx) => {
		const before = await findMemberRole(trx, access.projectId, userId);
		if (!before) return fail(404, 'not_found', 'Member not found');
		if (!(await keepsAManager(trx, access, userId, null))) return fail(409, 'last_manager', LAST_MANAGER);
		await deleteMember(trx, access.projectId, userId);
		await audit(trx, { projectId: access.projectId, actorId: change.by, action: 'member.remove', target: { type: 'user', id: userId }, details: { role: before } });
		return { ok: true as const };
	});
}
