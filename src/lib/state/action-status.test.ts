import { describe, expect, it } from 'vitest';
import { ActionStatus } from './action-status.svelte.ts';

const describeErr = (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`;

describe(ActionStatus.name, () => {
	it('keeps the notice of an action that went well, after its reload', async () => {
		const status = new ActionStatus(describeErr);
		const seen: (string | null)[] = [];
		const ok = await status.run(
			'a',
			async () => {
				seen.push(status.busy);
				return 'Saved.';
			},
			async () => seen.push(status.notice)
		);
		expect(ok).toBe(true);
		// The reload runs before the notice shows, so the notice describes the list on screen.
		expect(seen).toEqual(['a', '']);
		expect([status.busy, status.notice, status.failure]).toEqual([null, 'Saved.', '']);
	});

	it('turns a failure into its message, skips the reload and clears the last notice', async () => {
		const status = new ActionStatus(describeErr);
		await status.run('a', async () => 'First.');
		let reloaded = false;
		const ok = await status.run(
			'b',
			async () => {
				throw new Error('last manager');
			},
			async () => (reloaded = true)
		);
		expect(ok).toBe(false);
		expect(reloaded).toBe(false);
		expect([status.busy, status.notice, status.failure]).toEqual([null, '', 'failed: last manager']);
	});

	it('runs one action at a time', async () => {
		const status = new ActionStatus(describeErr);
		let release!: () => void;
		const first = status.run('a', () => new Promise<string>((r) => (release = () => r('done'))));
		expect(await status.run('b', async () => 'second')).toBe(false);
		release();
		expect(await first).toBe(true);
		expect(status.notice).toBe('done');
	});

	it('reports a problem found before sending', () => {
		const status = new ActionStatus(describeErr);
		status.notice = 'Old news.';
		status.fail('Enter an email.');
		expect([status.notice, status.failure]).toEqual(['', 'Enter an email.']);
	});
});
