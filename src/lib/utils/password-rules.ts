/**
 * The server's password rule (server/users/users.schemas.ts: 10 to 200 characters), checked in the
 * browser first so the message is in the user's language.
 */
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

/** What is wrong with `password`, or '' when the server will take it. */
export function passwordProblem(password: string, t: Translate): string {
	if (password.length < MIN_PASSWORD) return t('setup.passwordShort', { values: { min: MIN_PASSWORD } });
	if (password.length > MAX_PASSWORD) return t('setup.passwordLong', { values: { max: MAX_PASSWORD } });
	return '';
}
