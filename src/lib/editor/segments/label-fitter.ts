/**
 * Fits segment labels into their rectangles without measuring text every frame.
 *
 * Each distinct character is measured once (CJK text repeats characters a lot); each distinct
 * label text gets its cumulative advance widths computed once; truncation is then a binary search,
 * and the last fit per text is remembered, so steady-state drawing does no measuring at all.
 * Summing per-character advances ignores kerning, which is negligible for CJK and small labels.
 */
export type MeasureText = (text: string) => number;

export const ELLIPSIS = '…';

interface Entry {
	chars: string[];
	/** cum[k] = width of the first k characters; cum[chars.length] = full width. */
	cum: Float32Array;
	lastMax: number;
	lastFit: string;
	lastFitWidth: number;
}

export class LabelFitter {
	#measure: MeasureText;
	#charWidths = new Map<string, number>();
	#entries = new Map<string, Entry>();
	#ellipsisWidth: number;
	readonly maxEntries: number;
	/** Number of measureText calls so far (tests and benchmarks). */
	measureCalls = 0;

	constructor(measure: MeasureText, maxEntries = 20_000) {
		this.#measure = measure;
		this.maxEntries = maxEntries;
		this.#ellipsisWidth = this.#charWidth(ELLIPSIS);
	}

	#charWidth(ch: string): number {
		let w = this.#charWidths.get(ch);
		if (w === undefined) {
			this.measureCalls++;
			w = this.#measure(ch);
			this.#charWidths.set(ch, w);
		}
		return w;
	}

	#entry(text: string): Entry {
		let e = this.#entries.get(text);
		if (!e) {
			if (this.#entries.size >= this.maxEntries) this.#entries.clear();
			const chars = Array.from(text.replace(/\s+/gu, ' ').trim());
			const cum = new Float32Array(chars.length + 1);
			for (let i = 0; i < chars.length; i++) cum[i + 1] = cum[i] + this.#charWidth(chars[i]);
			e = { chars, cum, lastMax: -1, lastFit: '', lastFitWidth: 0 };
			this.#entries.set(text, e);
		}
		return e;
	}

	/** Full width of a label text. */
	width(text: string): number {
		const e = this.#entry(text);
		return e.cum[e.chars.length];
	}

	/** The text, or its longest prefix + '…' that fits `maxWidth` (whole px), or '' when not even one character does. */
	fit(text: string, maxWidth: number): string {
		if (!text) return '';
		const max = Math.floor(maxWidth);
		const e = this.#entry(text);
		if (e.lastMax === max) return e.lastFit;
		const n = e.chars.length;
		let out: string;
		let width: number;
		if (e.cum[n] <= max) {
			out = e.chars.join('');
			width = e.cum[n];
		} else {
			const budget = max - this.#ellipsisWidth;
			let lo = 0;
			let hi = n;
			while (lo < hi) {
				const mid = (lo + hi + 1) >>> 1;
				if (e.cum[mid] <= budget) lo = mid;
				else hi = mid - 1;
			}
			out = lo === 0 ? '' : e.chars.slice(0, lo).join('') + ELLIPSIS;
			width = lo === 0 ? 0 : e.cum[lo] + this.#ellipsisWidth;
		}
		e.lastMax = max;
		e.lastFit = out;
		e.lastFitWidth = width;
		return out;
	}

	/** Width of what fit(text, maxWidth) returns (no extra measuring). */
	fitWidth(text: string, maxWidth: number): number {
		if (!text) return 0;
		this.fit(text, maxWidth);
		return this.#entry(text).lastFitWidth;
	}

	/** Forget every measurement (after a font or devicePixelRatio change). */
	reset(measure?: MeasureText): void {
		if (measure) this.#measure = measure;
		this.#charWidths.clear();
		this.#entries.clear();
		this.#ellipsisWidth = this.#charWidth(ELLIPSIS);
	}
}
