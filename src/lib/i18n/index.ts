import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import en from './en.json';
import zhCN from './zh-CN.json';
import { matchLocale, type AppLocale } from './locales.ts';

export { LOCALES, matchLocale, type AppLocale } from './locales.ts';

const STORAGE_KEY = 'fangyan.locale';

// Both dictionaries are small and bundled, so the first paint is already in the right language
// (no loading state, no flash of English for a Chinese user).
addMessages('en', en);
addMessages('zh-CN', zhCN);

function storedLocale(): string | null {
	try {
		return localStorage.getItem(STORAGE_KEY);
	} catch {
		return null;
	}
}

/** The locale this browser last chose, else the browser's language, else English. */
export function browserLocale(): AppLocale {
	return matchLocale(storedLocale()) ?? matchLocale(getLocaleFromNavigator()) ?? 'en';
}

init({ fallbackLocale: 'en', initialLocale: browserLocale() });

// <html lang> picks CJK fonts and the screen reader voice; keep it in step with the UI language.
locale.subscribe((value) => {
	if (typeof document !== 'undefined' && value) document.documentElement.lang = value;
});

/** Switches the UI language and remembers it in this browser. */
export function applyLocale(value: AppLocale) {
	locale.set(value);
	try {
		localStorage.setItem(STORAGE_KEY, value);
	} catch {
		// Private mode or storage disabled: the choice still lasts for this page.
	}
}
