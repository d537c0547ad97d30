import { ApiError } from '$lib/api/client';

type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

/** API error codes the UI explains in the user's language; anything else shows the server's text. */
const KNOWN_CODES = new Set([
	'invalid_credentials',
	'already_set_up',
	'forbidden',
	'not_found',
	'conflict',
	'slug_taken',
	'too_large',
	'not_audio',
	'no_audio_stream',
	'empty_file',
	'truncated',
	'duplicate',
	'invalid_file_name',
	'not_ready',
	'email_taken',
	'last_admin',
	'last_manager',
	'unknown_user',
	'link_invalid',
	'offline',
	'internal'
]);

/** A message for someone looking at the screen, for any error a call to the API can produce. */
export function describeError(err: unknown, t: Translate): string {
	if (err instanceof ApiError) {
		if (KNOWN_CODES.has(err.code)) return t(`errors.${err.code}`);
		if (err.status === 403) return t('errors.forbidden');
		if (err.status === 404) return t('errors.not_found');
		if (err.status === 409 && err.code !== 'version_conflict') return err.message || t('errors.conflict');
		if (err.status >= 500) return t('errors.internal');
		return err.message || t('errors.generic');
	}
	if (err instanceof TypeError) return t('errors.offline'); // fetch's network failure
	return t('errors.generic');
}
