import { render } from 'svelte/server';
import { locale } from 'svelte-i18n';
import { describe, expect, it } from 'vitest';
import ConflictDialog from './ConflictDialog.svelte';
import RevisionHistory from './RevisionHistory.svelte';
import SaveStatus from './SaveStatus.svelte';
import type { Conflict, SegmentData } from './types.ts';

const base: SegmentData = {
	id: 'seg-a-0000000000000001',
	recordingId: 'rec-1',
	startMs: 1000,
	endMs: 2000,
	speakerId: 'spk-1',
	dialectTagId: null,
	texts: { transcript: '原文', mandarin: '' },
	status: 'new',
	version: 1
};

const conflict: Conflict = {
	key: 'k1',
	segmentId: base.id,
	recordingId: base.recordingId,
	op: 'update',
	base,
	local: { ...base, texts: { transcript: '我改嘅', mandarin: '' } },
	server: { ...base, version: 2, endMs: 2100, texts: { transcript: '佢改嘅', mandarin: '' }, updatedAt: '2026-03-01T08:00:00Z' },
	localFields: ['texts.transcript'],
	serverFields: ['endMs', 'texts.transcript'],
	differing: ['endMs', 'texts.transcript']
};

const noop = () => {};
const layers = [
	{ key: 'transcript', nameEn: 'Transcript', nameZh: '转写 (方言字)' },
	{ key: 'mandarin', nameEn: 'Mandarin translation', nameZh: '普通话翻译' }
];

describe('autosave components (server render)', () => {
	it('SaveStatus announces the state politely and offers review on conflict', () => {
		locale.set('en');
		const status = { status: 'offline' as const, pendingCount: 3, lastSavedAt: null, unauthenticated: false, conflicts: [], failures: [], storageError: null };
		const { body } = render(SaveStatus, { props: { autosave: status } });
		expect(body).toContain('aria-live="polite"');
		expect(body).toContain('Offline – 3 edits queued');
		const conflicted = render(SaveStatus, {
			props: { autosave: { ...status, status: 'conflict' as const, conflicts: [conflict] }, onReviewConflicts: noop }
		});
		expect(conflicted.body).toContain('Review');
	});

	it('ConflictDialog shows both sides by field, marks the differing ones, in Chinese too', () => {
		locale.set('en');
		const props = {
			conflict,
			layers,
			speakers: [{ id: 'spk-1', code: 'A', name: 'Ah Mei' }],
			onKeepMine: noop,
			onTakeTheirs: noop,
			onMerge: noop
		};
		const { body } = render(ConflictDialog, { props });
		expect(body).toContain('我改嘅');
		expect(body).toContain('佢改嘅');
		expect(body).toContain('0:02.100');
		expect(body).toContain('A · Ah Mei');
		expect(body).toContain('Mandarin translation');
		expect(body.match(/<tr class="[^"]*\bdiffers\b/g)).toHaveLength(2);
		expect(body).toContain('Keep mine');
		locale.set('zh-CN');
		expect(render(ConflictDialog, { props }).body).toContain('保留我的');
		locale.set('en');
	});

	it('RevisionHistory renders its frame before the list arrives', () => {
		locale.set('en');
		const { body } = render(RevisionHistory, { props: { segmentId: base.id, fetch: () => new Promise<Response>(noop) } });
		expect(body).toContain('History');
	});
});
