import { goto } from '$app/navigation';
import { hc } from 'hono/client';
import type { AppType } from '$server/app'; // type-only: never a value import from server/
import type { TaxonomyNodeInput } from '$lib/settings/taxonomy-tree';
import type {
	AccountDto,
	AccountLink,
	AccountList,
	AccountPatch,
	ApiErrorBody,
	CreateAccountInput,
	MemberDto,
	MemberList,
	ProjectRole,
	AuditFilterChoices,
	AuditPage,
	AuditQuery,
	CreateExportInput,
	Dashboard,
	CreateProjectInput,
	ExportChoices,
	ExportCount,
	ExportFilter,
	ExportJobDto,
	PatchProjectInput,
	ProjectCapabilities,
	ProjectDto,
	ProjectList,
	ProjectUsage,
	RecordingDeletion,
	RecordingDto,
	RecordingList,
	SpeakerDto,
	SpeakerInput,
	SpeakerPatch,
	TextLayerInput
} from './types.ts';

type Fetch = typeof globalThis.fetch;

/**
 * Calls whose 401 is an answer, not an expired session: a wrong password, the setup check, and the
 * session probe of the root layout (which redirects by itself).
 */
const NO_REDIRECT_ON_401 = ['/api/auth/login', '/api/auth/setup', '/api/auth/me'];

/**
 * The typed Hono client. In `load`, pass SvelteKit's `fetch`; in components use the default.
 *
 * A 401 from a component's call (the session ended while someone works) sends the page to
 * sign-in. Calls made in `load` leave that to the navigation: the root layout redirects with the
 * page being opened as `next` (and `orError` for loads that re-run in place), because during a
 * navigation `location` is still the page being left.
 */
export function createApi(fetch: Fetch = globalThis.fetch) {
	return hc<AppType>('/', { fetch: fetch === globalThis.fetch ? withSessionCheck(fetch) : fetch });
}
export type Api = ReturnType<typeof createApi>;

/** A failed /api call, carrying the contract's `{ error: { code, message, … } }`. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
		this.name = 'ApiError';
	}

	static async from(res: Pick<Response, 'status' | 'statusText' | 'json'>): Promise<ApiError> {
		let body: Partial<ApiErrorBody> | null = null;
		try {
			body = (await res.json()) as Partial<ApiErrorBody>;
		} catch {
			// Not JSON (a proxy error page, an empty body): fall back to the status line.
		}
		const { code = `http_${res.status}`, message = res.statusText || `HTTP ${res.status}`, ...details } =
			body?.error ?? {};
		return new ApiError(res.status, code, message, details);
	}
}

/**
 * Where to send someone without a session: the first-run setup while no account exists, else
 * sign-in, coming back to the current page afterwards.
 */
export async function signInTarget(fetch: Fetch = globalThis.fetch, from: URL = new URL(location.href)): Promise<string> {
	try {
		const res = await fetch('/api/auth/setup');
		if (res.ok && ((await res.json()) as { needsSetup: boolean }).needsSetup) return '/setup';
	} catch {
		// Offline: sign-in is still the right place to land.
	}
	const here = from.pathname + from.search;
	return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

let redirecting: Promise<void> | null = null;

/** Leaves for sign-in (or setup) once, however many requests came back 401 at the same time. */
export function redirectToSignIn(): Promise<void> {
	redirecting ??= signInTarget()
		.then((target) => goto(target, { replaceState: true, invalidateAll: true }))
		.finally(() => {
			redirecting = null;
		});
	return redirecting;
}

function withSessionCheck(fetch: Fetch): Fetch {
	return async (input, init) => {
		const res = await fetch(input, init);
		if (res.status === 401) {
			const url = new URL(input instanceof Request ? input.url : String(input), location.href);
			if (!NO_REDIRECT_ON_401.includes(url.pathname)) void redirectToSignIn();
		}
		return res;
	};
}

/** What a typed call returns, narrowed to the parts `okJson` needs. */
type JsonResponse<T> = Pick<Response, 'ok' | 'status' | 'statusText'> & { json(): Promise<T> };

/** The JSON body of a 2xx typed response (a typed hc call), or a thrown ApiError. */
export async function okJson<T>(call: Promise<JsonResponse<unknown>>): Promise<T> {
	const res = await call;
	if (!res.ok) throw await ApiError.from(res as Pick<Response, 'status' | 'statusText' | 'json'>);
	return (await res.json()) as T;
}

/**
 * The calls the pages make, over the typed client, each resolving to its 2xx body or throwing an
 * ApiError (so `load` can turn failures into error pages and components into messages).
 */
export function createRest(fetch: Fetch = globalThis.fetch) {
	const { api } = createApi(fetch);
	return {
		listProjects: () => okJson<ProjectList>(api.projects.$get()),
		getProject: (idOrSlug: string) =>
			okJson<{ project: ProjectDto; capabilities: ProjectCapabilities }>(
				api.projects[':projectId'].$get({ param: { projectId: idOrSlug } })
			),
		patchProject: (projectId: string, patch: PatchProjectInput) =>
			okJson<{ project: ProjectDto }>(api.projects[':projectId'].$patch({ param: { projectId }, json: patch })),
		getUsage: (projectId: string) =>
			okJson<{ usage: ProjectUsage }>(api.projects[':projectId'].usage.$get({ param: { projectId } })),
		/** ApiError 409 `tag_in_use` (with `codes`) when a removed tag is still on segments. */
		putTaxonomy: (projectId: string, dialectTags: TaxonomyNodeInput[]) =>
			okJson<{ project: ProjectDto }>(
				api.projects[':projectId'].taxonomy.$put({ param: { projectId }, json: { dialectTags } })
			),
		/** ApiError 409 `layer_in_use` (with `keys`) when a removed layer still holds text. */
		putLayers: (projectId: string, textLayers: TextLayerInput[]) =>
			okJson<{ project: ProjectDto }>(api.projects[':projectId'].layers.$put({ param: { projectId }, json: { textLayers } })),
		createSpeaker: (projectId: string, input: SpeakerInput) =>
			okJson<{ speaker: SpeakerDto }>(api.projects[':projectId'].speakers.$post({ param: { projectId }, json: input })),
		patchSpeaker: (projectId: string, speakerId: string, patch: SpeakerPatch) =>
			okJson<{ speaker: SpeakerDto }>(
				api.projects[':projectId'].speakers[':speakerId'].$patch({ param: { projectId, speakerId }, json: patch })
			),
		listMembers: (projectId: string) => okJson<MemberList>(api.projects[':projectId'].members.$get({ param: { projectId } })),
		/** ApiError 422 `unknown_user` when no account has the email; 409 `last_manager`. */
		addMember: (projectId: string, json: { email: string; role: ProjectRole }) =>
			okJson<{ member: MemberDto }>(api.projects[':projectId'].members.$post({ param: { projectId }, json })),
		patchMember: (projectId: string, userId: string, role: ProjectRole) =>
			okJson<{ member: MemberDto }>(api.projects[':projectId'].members[':userId'].$patch({ param: { projectId, userId }, json: { role } })),
		removeMember: (projectId: string, userId: string) =>
			okJson<{ ok: true }>(api.projects[':projectId'].members[':userId'].$delete({ param: { projectId, userId } })),
		listUsers: () => okJson<AccountList>(api.users.$get()),
		/** Without a password the answer carries an invitation link. ApiError 409 `email_taken`. */
		createUser: (json: CreateAccountInput) => okJson<{ user: AccountDto; link: AccountLink | null }>(api.users.$post({ json })),
		/** ApiError 409 `last_admin` for the only active admin. */
		patchUser: (userId: string, json: AccountPatch) => okJson<{ user: AccountDto }>(api.users[':userId'].$patch({ param: { userId }, json })),
		issueUserLink: (userId: string) => okJson<{ link: AccountLink }>(api.users[':userId'].link.$post({ param: { userId } })),
		createProject: (input: CreateProjectInput) =>
			okJson<{ project: ProjectDto }>(api.projects.$post({ json: input })),
		listRecordings: (projectId: string) =>
			okJson<RecordingList>(api.projects[':projectId'].recordings.$get({ param: { projectId } })),
		getRecording: (id: string) => okJson<{ recording: RecordingDto }>(api.recordings[':id'].$get({ param: { id } })),
		renameRecording: (id: string, name: string) =>
			okJson<{ recording: RecordingDto }>(api.recordings[':id'].$patch({ param: { id }, json: { name } })),
		getRecordingDeletion: (id: string) =>
			okJson<{ deletion: RecordingDeletion }>(api.recordings[':id'].deletion.$get({ param: { id } })),
		deleteRecording: (id: string) => okJson<{ ok: true }>(api.recordings[':id'].$delete({ param: { id } })),
		/** A page of the audit trail: a project's (`projectId`) or, for admins, the instance's (null). */
		getAudit: (projectId: string | null, filters: Record<string, string | undefined>) => {
			// Filters come from the URL as plain strings; the server validates them (400 when bad).
			const query = filters as AuditQuery;
			return okJson<AuditPage>(projectId === null ? api.admin.audit.$get({ query }) : api.projects[':projectId'].audit.$get({ param: { projectId }, query }));
		},
		getAuditFilters: (projectId: string | null) =>
			okJson<AuditFilterChoices>(
				projectId === null ? api.admin.audit.filters.$get() : api.projects[':projectId'].audit.filters.$get({ param: { projectId } })
			),
		listExports: (projectId: string) =>
			okJson<{ exports: ExportJobDto[] }>(api.projects[':projectId'].exports.$get({ param: { projectId } })),
		/** ApiError 422 `invalid_filter` / `empty_selection`, 409 `not_ready` (audio still processing). */
		createExport: (projectId: string, input: CreateExportInput) =>
			okJson<{ export: ExportJobDto }>(api.projects[':projectId'].exports.$post({ param: { projectId }, json: input })),
		getExport: (exportId: string) => okJson<{ export: ExportJobDto }>(api.exports[':exportId'].$get({ param: { exportId } })),
		exportChoices: (projectId: string) => okJson<ExportChoices>(api.projects[':projectId'].exports.choices.$get({ param: { projectId } })),
		countExport: (projectId: string, filter: ExportFilter) =>
			okJson<ExportCount>(api.projects[':projectId'].exports.count.$post({ param: { projectId }, json: { filter } })),
		/** A project's dashboard; filters `from`/`to` (days) and `user` (one transcriber's quality). */
		getDashboard: (projectId: string, filters: { from?: string; to?: string; user?: string }) =>
			okJson<Dashboard>(api.projects[':projectId'].dashboard.$get({ param: { projectId }, query: filters })),
		/** The FYPK peaks file; ApiError 409 `not_ready` while the recording is processing. */
		getPeaks: async (id: string, init?: RequestInit) => {
			const res = await api.recordings[':id'].peaks.$get({ param: { id } }, { init });
			if (!res.ok) throw await ApiError.from(res);
			return res.arrayBuffer();
		},
		/** The peaks response itself, for reading it as a stream (readPeaksProgressively). */
		getPeaksResponse: async (id: string, init?: RequestInit) => {
			const res = await api.recordings[':id'].peaks.$get({ param: { id } }, { init });
			if (!res.ok) throw await ApiError.from(res);
			return res;
		}
	};
}
export type Rest = ReturnType<typeof createRest>;

/** The audit trail's CSV download (streamed by the server), with the view's filters. */
export function auditCsvUrl(projectId: string | null, filters: Record<string, string>): string {
	const base = projectId === null ? '/api/admin/audit/csv' : `/api/projects/${encodeURIComponent(projectId)}/audit/csv`;
	const query = new URLSearchParams(filters).toString();
	return query ? `${base}?${query}` : base;
}

/** One dashboard table as CSV, with the page's filters. */
export function dashboardCsvUrl(projectId: string, table: string, filters: Record<string, string>): string {
	const query = new URLSearchParams(filters).toString();
	return `/api/projects/${encodeURIComponent(projectId)}/dashboard/csv/${table}${query ? `?${query}` : ''}`;
}

export const recordingUrls = {
	audio: (id: string) => `/api/recordings/${encodeURIComponent(id)}/audio`,
	upload: (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/recordings`
};

/** Where a transcript import is sent (multipart): into one recording, or a Label Studio export into a project. */
export const transcriptImportUrls = {
	recording: (id: string) => `/api/recordings/${encodeURIComponent(id)}/transcript-import`,
	project: (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/transcript-import`
};

/**
 * POSTs a multipart form (the typed client has no form schema for these routes: the file is
 * streamed by the server, not validated as a body) and resolves to the 2xx JSON body typed `T`
 * (from types.ts, inferred from the route), or throws an ApiError.
 */
export async function postForm<T>(url: string, form: FormData, init: RequestInit = {}): Promise<T> {
	const res = await withSessionCheck(globalThis.fetch)(url, { ...init, method: 'POST', body: form });
	if (!res.ok) throw await ApiError.from(res);
	return (await res.json()) as T;
}
