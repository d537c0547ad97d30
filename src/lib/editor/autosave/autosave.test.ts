import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave } from './autosave.svelte.ts';
import { diffFields, patchBody, snapshotSegment } from './fields.ts';
import { formatMs } from './format.ts';
import { Outbox } from './outbox.ts';
import { MemoryOutboxStorage } from './storage.ts';
import { FakeSegmentsApi } from './testing/fake-segments-api.ts';
import { installUnloadGuard } from './unload-guard.ts';
import type { SegmentData } from './types.ts';

const a: SegmentData = {
	id: 'seg-a-0000000000000001',
	recordingId: 'rec-1',
	startMs: 0,
	endMs: 1000,
	speakerId: null,
	dialectTagId: null,
	texts: { transcript: '' },
	status: 'new',
	version: 1
};

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe(Autosave.name, () => {
	it('mirrors the engine as reactive fields', async () => {
		const api = new FakeSegmentsApi();
		api.segments.set(a.id, { ...a });
		const outbox = new Outbox({ storage: new MemoryOutboxStorage(), transport: api.fetch, userId: 'u', claimIntervalMs: 0 });
		const autosave = new Autosave(outbox);
		await outbox.start();
		expect(autosave.status).toBe('saved');

		void autosave.record({ type: 'update', segment: { ...a, texts: { transcript: '你好' } }, previous: a });
		expect(autosave).toMatchObject({ status: 'saving', pendingCount: 1, hasUnsavedChanges: true });
		await vi.advanceTimersByTimeAsync(700);
		expect(autosave).toMatchObject({ status: 'saved', pendingCount: 0, hasUnsavedChanges: false });
		expect(autosave.lastSavedAt).not.toBeNull();
		autosave.destroy();
	});
});

describe(installUnloadGuard.name, () => {
	function fakeWindow() {
		const win = new EventTarget() as EventTarget & { document: EventTarget & { visibilityState: string } };
		win.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
		return win as unknown as Window;
	}

	it('asks before unload only with unsaved changes, flushes on pagehide, and uninstalls', () => {
		const win = fakeWindow();
		const state = { hasUnsavedChanges: false, flush: vi.fn(async () => true) };
		const remove = installUnloadGuard(state, win);
		const unload = () => {
			const event = new Event('beforeunload', { cancelable: true });
			win.dispatchEvent(event);
			return event.defaultPrevented;
		};
		expect(unload()).toBe(false);
		state.hasUnsavedChanges = true;
		expect(unload()).toBe(true);
		win.dispatchEvent(new Event('pagehide'));
		expect(state.flush).toHaveBeenCalledTimes(2);
		remove();
		expect(unload()).toBe(false);
	});
});

describe('fields', () => {
	it('diffs scalars and text layers, treating a missing layer as empty and comparing NFC', () => {
		const b = { ...a, endMs: 1200, texts: { transcript: '', romanization: 'nei5' } };
		expect(diffFields(a, b)).toEqual(['endMs', 'texts.romanization']);
		// é as one code point vs e + combining accent
		expect(diffFields({ ...a, texts: { transcript: '\u00e9' } }, { ...a, texts: { transcript: 'e\u0301' } })).toEqual([]);
		expect(patchBody(b, ['endMs', 'texts.romanization'], 3)).toEqual({ version: 3, endMs: 1200, texts: { romanization: 'nei5' } });
	});

	it('snapshots into plain objects that structuredClone accepts', () => {
		const proxied = new Proxy({ ...a, texts: new Proxy({ transcript: '字' }, {}) }, {});
		const copy = snapshotSegment(proxied);
		expect(structuredClone(copy)).toEqual({ ...a, texts: { transcript: '字' } });
	});

	it('formats times in ms for display', () => {
		expect(formatMs(83_456)).toBe('1:23.456');
		expect(formatMs(3_723_004)).toBe('1:02:03.004');
	});
});
