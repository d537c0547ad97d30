import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A single-page app: Hono serves build/ and falls back to 200.html for client routes.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: false }),
		alias: { $server: 'server' },
		typescript: {
			config: (tsconfig) => {
				tsconfig.include.push('../server/**/*.ts', '../migrations/**/*.ts', '../scripts/**/*.ts', '../e2e/**/*.ts');
				return tsconfig;
			}
		}
	}
};

export default config;
