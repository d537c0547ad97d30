import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { firstWorking, MissingFfmpegError, resolveMediaTools } from './ffmpeg.ts';

const require = createRequire(import.meta.url);
const npmFfmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const npmFfprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;

describe(resolveMediaTools.name, () => {
	const savedPath = process.env.PATH;
	afterEach(() => {
		process.env.PATH = savedPath;
	});

	it('takes FFMPEG_PATH and FFPROBE_PATH first', () => {
		const tools = resolveMediaTools({ ffmpegPath: npmFfmpeg, ffprobePath: npmFfprobe });
		expect(tools).toMatchObject({ ffmpeg: npmFfmpeg, ffmpegSource: 'env', ffprobe: npmFfprobe, ffprobeSource: 'env' });
		expect(tools.version).toMatch(/^ffmpeg version/);
	});

	it('skips a configured path that does not exist', () => {
		const tools = resolveMediaTools({ ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: '/nonexistent/ffprobe' });
		expect(tools.ffmpegSource).not.toBe('env');
		expect(tools.ffprobeSource).not.toBe('env');
	});

	it('falls back to the binaries shipped through the npm registry when PATH has none', () => {
		process.env.PATH = '/nonexistent';
		const tools = resolveMediaTools();
		expect(tools).toMatchObject({ ffmpegSource: 'npm-installer', ffprobeSource: 'npm-installer' });
		expect(tools.ffmpeg).toBe(npmFfmpeg);
		expect(tools.ffprobe).toBe(npmFfprobe);
	});

	it('says in one line what to install when nothing works', () => {
		let error: unknown;
		try {
			firstWorking('ffmpeg', [
				['env', '/nonexistent/ffmpeg'],
				['path', 'definitely-not-ffmpeg-here'],
				['npm-installer', undefined]
			]);
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(MissingFfmpegError);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		expect(message).toMatch(/apt-get install ffmpeg/);
		expect(message).toMatch(/FFMPEG_PATH/);
	});
});
