/**
 * `npm start`: builds the web app when build/ is missing or older than its sources, then starts
 * the server (which migrates the database and loads the demo project into an empty one).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuildStale } from './lib/web-build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = path.join(root, 'build', '200.html');

if (isBuildStale(builtIndex)) {
	process.stderr.write('Building the web app…\n');
	const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		process.stderr.write('The web app failed to build; see the messages above.\n');
		process.exit(1);
	}
}

const { main } = await import('../server/index.ts');
await main();
