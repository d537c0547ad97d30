/**
 * Which spectrogram image to ask the server for, and where an image already shown lies in the
 * current view. Pure, so the geometry is tested without a browser.
 */

/** The server's limits (server/spectrogram/spectrogram-args.ts): window length and image size. */
export const MAX_SPECTROGRAM_MS = 120_000;
export const MAX_SPECTROGRAM_WIDTH = 4096;
export const MAX_SPECTROGRAM_HEIGHT = 512;
export const MIN_SPECTROGRAM_SIZE = 16;
/** The picture's frequency axis: linear, 0 Hz at the bottom to this at the top. */
export const SPECTROGRAM_MAX_HZ = 8000;

export interface SpectrogramView {
	/** The waveform's viewport: first visible time and zoom. */
	startMs: number;
	pxPerSec: number;
	/** Size of the drawing in CSS pixels. */
	widthPx: number;
	heightPx: number;
	durationMs: number;
	/** window.devicePixelRatio: sharp images on dense screens, within the server's size limit. */
	pixelRatio?: number;
}

/** A request for [start, end), and the CSS width that span covers in the view. */
export interface SpectrogramRequest {
	start: number;
	end: number;
	width: number;
	height: number;
	spanPx: number;
}

export type SpectrogramPlan = { kind: 'request'; request: SpectrogramRequest } | { kind: 'tooLong' } | { kind: 'none' };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The visible window clipped to the recording, in whole ms, and the image size that fills it pixel
 * for pixel (times the pixel ratio). `tooLong` past the server's window limit; `none` when nothing
 * of the recording is visible or the drawing has no size yet.
 *
 * @example
 * planSpectrogram({ startMs: 0, pxPerSec: 100, widthPx: 1000, heightPx: 160, durationMs: 60_000 })
 * // { kind: 'request', request: { start: 0, end: 10_000, width: 1000, height: 160, spanPx: 1000 } }
 */
export function planSpectrogram(view: SpectrogramView): SpectrogramPlan {
	const { pxPerSec, widthPx, heightPx, durationMs } = view;
	if (!(pxPerSec > 0) || !(widthPx > 0) || !(heightPx > 0) || !(durationMs > 0)) return { kind: 'none' };
	const start = Math.max(0, Math.round(view.startMs));
	const end = Math.min(Math.floor(durationMs), Math.round(view.startMs + (widthPx / pxPerSec) * 1000));
	if (end <= start) return { kind: 'none' };
	if (end - start > MAX_SPECTROGRAM_MS) return { kind: 'tooLong' };
	const ratio = clamp(view.pixelRatio ?? 1, 1, 4);
	const spanPx = ((end - start) / 1000) * pxPerSec;
	return {
		kind: 'request',
		request: {
			start,
			end,
			width: clamp(Math.round(spanPx * ratio), MIN_SPECTROGRAM_SIZE, MAX_SPECTROGRAM_WIDTH),
			height: clamp(Math.round(heightPx * ratio), MIN_SPECTROGRAM_SIZE, MAX_SPECTROGRAM_HEIGHT),
			spanPx
		}
	};
}

export function spectrogramUrl(recordingId: string, r: Pick<SpectrogramRequest, 'start' | 'end' | 'width' | 'height'>): string {
	const query = new URLSearchParams({ start: String(r.start), end: String(r.end), width: String(r.width), height: String(r.height) });
	return `/api/recordings/${encodeURIComponent(recordingId)}/spectrogram?${query}`;
}

/**
 * Where an image of [startMs, endMs) lies in the view, in CSS px from the view's left edge: while
 * the view scrolls or zooms, the last image is moved and stretched with it until the next arrives.
 */
export function placeImage(image: { startMs: number; endMs: number }, view: Pick<SpectrogramView, 'startMs' | 'pxPerSec'>) {
	return {
		left: ((image.startMs - view.startMs) / 1000) * view.pxPerSec,
		width: ((image.endMs - image.startMs) / 1000) * view.pxPerSec
	};
}

/** Frequency gridlines for the axis labels: every 2 kHz up to 6 kHz, top offsets in px. */
export function frequencyTicks(heightPx: number, stepHz = 2000): { hz: number; top: number }[] {
	const ticks: { hz: number; top: number }[] = [];
	for (let hz = stepHz; hz < SPECTROGRAM_MAX_HZ; hz += stepHz) {
		ticks.push({ hz, top: Math.round(heightPx * (1 - hz / SPECTROGRAM_MAX_HZ)) });
	}
	return ticks;
}
