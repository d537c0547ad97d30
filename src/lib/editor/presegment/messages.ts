import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import { get } from 'svelte/store';

/** English and Simplified Chinese strings of the pre-segmentation panel (svelte-i18n, ICU syntax). */
export const PRESEGMENT_MESSAGES = {
	en: {
		editor: {
			presegment: {
				title: 'Pre-segmentation',
				intro: 'Proposes segments where there is voice. Preview draws them over the waveform; adjust the values until they fit, then apply. Apply adds only proposals that overlap no existing segment.',
				fields: {
					thresholdDb: 'Silence threshold',
					minSilenceMs: 'Shortest pause',
					minSegmentMs: 'Shortest segment',
					padMs: 'Padding',
					maxSegmentMs: 'Longest segment'
				},
				help: {
					thresholdDb: 'Quieter than this counts as silence. Lower it for quiet speakers, raise it for noisy rooms.',
					minSilenceMs: 'Pauses shorter than this stay inside a segment.',
					minSegmentMs: 'Shorter bursts (clicks, coughs) are dropped.',
					padMs: 'Added before and after each segment.',
					maxSegmentMs: 'Longer speech is cut at its quietest point.'
				},
				sliderLabel: '{field} (slider)',
				units: { dB: 'dB', ms: 'ms' },
				bandPass: 'Ignore hum and hiss (listen to 80 Hz–4 kHz only)',
				preview: 'Preview',
				apply: 'Apply',
				reset: 'Defaults',
				close: 'Close',
				working: 'Finding speech…',
				applying: 'Adding segments…',
				proposals: '{count, plural, =0 {No segments proposed} one {# segment proposed} other {# segments proposed}}',
				stale: 'Values changed: preview again to see their proposals.',
				applied: '{count, plural, =0 {No segments added} one {# segment added} other {# segments added}}',
				skipped: '{count, plural, =0 {} one {(# overlapped an existing segment and was left out)} other {(# overlapped existing segments and were left out)}}',
				problems: {
					notNumber: 'Enter a number.',
					notInteger: 'Enter whole milliseconds.',
					range: 'Enter a value from {min} to {max}.',
					maxBelowTwiceMin: 'Must be at least twice the shortest segment ({min} ms).'
				},
				failed: 'Pre-segmentation failed: {message}'
			}
		}
	},
	'zh-CN': {
		editor: {
			presegment: {
				title: '自动预切分',
				intro: '在有人声的地方建议语段。“预览”会把建议画在波形上；调整参数直到合适，再点“应用”。“应用”只添加不与现有语段重叠的建议。',
				fields: {
					thresholdDb: '静音阈值',
					minSilenceMs: '最短停顿',
					minSegmentMs: '最短语段',
					padMs: '边界余量',
					maxSegmentMs: '最长语段'
				},
				help: {
					thresholdDb: '低于此音量视为静音。说话人声音小时调低，环境嘈杂时调高。',
					minSilenceMs: '短于此时长的停顿仍留在语段之内。',
					minSegmentMs: '更短的声音（咔嗒声、咳嗽）会被忽略。',
					padMs: '在每个语段前后各加上这段时长。',
					maxSegmentMs: '更长的语音会在最安静处切开。'
				},
				sliderLabel: '{field}（滑块）',
				units: { dB: '分贝', ms: '毫秒' },
				bandPass: '忽略嗡嗡声和嘶嘶声（只听 80 Hz–4 kHz）',
				preview: '预览',
				apply: '应用',
				reset: '恢复默认',
				close: '关闭',
				working: '正在查找人声…',
				applying: '正在添加语段…',
				proposals: '{count, plural, =0 {没有建议的语段} other {建议 # 个语段}}',
				stale: '参数已更改：请重新预览以查看新的建议。',
				applied: '{count, plural, =0 {没有添加语段} other {已添加 # 个语段}}',
				skipped: '{count, plural, =0 {} other {（# 个与现有语段重叠，未添加）}}',
				problems: {
					notNumber: '请输入数字。',
					notInteger: '请输入整数毫秒。',
					range: '请输入 {min} 到 {max} 之间的值。',
					maxBelowTwiceMin: '至少应为最短语段的两倍（{min} 毫秒）。'
				},
				failed: '自动预切分失败：{message}'
			}
		}
	}
};

let registered = false;

/**
 * Adds these strings to svelte-i18n once (the pattern of ensureAutosaveMessages: src/lib/i18n
 * bundles only its own JSON). Initialises svelte-i18n from the browser when nothing has yet.
 */
export function ensurePresegmentMessages() {
	if (registered) return;
	registered = true;
	addMessages('en', PRESEGMENT_MESSAGES.en);
	addMessages('zh-CN', PRESEGMENT_MESSAGES['zh-CN']);
	if (!get(locale)) init({ fallbackLocale: 'en', initialLocale: getLocaleFromNavigator() ?? 'en' });
}
