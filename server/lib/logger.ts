export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
	debug(message: string, extra?: unknown): void;
	info(message: string, extra?: unknown): void;
	warn(message: string, extra?: unknown): void;
	error(message: string, extra?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A plain line logger to stderr; quiet enough for tests at `warn`. */
export function createLogger(level: LogLevel = 'info'): Logger {
	const at = ORDER[level];
	const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, extra?: unknown) => {
		if (ORDER[lvl] < at) return;
		const suffix = extra === undefined ? '' : ' ' + (extra instanceof Error ? (extra.stack ?? extra.message) : JSON.stringify(extra));
		process.stderr.write(`${new Date().toISOString()} ${lvl.padEnd(5)} ${message}${suffix}\n`);
	};
	return {
		debug: (m, e) => write('debug', m, e),
		info: (m, e) => write('info', m, e),
		warn: (m, e) => write('warn', m, e),
		error: (m, e) => write('error', m, e)
	};
}
