import { goto } from '$app/navigation';
import { hc } from 'hono/client';
import type { AppType } from '$server/app'; // type-only: never a value import from server/
import type {
	ApiErrorBody,
	CreateProjectInput,
	ProjectDto,
	ProjectSummaryDto,
	RecordingDto
} from './types.ts';

type Fetch = typeof globalThis.fetch;

/**
 * Calls whose 401 is an answer, not an expired session: a wrong password, the setup check, and the
 * session probe of the root layout (which redirects by itself).
 */
const NO_REDIRECT_ON_401 = ['/api/auth/login', '/api/auth/setup', '/api/auth/me'];

/** The typed Hono client. In `load`, pass SvelteKit's `fetch`; in components use the default. */
export function createApi(fetch: Fetch = globalThis.fetch) {
	return hc<AppType>('/', { fetch: withSessionCheck(fetch) });
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

/** The JSON body of a 2xx response, or a thrown ApiError. */
export async function readJson<T>(res: Response | Promise<Response>): Promise<T> {
	const r = await res;
	if (!r.ok) throw await ApiError.from(r);
	return (await r.json()) as T;
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

/**
 * Projects and recordings over plain fetch with the hand-written contract types from types.ts,
 * until their routes are typed through `AppType` (the other engineers are writing them now).
 * Same 401 handling as the typed client.
 */
export function createRest(fetch: Fetch = globalThis.fetch) {
	const f = withSessionCheck(fetch);
	const json = (method: string, body: unknown): RequestInit => ({
		method,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const seg = encodeURIComponent;
	return {
		listProjects: () => readJson<{ projects: ProjectSummaryDto[] }>(f('/api/projects')),
		getProject: (idOrSlug: string) =>
			readJson<{ project: ProjectDto }>(f(`/api/projects/${seg(idOrSlug)}`)),
		createProject: (input: CreateProjectInput) =>
			readJson<{ project: ProjectDto }>(f('/api/projects', json('POST', input))),
		listRecordings: (projectId: string) =>
			readJson<{ recordings: RecordingDto[] }>(f(`/api/projects/${seg(projectId)}/recordings`)),
		getRecording: (id: string) => readJson<{ recording: RecordingDto }>(f(`/api/recordings/${seg(id)}`)),
		/** The FYPK peaks file; ApiError 409 `not_ready` while the recording is processing. */
		getPeaks: async (id: string, signal?: AbortSignal) => {
			const res = await f(`/api/recordings/${seg(id)}/peaks`, { signal });
			if (!res.ok) throw await ApiError.from(res);
			return res.arrayBuffer();
		}
	};
}
export type Rest = ReturnType<typeof createRest>;

export const recordingUrls = {
	audio: (id: string) => `/api/recordings/${encodeURIComponent(id)}/audio`,
	upload: (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/recordings`
};
