export type AppLocale = 'en' | 'zh-CN';

/** The UI languages, each labelled in its own language so anyone can find theirs. */
export const LOCALES: readonly { code: AppLocale; label: string }[] = [
	{ code: 'en', label: 'English' },
	{ code: 'zh-CN', label: '简体中文' }
];

/**
 * Maps a BCP-47 tag (from settings, localStorage or the browser) to a UI language we ship.
 * Any Chinese variant gets Simplified Chinese: it is the only Chinese UI we have, and far closer
 * for a zh-TW or zh-HK reader than English.
 *
 * @example matchLocale('zh-Hans-CN') // 'zh-CN'
 */
export function matchLocale(tag: unknown): AppLocale | null {
	if (typeof tag !== 'string' || !tag) return null;
	const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
	if (primary === 'zh') return 'zh-CN';
	if (primary === 'en') return 'en';
	return null;
}
