import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import { get } from 'svelte/store';

/** English and Simplified Chinese strings of the keyboard layer (svelte-i18n, ICU syntax). */
export const KEYS_MESSAGES = {
	en: {
		editor: {
			keys: {
				title: 'Keyboard shortcuts',
				imeNote: 'Shortcuts never fire while your input method is composing, so Enter and Space stay with the IME. Single-key shortcuts work only when the cursor is not in a text field.',
				readOnlyNote: 'You can only read this recording, so the keys that edit segments, speakers or tasks are not listed.',
				groups: {
					playback: 'Playback',
					segments: 'Segments',
					navigation: 'Moving between segments',
					speakers: 'Speakers (outside text fields)',
					view: 'View'
				},
				actions: {
					playPause: 'Play / pause',
					toggleFocus: 'Leave the text field for the waveform, and back',
					replaySegment: 'Replay the segment',
					seekBack: 'Back 2 seconds',
					seekForward: 'Forward 2 seconds',
					slower: 'Slower (down to 0.5×)',
					faster: 'Faster (up to 2×)',
					loopSegment: 'Loop the segment on/off',
					markStart: 'Mark segment start at the playhead',
					markEnd: 'Mark segment end at the playhead',
					splitAtPlayhead: 'Split the segment at the playhead',
					mergeNext: 'Merge with the next segment',
					deleteSegment: 'Delete the segment',
					startEarlier: 'Move the start 10 ms earlier',
					startLater: 'Move the start 10 ms later',
					endEarlier: 'Move the end 10 ms earlier',
					endLater: 'Move the end 10 ms later',
					startEarlierMore: 'Move the start 100 ms earlier',
					startLaterMore: 'Move the start 100 ms later',
					endEarlierMore: 'Move the end 100 ms earlier',
					endLaterMore: 'Move the end 100 ms later',
					startToPlayhead: 'Set the start to the playhead',
					endToPlayhead: 'Set the end to the playhead',
					undo: 'Undo',
					redo: 'Redo',
					commitAndNext: 'Save, go to the next segment and play it',
					commitAndPrevious: 'Save, go to the previous segment and play it',
					nextSegment: 'Next segment',
					previousSegment: 'Previous segment',
					nextTask: 'Next task: resume yours, or take the next one from the queue',
					speaker1: 'Speaker 1',
					speaker2: 'Speaker 2',
					speaker3: 'Speaker 3',
					speaker4: 'Speaker 4',
					speaker5: 'Speaker 5',
					speaker6: 'Speaker 6',
					speaker7: 'Speaker 7',
					speaker8: 'Speaker 8',
					speaker9: 'Speaker 9',
					zoomIn: 'Zoom in',
					zoomOut: 'Zoom out',
					zoomToSegment: 'Zoom to the segment',
					toggleFollow: 'Follow the segment on/off (a fixed window around it)',
					help: 'Show this list'
				},
				action: 'Action',
				keys: 'Keys',
				none: 'no key',
				add: 'Add key',
				addFor: 'Add a key for {action}',
				remove: 'Remove {key} from {action}',
				reset: 'Default',
				resetFor: 'Restore the default keys of {action}',
				resetAll: 'Restore all defaults',
				recording: 'Press the new key combination for {action} (Tab to leave)…',
				cancel: 'Cancel',
				save: 'Save shortcuts',
				saving: 'Saving…',
				saved: 'Shortcuts saved.',
				saveFailed: 'Could not save the shortcuts ({message}).',
				close: 'Close',
				conflicts: '{count, plural, one {One key is} other {# keys are}} used twice; change one of them before saving:',
				conflict: '{key}: {actions}',
				warnings: {
					reserved: 'The browser keeps this key for itself; it may never reach the editor.',
					imeSwitch: 'This key switches the input method on many systems.',
					notWhileTyping: 'Works only when the cursor is not in a text field.'
				}
			}
		}
	},
	zh: {
		editor: {
			keys: {
				title: '键盘快捷键',
				imeNote: '输入法正在输入（组字）时，快捷键一律不会触发，回车和空格仍归输入法使用。单键快捷键只在光标不在文本框中时生效。',
				readOnlyNote: '这段录音您只能查看，所以编辑语段、说话人或任务的快捷键没有列出。',
				groups: {
					playback: '播放',
					segments: '语段',
					navigation: '在语段之间移动',
					speakers: '说话人（文本框外）',
					view: '视图'
				},
				actions: {
					playPause: '播放 / 暂停',
					toggleFocus: '离开文本框回到波形，再返回',
					replaySegment: '重播本语段',
					seekBack: '后退 2 秒',
					seekForward: '前进 2 秒',
					slower: '减速（最低 0.5×）',
					faster: '加速（最高 2×）',
					loopSegment: '开关语段循环',
					markStart: '在播放位置标记语段开始',
					markEnd: '在播放位置标记语段结束',
					splitAtPlayhead: '在播放位置拆分语段',
					mergeNext: '与下一语段合并',
					deleteSegment: '删除语段',
					startEarlier: '起点提前 10 毫秒',
					startLater: '起点推后 10 毫秒',
					endEarlier: '终点提前 10 毫秒',
					endLater: '终点推后 10 毫秒',
					startEarlierMore: '起点提前 100 毫秒',
					startLaterMore: '起点推后 100 毫秒',
					endEarlierMore: '终点提前 100 毫秒',
					endLaterMore: '终点推后 100 毫秒',
					startToPlayhead: '把起点设在播放位置',
					endToPlayhead: '把终点设在播放位置',
					undo: '撤销',
					redo: '重做',
					commitAndNext: '保存，转到下一语段并播放',
					commitAndPrevious: '保存，转到上一语段并播放',
					nextSegment: '下一语段',
					previousSegment: '上一语段',
					nextTask: '下一个任务：继续你手上的任务，或从队列中领取下一个',
					speaker1: '说话人 1',
					speaker2: '说话人 2',
					speaker3: '说话人 3',
					speaker4: '说话人 4',
					speaker5: '说话人 5',
					speaker6: '说话人 6',
					speaker7: '说话人 7',
					speaker8: '说话人 8',
					speaker9: '说话人 9',
					zoomIn: '放大',
					zoomOut: '缩小',
					zoomToSegment: '缩放到本语段',
					toggleFollow: '开关跟随语段（在语段周围保持固定时长的视窗）',
					help: '显示此列表'
				},
				action: '操作',
				keys: '按键',
				none: '无按键',
				add: '添加按键',
				addFor: '为“{action}”添加按键',
				remove: '从“{action}”中移除 {key}',
				reset: '默认',
				resetFor: '恢复“{action}”的默认按键',
				resetAll: '全部恢复默认',
				recording: '请按下“{action}”的新组合键（按 Tab 离开）…',
				cancel: '取消',
				save: '保存快捷键',
				saving: '正在保存…',
				saved: '快捷键已保存。',
				saveFailed: '无法保存快捷键（{message}）。',
				close: '关闭',
				conflicts: '有 {count} 个按键被重复使用，保存前请修改其中之一：',
				conflict: '{key}：{actions}',
				warnings: {
					reserved: '浏览器会保留此按键，编辑器可能收不到。',
					imeSwitch: '在许多系统上此按键用于切换输入法。',
					notWhileTyping: '仅在光标不在文本框中时生效。'
				}
			}
		}
	}
};

let registered = false;

/** Adds these strings to svelte-i18n once (see ensureAutosaveMessages). */
export function ensureKeysMessages() {
	if (registered) return;
	registered = true;
	addMessages('en', KEYS_MESSAGES.en);
	addMessages('zh', KEYS_MESSAGES.zh);
	if (!get(locale)) init({ fallbackLocale: 'en', initialLocale: getLocaleFromNavigator() ?? 'en' });
}
