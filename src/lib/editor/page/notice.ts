/**
 * The editor's status line ("Select a segment first", "Undone: move", "Split: the segment would be
 * too short"): each message says how long it stays true, and the line shows it only while it is.
 * A message is derived away, not cleared by hand, so no code path can forget to clear it.
 */

export type NoticeKind =
	/** "Select a segment first": until something is selected. */
	| 'noSelection'
	/** "Segment start marked at …": while the mark is pending (made into a segment or cancelled ends it). */
	| 'pendingMark'
	/** "This is the last segment": until the selection changes. */
	| 'sameSelection'
	/** An edit refused and why: until anything changes (an edit, an undo, another selection). */
	| 'refusal'
	/** A confirmation ("Undone: move", "Loop off"): for a few seconds. */
	| 'transient';

/** How long each kind is shown at most (ms); null: as long as it is true. */
export const NOTICE_TTL_MS: Readonly<Record<NoticeKind, number | null>> = {
	noSelection: 8000,
	pendingMark: null,
	sameSelection: 8000,
	refusal: 10_000,
	transient: 5000
};

/** What a notice's truth depends on: the editor's selection, its store revision and the mark. */
export interface NoticeContext {
	readonly selectedId: string | null;
	/** The segment store's revision (every emitted batch increases it). */
	readonly revision: number;
	readonly hasPendingMark: boolean;
}

export interface Notice {
	readonly text: string;
	readonly kind: NoticeKind;
	/** The context when it was said. */
	readonly at: NoticeContext;
}

export function makeNotice(text: string, kind: NoticeKind, at: NoticeContext): Notice {
	return { text, kind, at: { ...at } };
}

/** Whether `notice` still describes the editor (its time limit aside, which the page's timer keeps). */
export function isNoticeCurrent(notice: Notice, now: NoticeContext): boolean {
	switch (notice.kind) {
		case 'noSelection':
			return now.selectedId === null;
		case 'pendingMark':
			return now.hasPendingMark;
		case 'sameSelection':
			return now.selectedId === notice.at.selectedId;
		case 'refusal':
			return now.selectedId === notice.at.selectedId && now.revision === notice.at.revision;
		case 'transient':
			return true;
	}
}

/** The text the status line shows: the notice while it is current, else nothing. */
export function noticeText(notice: Notice | null, now: NoticeContext): string {
	return notice && isNoticeCurrent(notice, now) ? notice.text : '';
}
