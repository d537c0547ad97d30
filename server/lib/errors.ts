import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error body every /api route returns: `{ error: { code, message, … } }`. */
export interface ApiErrorBody {
	error: { code: string; message: string; [detail: string]: unknown };
}

export function apiError(code: string, message: string, details: Record<string, unknown> = {}): ApiErrorBody {
	return { error: { code, message, ...details } };
}

/**
 * An expected failure raised below the route layer (a service or the upload stream) that maps to
 * one HTTP status. Routes may also return errors directly; this is for code that cannot.
 */
export class AppError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
		this.name = 'AppError';
	}

	toBody(): ApiErrorBody {
		return apiError(this.code, this.message, this.details);
	}
}
