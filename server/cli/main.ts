/**
 * `npx fangyan <command>`: each command is a module under server/cli/ exporting
 * `run(args: string[]): Promise<number>` (the exit code). Commands that need them open the same
 * database and data directory as the server, from the same environment variables (FANGYAN_DATA_DIR,
 * DATABASE_URL); `score` needs neither.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
	import: {
		summary: 'import --project <slug> <files or folders…>   import audio recursively',
		load: () => import('./import.ts')
	},
	export: {
		summary: 'export --project <slug> --format <format> --out <dir> [--status …] [--speaker …] [--dialect …] [--transcriber …] [--from …] [--to …]   TextGrid, EAF, SRT, WebVTT, Kaldi, NeMo, audiofolder, Common Voice, CSV, JSONL',
		load: () => import('./export.ts')
	},
	user: {
		summary: 'user create --email <email> --role <role> [--name <name>]   password from a prompt or stdin',
		load: () => import('./user.ts')
	},
	presegment: {
		summary: 'presegment <recordingId> [--threshold-db -35] [--min-silence-ms 300] [--apply]   propose segments from voice activity',
		load: () => import('./presegment.ts')
	},
	score: {
		summary: 'score --ref REF.trn --hyp HYP.trn [--unit char|mixed|word] [--nfkc] [--fold-width] [--fold-variants] [--ignore-case] [--strip-punct] [--json]   CER/WER as NIST sclite counts them',
		load: () => import('./score.ts')
	}
};

async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	const command = name ? COMMANDS[name] : undefined;
	if (!command) {
		const usage = Object.values(COMMANDS).map((c) => `  npx fangyan ${c.summary}`);
		process.stderr.write(`${name ? `Unknown command: ${name}\n` : ''}Usage:\n${usage.join('\n')}\n`);
		return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
	}
	return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err) => {
		process.stderr.write(`fangyan: ${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	}
);
