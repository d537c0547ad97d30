import type { OutboxEntry } from './types.ts';

/**
 * Where pending changes live until the server confirms them. The engine writes every change
 * here before sending it. Entries belong to one engine (`ownerId`, one per tab) at a time, so
 * two tabs never send the same entry; a new engine claims the entries of engines that are gone.
 */
export interface OutboxStorage {
	/** The owners holding entries of `userId`. */
	owners(userId: string): Promise<string[]>;
	/**
	 * In one transaction: the entries of `userId` owned by any of `from` become `ownerId`'s.
	 * Returns every entry of `userId` that `ownerId` then owns, in `seq` order.
	 */
	claim(userId: string, ownerId: string, from: string[]): Promise<OutboxEntry[]>;
	put(entry: OutboxEntry): Promise<void>;
	delete(key: string): Promise<void>;
	/** Every entry of `userId`, any owner, in `seq` order (diagnostics, tests). */
	list(userId: string): Promise<OutboxEntry[]>;
}

const bySeq = (a: OutboxEntry, b: OutboxEntry) => a.seq - b.seq;

/**
 * An in-memory OutboxStorage for tests, and the fallback where IndexedDB is unavailable. It
 * clones on the way in and out like IndexedDB does, so a test can hand the same instance to a
 * second engine to simulate a reload.
 */
export class MemoryOutboxStorage implements OutboxStorage {
	readonly entries = new Map<string, OutboxEntry>();
	/** When set, the next writes throw it (simulates a full disk or a revoked database). */
	failWrites: Error | null = null;

	async owners(userId: string) {
		return [...new Set([...this.entries.values()].filter((e) => e.userId === userId).map((e) => e.ownerId))];
	}

	async claim(userId: string, ownerId: string, from: string[]) {
		const owned: OutboxEntry[] = [];
		for (const entry of this.entries.values()) {
			if (entry.userId !== userId) continue;
			if (from.includes(entry.ownerId)) entry.ownerId = ownerId;
			if (entry.ownerId === ownerId) owned.push(structuredClone(entry));
		}
		return owned.sort(bySeq);
	}

	async put(entry: OutboxEntry) {
		if (this.failWrites) throw this.failWrites;
		this.entries.set(entry.key, structuredClone(entry));
	}

	async delete(key: string) {
		if (this.failWrites) throw this.failWrites;
		this.entries.delete(key);
	}

	async list(userId: string) {
		return [...this.entries.values()].filter((e) => e.userId === userId).map((e) => structuredClone(e)).sort(bySeq);
	}
}
