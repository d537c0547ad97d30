/**
 * Tells which outbox owners (engines, one per tab) are still alive, so a new engine takes over
 * the entries of a closed or crashed tab but never those of a tab that is still sending them.
 */
export interface OwnerLiveness {
	/** Marks `ownerId` alive until `release` (or until the page goes away). */
	acquire(ownerId: string): Promise<void>;
	release(ownerId: string): void;
	/** The subset of `ownerIds` that are alive. */
	alive(ownerIds: string[]): Promise<Set<string>>;
}

const LOCK_PREFIX = 'fangyan-outbox-owner:';

/**
 * Liveness from the Web Locks API: each engine holds an exclusive lock named after it for as long
 * as its page lives. The browser releases it when the tab closes, reloads or crashes.
 */
export function webLocksLiveness(locks: LockManager): OwnerLiveness {
	const releases = new Map<string, () => void>();
	return {
		acquire(ownerId) {
			return new Promise<void>((acquired, failed) => {
				locks
					.request(LOCK_PREFIX + ownerId, { mode: 'exclusive' }, () => {
						acquired();
						return new Promise<void>((release) => releases.set(ownerId, release));
					})
					.catch(failed);
			});
		},
		release(ownerId) {
			releases.get(ownerId)?.();
			releases.delete(ownerId);
		},
		async alive(ownerIds) {
			const state = await locks.query();
			const held = new Set((state.held ?? []).map((l) => l.name));
			return new Set(ownerIds.filter((id) => held.has(LOCK_PREFIX + id)));
		}
	};
}

/**
 * Liveness within one JavaScript realm: the owners acquired (and not released) on this object.
 * Tests share one instance between engines to simulate tabs; `kill` simulates a crash.
 * In a browser without Web Locks it means "every other tab counts as gone".
 */
export class MemoryLiveness implements OwnerLiveness {
	readonly owners = new Set<string>();
	async acquire(ownerId: string) {
		this.owners.add(ownerId);
	}
	release(ownerId: string) {
		this.owners.delete(ownerId);
	}
	kill(ownerId: string) {
		this.owners.delete(ownerId);
	}
	async alive(ownerIds: string[]) {
		return new Set(ownerIds.filter((id) => this.owners.has(id)));
	}
}


/**
 * Liveness from heartbeats in localStorage, for pages without Web Locks (e.g. served over plain
 * http on a LAN, where `navigator.locks` does not exist): an owner is alive while its heartbeat
 * is fresher than `staleMs`.
 */
export function localStorageLiveness(
	storage: Storage,
	options: { heartbeatMs?: number; staleMs?: number; now?: () => number } = {}
): OwnerLiveness {
	const heartbeatMs = options.heartbeatMs ?? 2_000;
	const staleMs = options.staleMs ?? 3 * heartbeatMs;
	const now = options.now ?? Date.now;
	const timers = new Map<string, ReturnType<typeof setInterval>>();
	const beat = (ownerId: string) => {
		try {
			storage.setItem(LOCK_PREFIX + ownerId, String(now()));
		} catch {
			// Quota or privacy mode: other tabs will treat this one as gone, which only risks a
			// duplicate send that the server's ids and versions make harmless.
		}
	};
	return {
		async acquire(ownerId) {
			beat(ownerId);
			timers.set(ownerId, setInterval(() => beat(ownerId), heartbeatMs));
		},
		release(ownerId) {
			clearInterval(timers.get(ownerId));
			timers.delete(ownerId);
			storage.removeItem(LOCK_PREFIX + ownerId);
		},
		async alive(ownerIds) {
			return new Set(
				ownerIds.filter((id) => {
					const at = Number(storage.getItem(LOCK_PREFIX + id));
					return at > 0 && now() - at < staleMs;
				})
			);
		}
	};
}

/** Web Locks where the browser has them, else localStorage heartbeats, else this tab only. */
export function browserLiveness(): OwnerLiveness {
	const locks = globalThis.navigator?.locks;
	if (locks) return webLocksLiveness(locks);
	if (typeof localStorage !== 'undefined') return localStorageLiveness(localStorage);
	return new MemoryLiveness();
}
