/** Whether the browser believes it is online, and when that changes. */
export interface NetworkMonitor {
	isOnline(): boolean;
	/** Calls `listener` on every change; returns the unsubscribe function. */
	subscribe(listener: (online: boolean) => void): () => void;
}

/** navigator.onLine plus the window's online/offline events. */
export function browserNetwork(): NetworkMonitor {
	return {
		isOnline: () => globalThis.navigator?.onLine ?? true,
		subscribe(listener) {
			if (typeof window === 'undefined') return () => {};
			const online = () => listener(true);
			const offline = () => listener(false);
			window.addEventListener('online', online);
			window.addEventListener('offline', offline);
			return () => {
				window.removeEventListener('online', online);
				window.removeEventListener('offline', offline);
			};
		}
	};
}

/** A NetworkMonitor driven by hand, for tests. */
export class ManualNetwork implements NetworkMonitor {
	#online: boolean;
	#listeners = new Set<(online: boolean) => void>();
	constructor(online = true) {
		this.#online = online;
	}
	isOnline() {
		return this.#online;
	}
	subscribe(listener: (online: boolean) => void) {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
	set(online: boolean) {
		this.#online = online;
		for (const l of this.#listeners) l(online);
	}
}
