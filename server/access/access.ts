/**
 * Who may do what in a project: the one place that decides it, for every project, recording and
 * segment route (and tasks, reviews, exports…), and for the capability flags the client shows or
 * hides controls by.
 *
 * - `projectAccess(db, user, projectId)` → `{ projectId, role, can }`, or null when the user is
 *   neither a member nor an admin. `role` is their ProjectRole, or 'admin' for an instance admin
 *   (who may do everything everywhere); `can` holds the Capabilities (capabilities.ts has the table).
 * - `accessFor(db, user, from, id)` resolves a resource's id to its project and the user's role
 *   there in one statement (PROJECT_OF: project by id or slug, recording, segment — deleted
 *   segments through their history —, QA batch, task, export job); add a query there for a new
 *   resource kind, or pass a function as `from`.
 *   `accessForRecording` / `accessForSegment` are the common shorthands.
 * - `requireProjectAccess(db, { from, param, need })`: Hono middleware for a route whose path holds
 *   the id. Unknown id, or a project the user does not belong to → **404** (never 403, so ids do
 *   not leak between projects); a member lacking `need` → 403 with a message naming it. Sets
 *   `c.var.access`. It documents its 404/403 and `x-capability` in the API document itself, like
 *   requireRole. Put it after params() (a malformed id is a 404 before any query) and before the
 *   body validator (someone without the right learns nothing from their input being checked).
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { uniqueSymbol } from 'hono-openapi';
import type { AuthEnv } from '../auth/auth.middleware.ts';
import type { Db } from '../db/connection.ts';
import { preparedQuery, type Slots } from '../db/prepared-query.ts';
import type { ProjectRole, Role } from '../db/schema.ts';
import { notFound as notFoundAnswer } from '../lib/http.ts';
import { errors } from '../lib/openapi.ts';
import { CAPABILITY_ACTIONS, capabilitiesOf, type Capabilities, type Capability } from './capabilities.ts';
import { findMemberRole } from './members.repository.ts';

export { CAPABILITIES, capabilitiesOf, type Capabilities, type Capability } from './capabilities.ts';

export interface ProjectAccess {
	projectId: string;
	role: ProjectRole | 'admin';
	can: Capabilities;
}

/** The part of the signed-in user access depends on. */
export type AccessUser = { id: string; role: Role };

export type AccessEnv = { Variables: AuthEnv['Variables'] & { access: ProjectAccess } };

/** The user's access to project `projectId` (an id, not a slug), or null: not a member and not an admin. */
export async function projectAccess(db: Db, user: AccessUser, projectId: string): Promise<ProjectAccess | null> {
	if (user.role === 'admin') return { projectId, role: 'admin', can: capabilitiesOf('admin') };
	const role = await findMemberRole(db, projectId, user.id);
	return role ? { projectId, role, can: capabilitiesOf(role) } : null;
}

/** Finds the project a resource belongs to, or undefined when there is no such resource. */
export type ProjectResolver = (db: Db, id: string) => Promise<string | undefined>;

type IdSlot = Slots<'id'>;

/**
 * Resource kinds a route can name its project by, each as the query of its project id (`project_id`);
 * other features add theirs here. accessFor joins it with the user's membership, so resolving a
 * resource and the user's role in its project is one statement on every project request.
 */
const PROJECT_OF = {
	/** A project's id or slug. */
	project: (db: Db, p: IdSlot) =>
		db
			.selectFrom('project')
			.select('project.id as project_id')
			.where((eb) => eb.or([eb('project.id', '=', p.id), eb('project.slug', '=', p.id)])),
	recording: (db: Db, p: IdSlot) => db.selectFrom('recording').select('recording.project_id').where('recording.id', '=', p.id),
	// A deleted segment is still known by its history (revisions, restore), so it resolves through it.
	segment: (db: Db, p: IdSlot) =>
		db
			.selectFrom('recording')
			.select('recording.project_id')
			.where('recording.id', '=', (eb) =>
				eb.fn.coalesce(
					eb.selectFrom('segment').select('segment.recording_id').where('segment.id', '=', p.id),
					eb
						.selectFrom('segment_revision')
						.select((sb) => sb.fn.max('segment_revision.recording_id').as('recording_id'))
						.where('segment_revision.segment_id', '=', p.id)
				)
			),
	qaBatch: (db: Db, p: IdSlot) => db.selectFrom('qa_batch').select('qa_batch.project_id').where('qa_batch.id', '=', p.id),
	task: (db: Db, p: IdSlot) => db.selectFrom('task').select('task.project_id').where('task.id', '=', p.id),
	exportJob: (db: Db, p: IdSlot) => db.selectFrom('export_job').select('export_job.project_id').where('export_job.id', '=', p.id)
};

export type ResourceKind = keyof typeof PROJECT_OF;

/** Per kind: the resource's project and the user's role there (none: not a member), compiled once. */
const LOOKUPS = Object.fromEntries(
	Object.entries(PROJECT_OF).map(([kind, projectOf]) => [
		kind,
		preparedQuery((db, p: Slots<'id' | 'userId'>) =>
			db
				.selectFrom(projectOf(db, p).as('r'))
				.leftJoin('project_member as m', (join) => join.onRef('m.project_id', '=', 'r.project_id').on('m.user_id', '=', p.userId))
				.select(['r.project_id', 'm.role'])
		)
	])
) as Record<ResourceKind, (db: Db, values: { id: string; userId: string }) => Promise<{ rows: { project_id: string; role: ProjectRole | null }[] }>>;

const NOUNS: Record<ResourceKind, string> = { project: 'Project', recording: 'Recording', segment: 'Segment', qaBatch: 'QA batch', task: 'Task', exportJob: 'Export' };

/** Access through a resource id: null when the resource is unknown or its project is not the user's. */
export async function accessFor(
	db: Db,
	user: AccessUser,
	from: ResourceKind | ProjectResolver,
	id: string
): Promise<ProjectAccess | null> {
	if (typeof from === 'function') {
		const projectId = await from(db, id);
		return projectId ? projectAccess(db, user, projectId) : null;
	}
	const { rows } = await LOOKUPS[from](db, { id, userId: user.id });
	// A project named by id wins over another whose slug happens to be that id.
	const row = rows.find((r) => r.project_id === id) ?? rows[0];
	if (!row) return null;
	if (user.role === 'admin') return { projectId: row.project_id, role: 'admin', can: capabilitiesOf('admin') };
	return row.role ? { projectId: row.project_id, role: row.role, can: capabilitiesOf(row.role) } : null;
}

export const accessForProject = (db: Db, user: AccessUser, idOrSlug: string) => accessFor(db, user, 'project', idOrSlug);
export const accessForRecording = (db: Db, user: AccessUser, recordingId: string) => accessFor(db, user, 'recording', recordingId);
export const accessForSegment = (db: Db, user: AccessUser, segmentId: string) => accessFor(db, user, 'segment', segmentId);

/** The 403 a member lacking `need` gets. */
export function forbidden(access: ProjectAccess, need: Capability): HTTPException {
	return new HTTPException(403, {
		message: `Your role in this project (${access.role}) may not ${CAPABILITY_ACTIONS[need]}`
	});
}

/** Throws the 403 unless `access` has `need` (for checks inside a handler, e.g. on a field of the body). */
export function assertCan(access: ProjectAccess, need: Capability): void {
	if (!access.can[need]) throw forbidden(access, need);
}

export interface ProjectAccessOptions {
	/** What the path parameter names: a resource kind, or a resolver of your own. */
	from: ResourceKind | ProjectResolver;
	/** The path parameter holding the id. */
	param: string;
	need: Capability;
	/** What the API document says of the 404 (default "<Kind> not found"); the answer itself says the same. */
	notFound?: string;
	/** The noun of the 404's message when `from` is a function. */
	noun?: string;
}

/**
 * 404 unless the resource exists and the user is in its project (or an admin), 403 unless they
 * have `need` there; sets `c.var.access`. See the top of this file.
 */
export function requireProjectAccess<E extends AccessEnv = AccessEnv>(db: Db, options: ProjectAccessOptions): MiddlewareHandler<E> {
	const noun = options.noun ?? (typeof options.from === 'string' ? NOUNS[options.from] : 'Resource');
	const middleware: MiddlewareHandler<E> = async (c, next) => {
		const access = await accessFor(db, c.var.user, options.from, c.req.param(options.param) ?? '');
		if (!access) return notFoundAnswer(c, noun);
		assertCan(access, options.need);
		c.set('access', access);
		await next();
	};
	return documentsAccessCheck(middleware, options.need, options.notFound ?? `${noun} not found`);
}

/**
 * The API document gets the check's 404, its 403 (every member may read, so `read` has none) and
 * `x-capability` (server/openapi.ts writes it into the operation's description): it cannot drift
 * from the check. This declaration comes after the route's describe() and wins for those statuses.
 */
export function documentsAccessCheck<M extends MiddlewareHandler>(middleware: M, need: Capability, notFound: string): M {
	const responses = errors({
		404: `${notFound} (also when it belongs to a project you are not a member of)`,
		...(need === 'read' ? {} : { 403: `Your role in the project lacks the \`${need}\` capability (\`forbidden\`)` })
	});
	return Object.assign(middleware, { [uniqueSymbol]: { spec: { 'x-capability': need, responses } } });
}
