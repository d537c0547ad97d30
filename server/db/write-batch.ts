import type { Transaction } from 'kysely';
import { dbKindOf, type Db } from './connection.ts';
import type { Database } from './schema.ts';

type Write = {
	fn: (trx: Transaction<Database>) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (reason: unknown) => void;
};

const MAX_BATCH = 256;
const pending = new WeakMap<Db, Write[]>();
const kinds = new WeakMap<Db, ReturnType<typeof dbKindOf>>();

/**
 * Runs `fn` in a write transaction and resolves once it is committed.
 *
 * On SQLite the writes that arrive in the same turn of the event loop share one transaction
 * (group commit): the connection is one and serial anyway, and BEGIN/COMMIT were a fifth of an
 * autosave's cost. Each write still sees the ones before it, so version checks stay exact. Expected
 * failures (409, 422) are return values and commit nothing; an unexpected error rolls the whole
 * batch back and every write in it is rejected — never half of one. On PostgreSQL each write gets
 * its own transaction, as concurrent connections serve it better.
 *
 * @example
 * const result = await inWriteTransaction(db, (trx) => updateSegmentRow(trx, patch));
 */
export function inWriteTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
	let kind = kinds.get(db);
	if (!kind) kinds.set(db, (kind = dbKindOf(db)));
	if (kind !== 'sqlite') return db.transaction().execute(fn);

	return new Promise<T>((resolve, reject) => {
		let queue = pending.get(db);
		if (!queue) {
			queue = [];
			pending.set(db, queue);
			setImmediate(() => void flush(db));
		}
		queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
	});
}

async function flush(db: Db) {
	const queue = pending.get(db) ?? [];
	pending.delete(db);
	for (let i = 0; i < queue.length; i += MAX_BATCH) {
		const batch = queue.slice(i, i + MAX_BATCH);
		try {
			const results = await db.transaction().execute(async (trx) => {
				const out: unknown[] = [];
				for (const write of batch) out.push(await write.fn(trx));
				return out;
			});
			batch.forEach((write, j) => write.resolve(results[j]));
		} catch (err) {
			for (const write of batch) write.reject(err);
		}
	}
}
