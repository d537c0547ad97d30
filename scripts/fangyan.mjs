#!/usr/bin/env node
// The `fangyan` command (`npx fangyan …`): runs server/cli/main.ts through tsx, which ships with the app.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const main = fileURLToPath(new URL('../server/cli/main.ts', import.meta.url));
const child = spawn(process.execPath, [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
