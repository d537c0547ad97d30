import { patchUserSettings } from '$lib/api/settings';
import {
	LAYOUT_SETTINGS_KEY,
	createLayoutSaver,
	layoutToSettings,
	parseLayout,
	pickLayout,
	readCachedLayout,
	writeCachedLayout,
	type EditorLayout
} from './editor-layout.ts';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): KeyValueStorage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}

/**
 * The editor's pane sizes as reactive state, restored from the user's settings (or the newer
 * cached copy) and saved back, debounced, through PUT /api/auth/me/settings.
 *
 * @example
 * const layout = new EditorLayoutState({ userId: user.id, settings: user.settings });
 * layout.set({ listFraction: 0.4 }); // cached now, saved 800 ms after the last change
 */
export class EditorLayoutState {
	waveHeight = $state<number | null>(null);
	listFraction = $state(0.5);
	updatedAt = 0;

	readonly #userId: string;
	readonly #storage: KeyValueStorage | null;
	readonly #saver: ReturnType<typeof createLayoutSaver>;

	constructor(options: {
		userId: string;
		settings: Record<string, unknown> | null | undefined;
		save?: (layout: EditorLayout) => Promise<unknown>;
		storage?: KeyValueStorage | null;
		delayMs?: number;
	}) {
		this.#userId = options.userId;
		this.#storage = options.storage === undefined ? browserStorage() : options.storage;
		const save =
			options.save ??
			(async (layout: EditorLayout) => {
				const user = await patchUserSettings({ [LAYOUT_SETTINGS_KEY]: layoutToSettings(layout) });
				if (!user) throw new Error('The layout was not saved');
			});
		this.#saver = createLayoutSaver({ save, delayMs: options.delayMs });

		const fromSettings = options.settings?.[LAYOUT_SETTINGS_KEY];
		const layout = pickLayout(fromSettings, readCachedLayout(this.#storage, this.#userId));
		this.waveHeight = layout.waveHeight;
		this.listFraction = layout.listFraction;
		this.updatedAt = layout.updatedAt;
		// The cached copy is newer than the settings: its save did not happen (offline, tab closed).
		if (layout.updatedAt > (parseLayout(fromSettings)?.updatedAt ?? 0))
			this.#saver.schedule(layout);
	}

	get layout(): EditorLayout {
		return {
			waveHeight: this.waveHeight,
			listFraction: this.listFraction,
			updatedAt: this.updatedAt
		};
	}

	/** Applies a change at once, caches it, and saves it to the settings after a pause. */
	set(patch: Partial<Pick<EditorLayout, 'waveHeight' | 'listFraction'>>) {
		if (patch.waveHeight !== undefined) this.waveHeight = patch.waveHeight;
		if (patch.listFraction !== undefined) this.listFraction = patch.listFraction;
		this.updatedAt = Date.now();
		const layout = this.layout;
		writeCachedLayout(this.#storage, this.#userId, layout);
		this.#saver.schedule(layout);
	}

	/** Sends a pending change now (leaving the editor). */
	flush(): Promise<void> {
		return this.#saver.flush();
	}

	/** True while a change has not reached the server yet. */
	get saving(): boolean {
		return this.#saver.pending;
	}
}
