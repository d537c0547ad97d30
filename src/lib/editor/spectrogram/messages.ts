import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import { get } from 'svelte/store';

/** English and Simplified Chinese strings of the spectrogram view (svelte-i18n, ICU syntax). */
export const SPECTROGRAM_MESSAGES = {
	en: {
		editor: {
			spectrogram: {
				label: 'Spectrogram',
				alt: 'Spectrogram of {start}–{end} (0–8 kHz, darker is louder)',
				tooLong: 'Zoom in to two minutes or less to see the spectrogram',
				loading: 'Drawing the spectrogram…',
				notReady: 'The spectrogram appears once the recording has been processed',
				failed: 'The spectrogram could not be drawn ({message})',
				retry: 'Try again',
				khz: '{value} kHz'
			}
		}
	},
	'zh-CN': {
		editor: {
			spectrogram: {
				label: '语谱图',
				alt: '{start}–{end} 的语谱图（0–8 kHz，颜色越深声音越强）',
				tooLong: '放大到两分钟以内即可查看语谱图',
				loading: '正在绘制语谱图…',
				notReady: '录音处理完成后即可显示语谱图',
				failed: '无法绘制语谱图（{message}）',
				retry: '重试',
				khz: '{value} kHz'
			}
		}
	}
};

let registered = false;

/**
 * Adds these strings to svelte-i18n once (the pattern of ensureAutosaveMessages: src/lib/i18n
 * bundles only its own JSON). Initialises svelte-i18n from the browser when nothing has yet.
 */
export function ensureSpectrogramMessages() {
	if (registered) return;
	registered = true;
	addMessages('en', SPECTROGRAM_MESSAGES.en);
	addMessages('zh-CN', SPECTROGRAM_MESSAGES['zh-CN']);
	if (!get(locale)) init({ fallbackLocale: 'en', initialLocale: getLocaleFromNavigator() ?? 'en' });
}
