/**
 * Limits how many async tasks run at once (e.g. ffmpeg processes to the number of cores);
 * the rest wait in FIFO order.
 *
 * @example
 * const ffmpegSlots = createSemaphore(os.availableParallelism());
 * await ffmpegSlots.run(() => runTool(ffmpeg, args));
 */
export interface Semaphore {
	run<T>(task: () => Promise<T>): Promise<T>;
	readonly active: number;
	readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
	if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be ≥ 1, got ${limit}`);
	let active = 0;
	const queue: (() => void)[] = [];
	const release = () => {
		active--;
		const next = queue.shift();
		if (next) next();
	};
	return {
		get active() {
			return active;
		},
		get waiting() {
			return queue.length;
		},
		async run<T>(task: () => Promise<T>): Promise<T> {
			if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
			active++;
			try {
				return await task();
			} finally {
				release();
			}
		}
	};
}
