import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxStorage } from './storage.ts';
import type { OutboxEntry } from './types.ts';

const DB_NAME = 'fangyan-autosave';
const DB_VERSION = 1;

interface AutosaveDb extends DBSchema {
	outbox: { key: string; value: OutboxEntry; indexes: { userId: string } };
}

const bySeq = (a: OutboxEntry, b: OutboxEntry) => a.seq - b.seq;

/** OutboxStorage over IndexedDB: one `outbox` store keyed by entry key, indexed by user. */
export class IdbOutboxStorage implements OutboxStorage {
	constructor(private readonly db: IDBPDatabase<AutosaveDb>) {}

	async owners(userId: string) {
		const entries = await this.db.getAllFromIndex('outbox', 'userId', userId);
		return [...new Set(entries.map((e) => e.ownerId))];
	}

	async claim(userId: string, ownerId: string, from: string[]) {
		const tx = this.db.transaction('outbox', 'readwrite');
		const owned: OutboxEntry[] = [];
		let cursor = await tx.store.index('userId').openCursor(userId);
		while (cursor) {
			const entry = cursor.value;
			if (from.includes(entry.ownerId)) {
				entry.ownerId = ownerId;
				await cursor.update(entry);
			}
			if (entry.ownerId === ownerId) owned.push(entry);
			cursor = await cursor.continue();
		}
		await tx.done;
		return owned.sort(bySeq);
	}

	async put(entry: OutboxEntry) {
		await this.db.put('outbox', entry);
	}

	async delete(key: string) {
		await this.db.delete('outbox', key);
	}

	async list(userId: string) {
		return (await this.db.getAllFromIndex('outbox', 'userId', userId)).sort(bySeq);
	}

	close() {
		this.db.close();
	}
}

/**
 * Opens the browser's outbox database and asks the browser to keep it under storage pressure
 * (best-effort persistence can otherwise be evicted, which is how peers lose drafts).
 */
export async function openIdbOutboxStorage(): Promise<IdbOutboxStorage> {
	const db = await openDB<AutosaveDb>(DB_NAME, DB_VERSION, {
		upgrade(db) {
			const store = db.createObjectStore('outbox', { keyPath: 'key' });
			store.createIndex('userId', 'userId');
		}
	});
	void globalThis.navigator?.storage?.persist?.().catch(() => false);
	return new IdbOutboxStorage(db);
}
