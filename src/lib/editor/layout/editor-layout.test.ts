import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	DEFAULT_LAYOUT,
	LAYOUT_SETTINGS_KEY,
	cacheKey,
	clampPane,
	createLayoutSaver,
	layoutToSettings,
	parseLayout,
	pickLayout,
	readCachedLayout,
	writeCachedLayout,
	type EditorLayout
} from './editor-layout.ts';
import { EditorLayoutState } from './editor-layout.svelte.ts';

class MemoryStorage {
	items = new Map<string, string>();
	getItem(key: string) {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string) {
		this.items.set(key, value);
	}
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe(parseLayout.name, () => {
	it('keeps valid fields and replaces odd ones with the defaults', () => {
		expect(parseLayout({ waveHeight: 212.4, listFraction: 0.3, updatedAt: 5 })).toEqual({
			waveHeight: 212,
			listFraction: 0.3,
			updatedAt: 5
		});
		expect(parseLayout({ waveHeight: 'tall', listFraction: 7, updatedAt: -1 })).toEqual({
			waveHeight: null,
			listFraction: DEFAULT_LAYOUT.listFraction,
			updatedAt: 0
		});
		expect(parseLayout({ waveHeight: 10, listFraction: Number.NaN })).toMatchObject({
			waveHeight: null
		});
	});

	it('is null for anything that is not an object', () => {
		for (const v of [null, undefined, 3, 'x', [1, 2]]) expect(parseLayout(v)).toBeNull();
	});
});

describe(pickLayout.name, () => {
	const older = { waveHeight: 100, listFraction: 0.4, updatedAt: 1000 };
	const newer = { waveHeight: 300, listFraction: 0.6, updatedAt: 2000 };

	it('takes the newer of the settings and the cache, the settings on a tie', () => {
		expect(pickLayout(newer, older)).toEqual(newer);
		expect(pickLayout(older, newer)).toEqual(newer);
		expect(pickLayout(older, { ...newer, updatedAt: 1000 }).waveHeight).toBe(100);
	});

	it('falls back to whichever exists, then to the defaults', () => {
		expect(pickLayout(undefined, older)).toEqual(older);
		expect(pickLayout(older, 'garbage')).toEqual(older);
		expect(pickLayout(undefined, null)).toEqual(DEFAULT_LAYOUT);
	});
});

describe(clampPane.name, () => {
	it('clamps and rounds, and the minimum wins when the room is too small', () => {
		expect(clampPane(50.4, { min: 64, max: 400 })).toBe(64);
		expect(clampPane(512.6, { min: 64, max: 400 })).toBe(400);
		expect(clampPane(200.6, { min: 64, max: 400 })).toBe(201);
		expect(clampPane(200, { min: 280, max: 100 })).toBe(280);
	});
});

describe('cached layout', () => {
	it('round-trips through storage per user and survives broken storage', () => {
		const storage = new MemoryStorage();
		const layout: EditorLayout = { waveHeight: 180, listFraction: 0.123456, updatedAt: 42 };
		writeCachedLayout(storage, 'u1', layout);
		expect(readCachedLayout(storage, 'u1')).toEqual(layoutToSettings(layout));
		expect(readCachedLayout(storage, 'u2')).toBeNull();
		storage.setItem(cacheKey('u3'), '{not json');
		expect(readCachedLayout(storage, 'u3')).toBeNull();
		const throwing = {
			getItem: () => {
				throw new Error('blocked');
			},
			setItem: () => {
				throw new Error('full');
			}
		};
		expect(() => writeCachedLayout(throwing, 'u1', layout)).not.toThrow();
		expect(readCachedLayout(throwing, 'u1')).toBeNull();
	});
});

describe(createLayoutSaver.name, () => {
	const at = (listFraction: number): EditorLayout => ({
		waveHeight: null,
		listFraction,
		updatedAt: 1
	});

	it('saves once, the latest layout, after the last change', async () => {
		const saved: number[] = [];
		const saver = createLayoutSaver({
			save: async (l) => void saved.push(l.listFraction),
			delayMs: 500
		});
		for (let i = 1; i <= 5; i++) {
			saver.schedule(at(i / 10));
			await vi.advanceTimersByTimeAsync(100);
		}
		expect(saved).toEqual([]);
		expect(saver.pending).toBe(true);
		await vi.advanceTimersByTimeAsync(500);
		expect(saved).toEqual([0.5]);
		expect(saver.pending).toBe(false);
	});

	it('never overlaps saves, and sends what came in meanwhile afterwards', async () => {
		const calls: number[] = [];
		let running = 0;
		let maxRunning = 0;
		const release: (() => void)[] = [];
		const saver = createLayoutSaver({
			delayMs: 10,
			save: (l) => {
				calls.push(l.listFraction);
				running++;
				maxRunning = Math.max(maxRunning, running);
				return new Promise<void>((resolve) =>
					release.push(() => {
						running--;
						resolve();
					})
				);
			}
		});
		saver.schedule(at(0.2));
		await vi.advanceTimersByTimeAsync(10);
		expect(calls).toEqual([0.2]);
		saver.schedule(at(0.3));
		saver.schedule(at(0.4));
		await vi.advanceTimersByTimeAsync(50);
		expect(calls).toEqual([0.2]);
		release.shift()!();
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toEqual([0.2, 0.4]);
		release.shift()!();
		await saver.flush();
		expect(maxRunning).toBe(1);
		expect(saver.pending).toBe(false);
	});

	it('flush sends a pending layout at once, and a failed save is reported, not thrown', async () => {
		const errors: unknown[] = [];
		const save = vi.fn(async () => {
			throw new Error('offline');
		});
		const saver = createLayoutSaver({ save, delayMs: 10_000, onError: (e) => errors.push(e) });
		saver.schedule(at(0.7));
		await saver.flush();
		expect(save).toHaveBeenCalledTimes(1);
		expect(errors).toHaveLength(1);
		await saver.flush();
		expect(save).toHaveBeenCalledTimes(1);
	});
});

describe(EditorLayoutState.name, () => {
	it('starts from the settings, caches each change at once and saves it debounced', async () => {
		const storage = new MemoryStorage();
		const save = vi.fn(async (_l: EditorLayout) => {});
		const settings = {
			[LAYOUT_SETTINGS_KEY]: { waveHeight: 222, listFraction: 0.35, updatedAt: 10 }
		};
		const state = new EditorLayoutState({ userId: 'u1', settings, save, storage, delayMs: 300 });
		expect([state.waveHeight, state.listFraction]).toEqual([222, 0.35]);
		await vi.advanceTimersByTimeAsync(1000);
		expect(save).not.toHaveBeenCalled();

		vi.setSystemTime(50_000);
		state.set({ listFraction: 0.5 });
		state.set({ waveHeight: 180 });
		expect(readCachedLayout(storage, 'u1')).toEqual({
			waveHeight: 180,
			listFraction: 0.5,
			updatedAt: 50_000
		});
		expect(state.saving).toBe(true);
		await vi.advanceTimersByTimeAsync(300);
		expect(save).toHaveBeenCalledTimes(1);
		expect(save.mock.calls[0][0]).toEqual({
			waveHeight: 180,
			listFraction: 0.5,
			updatedAt: 50_000
		});
		expect(state.saving).toBe(false);
	});

	it('prefers a newer cached layout over older settings and sends it to the server', async () => {
		const storage = new MemoryStorage();
		writeCachedLayout(storage, 'u1', { waveHeight: 300, listFraction: 0.6, updatedAt: 99 });
		const save = vi.fn(async (_l: EditorLayout) => {});
		const settings = {
			[LAYOUT_SETTINGS_KEY]: { waveHeight: 120, listFraction: 0.4, updatedAt: 10 }
		};
		const state = new EditorLayoutState({ userId: 'u1', settings, save, storage, delayMs: 300 });
		expect([state.waveHeight, state.listFraction]).toEqual([300, 0.6]);
		await state.flush();
		expect(save).toHaveBeenCalledWith({ waveHeight: 300, listFraction: 0.6, updatedAt: 99 });

		// Another user on this browser does not get u1's sizes.
		const other = new EditorLayoutState({ userId: 'u2', settings: {}, save, storage });
		expect([other.waveHeight, other.listFraction]).toEqual([null, DEFAULT_LAYOUT.listFraction]);
	});
});
