/**
 * The `next` query parameter as a path on this site, or `/`. Only same-origin absolute paths pass,
 * so a crafted sign-in link cannot send someone to another site after they sign in.
 *
 * @example safeNext('/projects/demo') // '/projects/demo'
 * @example safeNext('//evil.example') // '/'
 */
export function safeNext(value: string | null | undefined): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
	if (/[\u0000-\u001f]/.test(value)) return '/';
	return value;
}
