import type { TaskState } from '../db/schema.ts';

/**
 * What can happen to a task. `assign` and `mark_gold` keep the state (they are recorded as events
 * all the same); `lapse` is the system taking back a lease nobody renewed.
 */
export type TaskAction =
	| 'claim'
	| 'start'
	| 'submit'
	| 'release'
	| 'lapse'
	| 'claim_review'
	| 'accept'
	| 'return'
	| 'pass'
	| 'assign'
	| 'mark_gold'
	| 'batch_accept'
	| 'batch_pass'
	| 'batch_return';

/**
 * The one transition table: action → (from state → to state). Everything that changes a task's
 * state asks `nextState`; anything not listed here is refused with 409.
 *
 * new → in_progress (claim) → submitted (submit) → in_review (claim_review) → accepted (accept),
 * or → returned (return, with comments) → in_progress (start) → submitted again. `pass` hands a
 * reviewed task on to the next review stage (back to submitted, one stage up). The batch_ actions
 * are a QA batch's decision on the submitted tasks it covers (server/review/qa.service.ts): the
 * sample stands for them, so they move without anyone taking them for review.
 */
const TRANSITIONS: Record<TaskAction, Partial<Record<TaskState, TaskState>>> = {
	claim: { new: 'in_progress' },
	start: { returned: 'in_progress' },
	submit: { in_progress: 'submitted' },
	release: { in_progress: 'new', in_review: 'submitted' },
	lapse: { in_progress: 'new', in_review: 'submitted' },
	claim_review: { submitted: 'in_review' },
	accept: { in_review: 'accepted' },
	return: { in_review: 'returned' },
	pass: { in_review: 'submitted' },
	assign: { new: 'new', in_progress: 'new', returned: 'returned' },
	mark_gold: { accepted: 'accepted' },
	batch_accept: { submitted: 'accepted' },
	batch_pass: { submitted: 'submitted' },
	batch_return: { submitted: 'returned' }
};

export const TASK_ACTIONS = Object.keys(TRANSITIONS) as TaskAction[];

/** The state `action` leads to from `from`, or null when the table has no such transition. */
export function nextState(from: TaskState, action: TaskAction): TaskState | null {
	return TRANSITIONS[action][from] ?? null;
}

/** The states `action` is possible from, for the 409's message. */
export function statesFor(action: TaskAction): TaskState[] {
	return Object.keys(TRANSITIONS[action]) as TaskState[];
}

const STATE_WORDS: Record<TaskState, string> = {
	new: 'new',
	in_progress: 'in progress',
	submitted: 'submitted',
	in_review: 'in review',
	accepted: 'accepted',
	returned: 'returned'
};

const ACTION_WORDS: Record<TaskAction, string> = {
	claim: 'claim',
	start: 'start',
	submit: 'submit',
	release: 'release',
	lapse: 'lapse',
	claim_review: 'take for review',
	accept: 'accept',
	return: 'return',
	pass: 'pass on to the next review stage',
	assign: 'assign',
	mark_gold: 'mark as gold',
	batch_accept: 'accept with its QA batch',
	batch_pass: 'pass on with its QA batch',
	batch_return: 'return with its QA batch'
};

/** "Cannot submit a task that is accepted: only a task in progress can be submitted." */
export function illegalTransitionMessage(from: TaskState, action: TaskAction): string {
	const allowed = statesFor(action).map((s) => STATE_WORDS[s]);
	const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
	return `Cannot ${ACTION_WORDS[action]} a task that is ${STATE_WORDS[from]}: only a task that is ${list} can be.`;
}
