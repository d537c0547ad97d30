/**
 * `npx fangyan user create --email <email> --role <role> [--name <name>]`
 *
 * The password is read from the terminal with echo off (asked twice), or from the first line of
 * stdin when it is piped (`printf '%s\n' "$PW" | npx fangyan user create …`); never from argv, where
 * the process list and shell history would keep it.
 *
 * The first account of an instance also closes the web's first-run setup (see setup.service.ts).
 *
 * Exit codes: 0 created; 1 refused (weak password, email taken, no password given); 2 usage error.
 */
import { emailSchema, passwordSchema, roleSchema } from '../auth/auth.schemas.ts';
import { hashPassword } from '../auth/password.ts';
import { createOperatorAccount } from '../auth/setup.service.ts';
import { createDb } from '../db/connection.ts';
import { migrateToLatest } from '../db/migrator.ts';
import type { Role } from '../db/schema.ts';
import { loadConfig } from '../env.ts';
import { isUniqueViolation } from '../projects/projects.repository.ts';
import { findUserByEmail } from '../users/users.repository.ts';

const USAGE = `Usage: npx fangyan user create --email <email> --role admin|member [--name <name>]

The password is asked for at the prompt, or read from the first line of stdin when piped:
  printf '%s\\n' "$PASSWORD" | npx fangyan user create --email ana@example.org --role member

A member works only in the projects an admin or a project's manager adds them to (the Members tab
of the project's settings), with a role there: manager, reviewer, transcriber or exporter.
`;

export type UserArgs =
	| { help: true }
	| { error: string }
	| { command: 'create'; email: string; role: Role; name?: string };

export function parseArgs(args: string[]): UserArgs {
	const [command, ...rest] = args;
	if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { help: true };
	const options: Record<string, string> = {};
	for (let i = 0; i < rest.length; i++) {
		const arg = rest[i];
		if (arg === '--help' || arg === '-h') return { help: true };
		const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
		if (!match) return { error: `Unexpected argument: ${arg}` };
		const [, key, inline] = match;
		if (key === 'password') {
			return {
				error:
					'Passwords are never taken from the command line (the process list and shell history would keep them). ' +
					'Leave out --password: you will be asked for it, or pipe it on stdin.'
			};
		}
		if (!['email', 'role', 'name'].includes(key)) return { error: `Unknown option --${key}` };
		const value = inline ?? rest[++i];
		if (value === undefined) return { error: `--${key} needs a value` };
		options[key] = value;
	}
	if (command !== 'create') return { error: `Unknown command: user ${command}` };
	if (!options.email) return { error: 'Give the email: --email <email>' };
	if (!options.role) return { error: 'Give the role: --role admin|member' };
	const email = emailSchema.safeParse(options.email);
	if (!email.success) return { error: `Not an email address: ${options.email}` };
	const role = roleSchema.safeParse(options.role);
	if (!role.success) return { error: `Unknown role ${options.role}: use admin or member (project roles are given per project, in its settings)` };
	const name = options.name?.trim().normalize('NFC');
	if (name !== undefined && (name.length === 0 || name.length > 100)) return { error: 'The name must be 1–100 characters' };
	return { command: 'create', email: email.data, role: role.data as Role, name };
}

export async function run(args: string[]): Promise<number> {
	const parsed = parseArgs(args);
	if ('help' in parsed) {
		process.stdout.write(USAGE);
		return 0;
	}
	if ('error' in parsed) {
		process.stderr.write(`${parsed.error}\n\n${USAGE}`);
		return 2;
	}

	let password: string;
	try {
		password = await readPassword();
	} catch (err) {
		process.stderr.write(`${(err as Error).message}\n`);
		return 1;
	}
	const strong = passwordSchema.safeParse(password);
	if (!strong.success) {
		process.stderr.write(`Password refused: ${strong.error.issues.map((i) => i.message).join('; ')}\n`);
		return 1;
	}

	const config = loadConfig();
	const handle = createDb({ url: config.databaseUrl });
	try {
		await migrateToLatest(handle.db);
		if (await findUserByEmail(handle.db, parsed.email)) {
			process.stderr.write(`A user with the email ${parsed.email} already exists\n`);
			return 1;
		}
		const created = await createOperatorAccount(handle.db, {
			email: parsed.email,
			name: parsed.name ?? parsed.email.split('@')[0],
			passwordHash: await hashPassword(password),
			role: parsed.role
		}).catch((err: unknown) => {
			if (isUniqueViolation(err)) return undefined;
			throw err;
		});
		if (!created) {
			process.stderr.write(`A user with the email ${parsed.email} already exists\n`);
			return 1;
		}
		const { user, claimedSetup } = created;
		process.stdout.write(`Created ${user.role} ${user.email} (${user.name}, id ${user.id})\n`);
		if (claimedSetup) {
			process.stdout.write(
				user.role === 'admin'
					? 'This is the first account: the first-run setup page is now closed.\n'
					: 'This is the first account: the first-run setup page is now closed, so create an admin here too (--role admin).\n'
			);
		}
		return 0;
	} finally {
		await handle.close();
	}
}

/** From a terminal: asked twice with echo off. Piped: the first line of stdin. */
async function readPassword(): Promise<string> {
	if (!process.stdin.isTTY) {
		const text = await readAll(process.stdin);
		const line = text.split(/\r?\n/)[0] ?? '';
		if (line === '') throw new Error('No password on stdin: pipe it as the first line, or run in a terminal to be asked');
		return line;
	}
	// Raw mode (no echo) is on before any prompt shows, so nothing typed after a prompt is echoed.
	const terminal = openHiddenLines();
	try {
		const first = await terminal.ask('Password (at least 10 characters): ');
		const second = await terminal.ask('Repeat the password: ');
		if (first !== second) throw new Error('The passwords differ; nothing was created');
		return first;
	} finally {
		terminal.close();
	}
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * Lines typed at the terminal with echo off (raw mode): backspace edits, Enter ends a line, Ctrl-C
 * cancels. Keys typed ahead of a prompt are kept for it.
 */
function openHiddenLines() {
	const stdin = process.stdin;
	const lines: string[] = [];
	let current = '';
	let cancelled = false;
	let wake: (() => void) | undefined;
	const onData = (chunk: string) => {
		for (const ch of chunk) {
			if (ch === '\r' || ch === '\n' || ch === '\u0004') {
				lines.push(current);
				current = '';
			} else if (ch === '\u0003') {
				cancelled = true;
			} else if (ch === '\u007f' || ch === '\b') {
				current = [...current].slice(0, -1).join('');
			} else if (ch >= ' ') {
				current += ch;
			}
		}
		wake?.();
	};
	stdin.setRawMode(true);
	stdin.setEncoding('utf8');
	stdin.on('data', onData);
	stdin.resume();
	return {
		async ask(prompt: string): Promise<string> {
			process.stderr.write(prompt);
			while (lines.length === 0 && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
			process.stderr.write('\n');
			if (cancelled) throw new Error('Cancelled; nothing was created');
			return lines.shift()!;
		},
		close() {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
		}
	};
}
