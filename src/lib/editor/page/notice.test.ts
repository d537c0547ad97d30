import { describe, expect, it } from 'vitest';
import { NOTICE_TTL_MS, isNoticeCurrent, makeNotice, noticeText, type NoticeContext } from './notice.ts';

const ctx = (patch: Partial<NoticeContext> = {}): NoticeContext => ({
	selectedId: 'a',
	revision: 10,
	hasPendingMark: false,
	...patch
});

describe(isNoticeCurrent.name, () => {
	it('"select a segment first" clears once something is selected', () => {
		const n = makeNotice('Select a segment first', 'noSelection', ctx({ selectedId: null }));
		expect(noticeText(n, ctx({ selectedId: null, revision: 12 }))).toBe('Select a segment first');
		expect(noticeText(n, ctx({ selectedId: 'b' }))).toBe('');
	});

	it('"start marked" lasts while the mark is pending, whatever else happens', () => {
		const n = makeNotice('Segment start marked', 'pendingMark', ctx({ hasPendingMark: true }));
		expect(isNoticeCurrent(n, ctx({ hasPendingMark: true, revision: 99, selectedId: 'z' }))).toBe(true);
		expect(isNoticeCurrent(n, ctx({ hasPendingMark: false }))).toBe(false);
		expect(NOTICE_TTL_MS.pendingMark).toBeNull();
	});

	it('a refusal clears on the next change or selection', () => {
		const n = makeNotice('Merge: there is no next segment', 'refusal', ctx());
		expect(isNoticeCurrent(n, ctx())).toBe(true);
		expect(isNoticeCurrent(n, ctx({ revision: 11 }))).toBe(false);
		expect(isNoticeCurrent(n, ctx({ selectedId: 'b' }))).toBe(false);
	});

	it('"last segment" clears when the selection moves; confirmations only time out', () => {
		const last = makeNotice('This is the last segment', 'sameSelection', ctx());
		expect(isNoticeCurrent(last, ctx({ revision: 20 }))).toBe(true);
		expect(isNoticeCurrent(last, ctx({ selectedId: 'b' }))).toBe(false);
		const done = makeNotice('Undone: move', 'transient', ctx());
		expect(isNoticeCurrent(done, ctx({ selectedId: null, revision: 50 }))).toBe(true);
		expect(NOTICE_TTL_MS.transient).toBeGreaterThan(0);
		expect(noticeText(null, ctx())).toBe('');
	});

	it('keeps its own copy of the context it was said in', () => {
		const at = { selectedId: 'a', revision: 1, hasPendingMark: false };
		const n = makeNotice('x', 'refusal', at);
		at.revision = 2;
		expect(isNoticeCurrent(n, ctx({ revision: 1 }))).toBe(true);
	});
});
