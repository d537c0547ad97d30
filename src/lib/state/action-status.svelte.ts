/**
 * The state of a screen whose changes save at once (members, accounts): which action runs, the
 * last thing that went well (for a status line) and the last failure (for an alert), in the
 * user's language.
 *
 * @example
 * const status = new ActionStatus((err) => describeError(err, $_));
 * void status.run(member.userId, async () => { await rest.removeMember(…); return $_('…removed'); });
 */
export class ActionStatus {
	/** The key of the running action, or null. */
	busy = $state<string | null>(null);
	notice = $state('');
	failure = $state('');

	constructor(private readonly describe: (err: unknown) => string) {}

	/**
	 * Runs `action` unless another one runs; its result is the notice. `after` (a reload of the
	 * list) runs only when it succeeded. Resolves to whether it did.
	 */
	async run(key: string, action: () => Promise<string>, after?: () => Promise<unknown>): Promise<boolean> {
		if (this.busy !== null) return false;
		this.busy = key;
		this.notice = '';
		this.failure = '';
		try {
			const notice = await action();
			await after?.();
			this.notice = notice;
			return true;
		} catch (err) {
			this.failure = this.describe(err);
			return false;
		} finally {
			this.busy = null;
		}
	}

	/** A problem found before anything was sent (a missing field). */
	fail(message: string) {
		this.notice = '';
		this.failure = message;
	}
}
