import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import { get } from 'svelte/store';

/** English and Simplified Chinese strings of the autosave components (svelte-i18n, ICU syntax). */
export const AUTOSAVE_MESSAGES = {
	en: {
		editor: {
			autosave: {
				saved: 'All changes saved',
				savedAt: 'Saved at {time}',
				saving: 'Saving…',
				offline: 'Offline – {count, plural, =0 {edits will be kept} one {# edit queued} other {# edits queued}}',
				conflict: '{count, plural, one {A segment was} other {# segments were}} changed by someone else',
				review: 'Review',
				error: 'Not saved: {message}',
				signedOut: 'Signed out – {count, plural, one {# edit waits} other {# edits wait}} for you to sign in',
				retry: 'Retry now',
				notPersistent: 'This browser cannot store edits offline; keep this tab open until they are saved.',
				storageError: 'Could not store edits in this browser ({message}); they are only kept in this tab.',
				dialogTitle: 'Someone else changed this segment',
				dialogIntro: 'Your edit was not saved because the segment changed on the server since you started. Choose what to keep.',
				deletedLocally: 'You deleted this segment, but someone else changed it.',
				deletedRemotely: 'Someone deleted this segment while you were editing it.',
				field: 'Field',
				mine: 'Mine',
				theirs: 'Theirs (server)',
				choice: 'Keep',
				differs: 'differs',
				deleted: '(deleted)',
				empty: '—',
				changedAt: 'Server version {version}, changed {time}',
				keepMine: 'Keep mine',
				takeTheirs: 'Take theirs',
				applyChoices: 'Save my choices',
				later: 'Decide later',
				fields: {
					startMs: 'Start',
					endMs: 'End',
					speakerId: 'Speaker',
					dialectTagId: 'Dialect tag',
					status: 'State'
				}
			},
			revisions: {
				title: 'History',
				loading: 'Loading history…',
				empty: 'No revisions yet.',
				loadFailed: 'Could not load the history ({message}).',
				by: '{name}',
				unknownUser: 'unknown user',
				version: 'v{version}',
				actions: { create: 'Created', update: 'Edited', delete: 'Deleted', restore: 'Restored' },
				restore: 'Restore this version',
				restoreLabel: 'Restore version {version} from {time}',
				restored: 'Restored version {version}.',
				restoreConflict: 'The segment changed meanwhile; the list was reloaded. Try again.',
				restoreFailed: 'Could not restore ({message}).',
				noChange: 'No field changed',
				current: 'current',
				reload: 'Reload'
			}
		}
	},
	zh: {
		editor: {
			autosave: {
				saved: '所有修改已保存',
				savedAt: '已于 {time} 保存',
				saving: '正在保存…',
				offline: '离线 – {count, plural, =0 {修改会保留} other {# 处修改待保存}}',
				conflict: '{count, plural, other {# 个语段}}已被他人修改',
				review: '查看',
				error: '未保存：{message}',
				signedOut: '已退出登录 – {count, plural, other {# 处修改}}等待重新登录后保存',
				retry: '立即重试',
				notPersistent: '此浏览器无法离线保存修改；请在保存完成前保持此标签页打开。',
				storageError: '无法在此浏览器中存储修改（{message}），修改仅保留在此标签页中。',
				dialogTitle: '此语段已被他人修改',
				dialogIntro: '您的修改尚未保存：在您编辑期间，服务器上的语段已被更改。请选择要保留的内容。',
				deletedLocally: '您删除了此语段，但他人修改了它。',
				deletedRemotely: '您编辑期间，他人删除了此语段。',
				field: '字段',
				mine: '我的',
				theirs: '他人的（服务器）',
				choice: '保留',
				differs: '不同',
				deleted: '（已删除）',
				empty: '—',
				changedAt: '服务器版本 {version}，修改于 {time}',
				keepMine: '保留我的',
				takeTheirs: '采用他人的',
				applyChoices: '按我的选择保存',
				later: '稍后决定',
				fields: {
					startMs: '开始',
					endMs: '结束',
					speakerId: '说话人',
					dialectTagId: '方言标签',
					status: '状态'
				}
			},
			revisions: {
				title: '历史记录',
				loading: '正在加载历史记录…',
				empty: '暂无修订。',
				loadFailed: '无法加载历史记录（{message}）。',
				by: '{name}',
				unknownUser: '未知用户',
				version: '第 {version} 版',
				actions: { create: '创建', update: '编辑', delete: '删除', restore: '恢复' },
				restore: '恢复此版本',
				restoreLabel: '恢复 {time} 的第 {version} 版',
				restored: '已恢复第 {version} 版。',
				restoreConflict: '语段在此期间已被修改，列表已重新加载，请重试。',
				restoreFailed: '无法恢复（{message}）。',
				noChange: '无字段变化',
				current: '当前',
				reload: '重新加载'
			}
		}
	}
};

let registered = false;

/**
 * Adds these strings to svelte-i18n (under `en` and `zh`, which also serves zh-CN and zh-Hans)
 * once. If the app has not initialised svelte-i18n yet, initialises it from the browser language
 * so the components still render.
 */
export function ensureAutosaveMessages() {
	if (registered) return;
	registered = true;
	addMessages('en', AUTOSAVE_MESSAGES.en);
	addMessages('zh', AUTOSAVE_MESSAGES.zh);
	if (!get(locale)) init({ fallbackLocale: 'en', initialLocale: getLocaleFromNavigator() ?? 'en' });
}
