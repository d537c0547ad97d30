import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

const API_PORT = process.env.API_PORT ?? '3000';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		proxy: { '/api': `http://127.0.0.1:${API_PORT}` }
	},
	test: {
		expect: { requireAssertions: true },
		globalSetup: ['server/test/global-setup.ts'],
		projects: [
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'src/**/*.test.ts'],
					exclude: ['src/**/*.svelte.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['e2e/**/*.test.ts'],
					testTimeout: 120_000,
					hookTimeout: 180_000,
					// One Chromium at a time on a 2-core machine.
					fileParallelism: false
				}
			}
		]
	}
});
