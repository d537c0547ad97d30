/**
 * The editor's pane sizes: the waveform's height and the list's share of the lower split. Kept per
 * user in their settings (PUT /api/auth/me/settings, under `editorLayout`), with a copy in
 * localStorage as a cache: a size changed just before the tab closed, or while the server could
 * not be reached, is not lost, and a page whose signed-in user was loaded before the change (a
 * client-side navigation) does not go back to the older size. The newer of the two wins.
 *
 * @example
 * const layout = pickLayout(user.settings[LAYOUT_SETTINGS_KEY], readCachedLayout(localStorage, user.id));
 * clampPane(layout.listFraction * width, { min: 280, max: width - 360 });
 */

export const LAYOUT_SETTINGS_KEY = 'editorLayout';
const CACHE_PREFIX = 'fangyan.editorLayout.';

export interface EditorLayout {
	/** Height of the waveform in CSS px; null = sized from the recording's speaker lanes. */
	waveHeight: number | null;
	/** The segment list's share of the lower split's width, 0–1. */
	listFraction: number;
	/** When this was chosen (ms since the epoch), to pick the newer of settings and cache. */
	updatedAt: number;
}

export const DEFAULT_LAYOUT: EditorLayout = { waveHeight: null, listFraction: 0.46, updatedAt: 0 };

/** Bounds of what is stored, whatever the screen: a wild value from another client is ignored. */
export const WAVE_HEIGHT_RANGE = { min: 48, max: 1600 } as const;
export const LIST_FRACTION_RANGE = { min: 0.1, max: 0.9 } as const;

function finite(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

/** A stored layout (settings or cache), checked field by field; what is missing or odd is the default. */
export function parseLayout(value: unknown): EditorLayout | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const v = value as Record<string, unknown>;
	const wave = v.waveHeight;
	const fraction = v.listFraction;
	return {
		waveHeight:
			finite(wave) && wave >= WAVE_HEIGHT_RANGE.min && wave <= WAVE_HEIGHT_RANGE.max
				? Math.round(wave)
				: null,
		listFraction:
			finite(fraction) && fraction >= LIST_FRACTION_RANGE.min && fraction <= LIST_FRACTION_RANGE.max
				? fraction
				: DEFAULT_LAYOUT.listFraction,
		updatedAt: finite(v.updatedAt) && v.updatedAt > 0 ? v.updatedAt : 0
	};
}

/** The newer of the layout in the user's settings and the cached one; the settings win a tie. */
export function pickLayout(fromSettings: unknown, fromCache: unknown): EditorLayout {
	const saved = parseLayout(fromSettings);
	const cached = parseLayout(fromCache);
	if (saved && (!cached || saved.updatedAt >= cached.updatedAt)) return saved;
	return cached ?? { ...DEFAULT_LAYOUT };
}

/** What goes into the settings object (rounded: a drag does not need 15 decimals). */
export function layoutToSettings(layout: EditorLayout): EditorLayout {
	return {
		waveHeight: layout.waveHeight === null ? null : Math.round(layout.waveHeight),
		listFraction: Math.round(layout.listFraction * 10_000) / 10_000,
		updatedAt: layout.updatedAt
	};
}

export function cacheKey(userId: string): string {
	return CACHE_PREFIX + userId;
}

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function readCachedLayout(
	storage: KeyValueStorage | null | undefined,
	userId: string
): unknown {
	try {
		const raw = storage?.getItem(cacheKey(userId));
		return raw ? JSON.parse(raw) : null;
	} catch {
		return null;
	}
}

export function writeCachedLayout(
	storage: KeyValueStorage | null | undefined,
	userId: string,
	layout: EditorLayout
) {
	try {
		storage?.setItem(cacheKey(userId), JSON.stringify(layoutToSettings(layout)));
	} catch {
		// Storage full or blocked (private mode): the settings still carry the layout.
	}
}

/**
 * `value` within [min, max]; when the space is too small for both (max < min), min wins, so a
 * pane keeps a usable size and the split overflows instead of collapsing to nothing.
 */
export function clampPane(value: number, { min, max }: { min: number; max: number }): number {
	return Math.round(Math.max(min, Math.min(max, value)));
}

/**
 * Debounces saves of the layout: `schedule` keeps the latest and saves it `delayMs` after the last
 * call (a drag sends one request, not one per pixel); `flush` saves a pending one now. Saves never
 * overlap: one that comes while another is in flight waits for it and sends the newest layout.
 */
export function createLayoutSaver(options: {
	save: (layout: EditorLayout) => Promise<unknown>;
	delayMs?: number;
	onError?: (err: unknown) => void;
}) {
	const { save, delayMs = 800, onError } = options;
	let pending: EditorLayout | null = null;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let inFlight: Promise<void> | null = null;

	async function run(): Promise<void> {
		while (pending) {
			const next = pending;
			pending = null;
			try {
				await save(next);
			} catch (err) {
				onError?.(err);
			}
		}
	}

	function flush(): Promise<void> {
		if (timer) clearTimeout(timer);
		timer = null;
		if (!inFlight) {
			if (!pending) return Promise.resolve();
			inFlight = run().finally(() => {
				inFlight = null;
				// Scheduled and flushed in the instant the loop ended: send it too.
				if (pending && !timer) void flush();
			});
			return inFlight;
		}
		// Another save is running: its loop picks up what is pending now.
		return inFlight;
	}

	return {
		schedule(layout: EditorLayout) {
			pending = layout;
			if (timer) clearTimeout(timer);
			timer = setTimeout(() => void flush(), delayMs);
		},
		flush,
		get pending() {
			return pending !== null || timer !== null || inFlight !== null;
		}
	};
}
