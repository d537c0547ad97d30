import { describe, expect, it } from 'vitest';
import { TASK_STATES, type TaskState } from '../db/schema.ts';
import { chunkWindows } from './chunking.ts';
import { illegalTransitionMessage, nextState, TASK_ACTIONS, type TaskAction } from './task-states.ts';

describe(nextState.name, () => {
	it('follows the life of a task: claim, submit, review, return, start again, resubmit, accept', () => {
		const path: [TaskAction, TaskState][] = [
			['claim', 'in_progress'],
			['submit', 'submitted'],
			['claim_review', 'in_review'],
			['return', 'returned'],
			['start', 'in_progress'],
			['submit', 'submitted'],
			['claim_review', 'in_review'],
			['pass', 'submitted'],
			['claim_review', 'in_review'],
			['accept', 'accepted'],
			['mark_gold', 'accepted']
		];
		let state: TaskState = 'new';
		for (const [action, expected] of path) {
			const next = nextState(state, action);
			expect(next, `${action} from ${state}`).toBe(expected);
			state = next!;
		}
	});

	it('gives lapsed and released leases back to where they were taken from', () => {
		expect(nextState('in_progress', 'lapse')).toBe('new');
		expect(nextState('in_review', 'lapse')).toBe('submitted');
		expect(nextState('in_progress', 'release')).toBe('new');
		expect(nextState('in_review', 'release')).toBe('submitted');
	});

	it('refuses everything the table does not list', () => {
		const legal = new Set([
			'claim:new', 'start:returned', 'submit:in_progress', 'release:in_progress', 'release:in_review',
			'lapse:in_progress', 'lapse:in_review', 'claim_review:submitted', 'accept:in_review', 'return:in_review',
			'pass:in_review', 'assign:new', 'assign:in_progress', 'assign:returned', 'mark_gold:accepted',
			'batch_accept:submitted', 'batch_pass:submitted', 'batch_return:submitted'
		]);
		let refused = 0;
		for (const action of TASK_ACTIONS) {
			for (const state of TASK_STATES) {
				const next = nextState(state, action);
				expect(next !== null, `${action} from ${state}`).toBe(legal.has(`${action}:${state}`));
				if (next === null) refused++;
			}
		}
		expect(refused).toBe(TASK_ACTIONS.length * TASK_STATES.length - legal.size);
	});

	it('says what was tried and from which states it is possible', () => {
		expect(illegalTransitionMessage('accepted', 'submit')).toBe(
			'Cannot submit a task that is accepted: only a task that is in progress can be.'
		);
		expect(illegalTransitionMessage('new', 'release')).toBe(
			'Cannot release a task that is new: only a task that is in progress or in review can be.'
		);
	});
});

describe(chunkWindows.name, () => {
	it('keeps a recording that fits in one window whole', () => {
		expect(chunkWindows(90_000, 600_000, 5_000)).toEqual([{ startMs: 0, endMs: 90_000 }]);
		expect(chunkWindows(600_000, 600_000, 5_000)).toEqual([{ startMs: 0, endMs: 600_000 }]);
		expect(chunkWindows(0, 600_000, 5_000)).toEqual([]);
	});

	it('cuts a long recording into overlapping windows, the last ending at the end', () => {
		expect(chunkWindows(1_500_000, 600_000, 5_000)).toEqual([
			{ startMs: 0, endMs: 600_000 },
			{ startMs: 595_000, endMs: 1_195_000 },
			{ startMs: 1_190_000, endMs: 1_500_000 }
		]);
		const windows = chunkWindows(7_200_000, 600_000, 3_000);
		for (let i = 1; i < windows.length; i++) expect(windows[i - 1].endMs - windows[i].startMs).toBe(3_000);
		expect(windows.at(-1)!.endMs).toBe(7_200_000);
	});

	it('never lets the overlap swallow the step', () => {
		const windows = chunkWindows(100_000, 10_000, 60_000);
		expect(windows[1].startMs).toBe(5_000);
		expect(windows.at(-1)!.endMs).toBe(100_000);
	});
});
