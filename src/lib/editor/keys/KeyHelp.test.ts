import { render } from 'svelte/server';
import { locale } from 'svelte-i18n';
import { describe, expect, it } from 'vitest';
import KeyHelp from './KeyHelp.svelte';
import { defaultKeymap } from './keymap.ts';

describe('KeyHelp (server render)', () => {
	it('lists every group with platform-formatted keys, and conflicts in the draft', () => {
		locale.set('en');
		const { body } = render(KeyHelp, { props: { keymap: defaultKeymap(), platform: 'mac' } });
		expect(body).toContain('Keyboard shortcuts');
		expect(body).toContain('Play / pause');
		expect(body).toContain('⌃Space');
		expect(body).toContain('⇧⌘Z');
		expect(body).not.toContain('role="alert"');

		const clashing = { ...defaultKeymap(), loopSegment: ['Alt+K'] };
		const withConflict = render(KeyHelp, { props: { keymap: clashing, platform: 'other' } });
		expect(withConflict.body).toContain('role="alert"');
		expect(withConflict.body).toContain('Alt+K: Play / pause / Loop the segment on/off');
	});

	it('leaves out the keys that edit when the editor is read-only, and says so', () => {
		locale.set('en');
		const full = render(KeyHelp, { props: { keymap: defaultKeymap(), platform: 'other' } }).body;
		expect(full).toContain('Split the segment at the playhead');
		expect(full).not.toContain('data-testid="keys-read-only"');
		const { body } = render(KeyHelp, { props: { keymap: defaultKeymap(), platform: 'other', editable: false, readOnly: true } });
		expect(body).toContain('data-testid="keys-read-only"');
		expect(body).toContain('Play / pause');
		expect(body).toContain('Zoom in');
		for (const edit of ['Split the segment at the playhead', 'Speaker 1', 'Next task: resume yours']) expect(body).not.toContain(edit);
	});

	it('speaks Chinese when the UI does', () => {
		locale.set('zh-CN');
		const { body } = render(KeyHelp, { props: { keymap: defaultKeymap(), platform: 'other', editable: false } });
		expect(body).toContain('键盘快捷键');
		expect(body).toContain('说话人 1');
		expect(body).not.toContain('添加按键');
		locale.set('en');
	});
});
