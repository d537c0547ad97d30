import { sql, type Kysely } from 'kysely';

const PROJECT_ROLES = ['reviewer', 'transcriber', 'exporter'];

/**
 * Roles per project. `user.role` keeps only the instance-wide part (admin | member); what someone
 * may do inside a project is their `project_member.role` (manager | reviewer | transcriber | exporter).
 *
 * An existing install keeps working: every reviewer, transcriber and exporter becomes a member with
 * that role in every project that exists now, and each project's creator its manager (admins see
 * everything anyway, but the row keeps them manager should they stop being admin).
 *
 * The role column is swapped rather than altered (add, copy, drop, rename) because SQLite cannot
 * change a column's CHECK constraint in place; dropping a column whose only constraint is its own
 * CHECK is allowed on SQLite ≥ 3.35 and on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('project_member')
		.addColumn('project_id', 'text', (col) => col.notNull().references('project.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
		.addColumn('role', 'text', (col) =>
			col.notNull().check(sql`role in ('manager', 'reviewer', 'transcriber', 'exporter')`)
		)
		.addColumn('created_at', 'text', (col) => col.notNull())
		.addColumn('created_by', 'text', (col) => col.references('user.id').onDelete('set null'))
		.addPrimaryKeyConstraint('project_member_pk', ['project_id', 'user_id'])
		.execute();
	// "Which projects is this user in" (the project list) reads by user.
	await db.schema.createIndex('project_member_user_id_index').on('project_member').column('user_id').execute();

	const now = new Date().toISOString();
	const projects = await db.selectFrom('project').select(['id', 'created_by']).execute();
	const members = await db.selectFrom('user').select(['id', 'role']).where('role', 'in', PROJECT_ROLES).execute();
	const rows = projects.flatMap((project) => [
		...members.map((user) => ({ project_id: project.id, user_id: user.id, role: user.role, created_at: now, created_by: null })),
		...(project.created_by && !members.some((user) => user.id === project.created_by)
			? [{ project_id: project.id, user_id: project.created_by, role: 'manager', created_at: now, created_by: null }]
			: [])
	]);
	// A few hundred rows per statement stays under SQLite's bound-parameter limit.
	for (let i = 0; i < rows.length; i += 200) {
		await db.insertInto('project_member').values(rows.slice(i, i + 200)).execute();
	}

	await swapRoleColumn(db, ['admin', 'member'], 'member', sql`case when role = 'admin' then 'admin' else 'member' end`);
}

export async function down(db: Kysely<any>): Promise<void> {
	// The old global role: admins stay admins, members get the first project role they held.
	await swapRoleColumn(
		db,
		['admin', 'reviewer', 'transcriber', 'exporter'],
		'transcriber',
		sql`case when role = 'admin' then 'admin' else coalesce((select case pm.role when 'manager' then 'reviewer' else pm.role end from project_member pm where pm.user_id = "user".id order by pm.role limit 1), 'transcriber') end`
	);
	await db.schema.dropTable('project_member').execute();
}

async function swapRoleColumn(db: Kysely<any>, allowed: string[], fallback: string, value: ReturnType<typeof sql>) {
	const list = sql.join(allowed.map((role) => sql.lit(role)));
	await db.schema
		.alterTable('user')
		.addColumn('role_next', 'text', (col) => col.notNull().defaultTo(fallback).check(sql`role_next in (${list})`))
		.execute();
	await db.updateTable('user').set({ role_next: value }).execute();
	await db.schema.alterTable('user').dropColumn('role').execute();
	await db.schema.alterTable('user').renameColumn('role_next', 'role').execute();
}
