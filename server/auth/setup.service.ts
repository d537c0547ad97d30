import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import type { Role } from '../db/schema.ts';
import { countUsers, insertUser } from '../users/users.repository.ts';
import { claimSetup, recordSetupUser } from './setup.repository.ts';

interface NewAccount {
	email: string;
	name: string;
	passwordHash: string;
}

/**
 * First-run setup: the admin account, or undefined when the instance is already set up. Atomic on
 * both databases: the claim on instance_setup's single row comes first, so of racing first
 * visitors exactly one gets past it, and only that one creates an account.
 */
export function setUpFirstAdmin(db: Db, account: NewAccount) {
	return db.transaction().execute(async (trx) => {
		if (!(await claimSetup(trx))) return undefined;
		// Accounts written without a claim (fixtures, older tools) also mean someone set this up.
		if ((await countUsers(trx)) > 0) return undefined;
		const user = await insertUser(trx, { ...account, role: 'admin' });
		await recordSetupUser(trx, user.id);
		await audit(trx, { projectId: null, actorId: user.id, action: 'user.create', target: { type: 'user', id: user.id }, details: { email: user.email, role: 'admin', via: 'setup' } });
		return user;
	});
}

/**
 * An account made by an operator (`fangyan user create`). The first account of an instance also
 * claims setup, so the web's first-run page cannot hand a second admin to whoever visits next,
 * and a setup racing with it gets a clean 409. `claimedSetup` tells the caller it closed setup.
 */
export function createOperatorAccount(db: Db, account: NewAccount & { role: Role }) {
	return db.transaction().execute(async (trx) => {
		const claimedSetup = await claimSetup(trx);
		const user = await insertUser(trx, account);
		if (claimedSetup) await recordSetupUser(trx, user.id);
		await audit(trx, { projectId: null, actorId: null, action: 'user.create', target: { type: 'user', id: user.id }, details: { email: user.email, role: account.role, via: 'cli' } });
		return { user, claimedSetup };
	});
}
