import WaveSurfer from 'wavesurfer.js';
import {
	applyWheel,
	clampViewport,
	fitViewport,
	followViewport,
	isFitted,
	isZoomWheel,
	revealRange,
	scrollToTime,
	timeToX,
	visibleDurationMs,
	visibleRange,
	xToTime,
	pxToMs,
	nextZoomLevel,
	zoomAtTime,
	zoomToSegment,
	type Viewport
} from '$lib/editor/timeline/timeline';
import { peakWindow, peaksPerSecond, pickPeaksLevel, toWaveSurferPeaks, type Peaks } from '$lib/utils/peaks';

export const PLAYBACK_RATES = [0.5, 0.6, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2] as const;

export interface WaveformColors {
	wave: string;
	cursor: string;
}

/**
 * The waveform and player of one recording.
 *
 * - Drawing: wavesurfer.js renders the served peaks (never the decoded file) for the *visible
 *   window only*. The view is a virtual `Viewport` (the editor's timeline geometry: a start time
 *   and a zoom), so nothing is ever `duration × px/s` wide: wavesurfer's own scrolling wrapper
 *   would pass Chromium's 33,554,428-px layout clamp on a 10-hour file above ≈930 px/s
 *   (performance.md §1.2). Each view change hands wavesurfer the slice of the coarsest peaks level
 *   that still has a peak per device pixel, positioned to the sub-peak offset.
 * - Playback: the same wavesurfer instance drives an `<audio preload="metadata">` that streams the
 *   playback rendition with HTTP Range; with `peaks` and `duration` given, wavesurfer neither
 *   fetches nor decodes the file.
 *
 * This is the editor's handle (issue 3): its segment canvas reads `viewport` and maps times with
 * `msToX`/`xToMs` (= the timeline module's timeToX/xToTime); its shortcuts call `play(start, end)`,
 * `skip`, `stepRate`, `zoomStep`; selecting a row calls `reveal(start, end)`.
 */
export class WaveformPlayer {
	readonly durationMs: number;
	/** The peaks drawn from: at first only the coarse levels of a file still arriving, see upgradePeaks. */
	peaks = $state.raw<Peaks>(null as unknown as Peaks);
	readonly audioUrl: string;

	/** The wavesurfer instance while attached. Not reactive. */
	ws: WaveSurfer | null = null;
	/** The `<audio preload="metadata">` element playing the rendition. */
	media: HTMLAudioElement | null = null;

	ready = $state(false);
	error = $state<string | null>(null);
	playing = $state(false);
	currentMs = $state(0);
	rate = $state(1);
	/** What the waveform shows: start time, zoom (px/s), width. Change it with setViewport(). */
	viewport = $state.raw<Viewport>({ startMs: 0, pxPerSec: 1, widthPx: 0, durationMs: 0 });
	/** Keep the playhead in view while playing (page by page, so the waveform does not swim). */
	follow = $state(true);
	/** Peaks per second of the level being drawn (diagnostics, tests). */
	levelPeaksPerSecond = $state(0);

	#host: HTMLElement | null = null;
	#frame = 0;
	#stopAtMs: number | null = null;
	#stopTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(opts: { audioUrl: string; peaks: Peaks; durationMs: number }) {
		this.audioUrl = opts.audioUrl;
		this.peaks = opts.peaks;
		this.durationMs = opts.durationMs > 0 ? opts.durationMs : opts.peaks.durationMs;
		this.viewport = { startMs: 0, pxPerSec: 1, widthPx: 0, durationMs: this.durationMs };
	}

	/**
	 * Creates wavesurfer in `host` (a child of the viewport element that this class positions and
	 * sizes to the drawn slice) over `media`; returns the teardown.
	 */
	attach(opts: { host: HTMLElement; media: HTMLAudioElement; widthPx: number; height: number; colors: WaveformColors }) {
		const { host, media } = opts;
		this.#host = host;
		this.media = media;
		this.viewport = fitViewport(this.durationMs, Math.max(1, opts.widthPx));
		const slice = this.#slice();

		const ws = WaveSurfer.create({
			container: host,
			media,
			peaks: slice?.channels ?? [new Float32Array(1), new Float32Array(1)],
			duration: (slice?.durationMs ?? this.durationMs) / 1000,
			height: opts.height,
			waveColor: opts.colors.wave,
			// Progress and cursor belong to the whole recording, not to the drawn slice: the
			// component draws its own playhead.
			progressColor: opts.colors.wave,
			cursorWidth: 0,
			interact: false,
			fillParent: true,
			minPxPerSec: 0,
			autoScroll: false,
			autoCenter: false,
			hideScrollbar: true,
			normalize: false
		});
		this.ws = ws;
		if (slice) this.#place(slice);

		const offs = [
			ws.on('ready', () => {
				this.ready = true;
				this.error = null;
			}),
			ws.on('play', () => (this.playing = true)),
			ws.on('pause', () => (this.playing = false)),
			ws.on('finish', () => (this.playing = false)),
			ws.on('timeupdate', (t) => this.#onTime(t * 1000)),
			ws.on('error', (err) => {
				if ((err as Error)?.name !== 'AbortError') this.error = String((err as Error)?.message ?? err);
			})
		];
		const onRate = () => (this.rate = media.playbackRate);
		const onMediaError = () => (this.error = media.error?.message || `media error ${media.error?.code ?? ''}`);
		media.addEventListener('ratechange', onRate);
		media.addEventListener('error', onMediaError);

		return () => {
			cancelAnimationFrame(this.#frame);
			clearTimeout(this.#stopTimer);
			offs.forEach((off) => off());
			media.removeEventListener('ratechange', onRate);
			media.removeEventListener('error', onMediaError);
			ws.destroy();
			this.ws = null;
			this.#host = null;
			this.ready = false;
			this.playing = false;
		};
	}

	/** Moves or zooms the view (clamped to the recording); redraws on the next frame. */
	setViewport(next: Viewport) {
		const v = clampViewport({ ...next, durationMs: this.durationMs });
		const cur = this.viewport;
		if (v.startMs === cur.startMs && v.pxPerSec === cur.pxPerSec && v.widthPx === cur.widthPx) return;
		this.viewport = v;
		this.#scheduleDraw();
	}

	/** The viewport element changed width: a fitted view stays fitted, any other keeps its start. */
	resize(widthPx: number) {
		const v = this.viewport;
		if (widthPx <= 0 || widthPx === v.widthPx) return;
		this.setViewport(isFitted(v) || v.widthPx === 0 ? fitViewport(this.durationMs, widthPx) : { ...v, widthPx });
	}

	/** Plays from the playhead, or [startMs, endMs) when given. */
	async play(startMs?: number, endMs?: number) {
		const media = this.media;
		if (!media || !this.ws) return;
		if (startMs !== undefined) this.seek(startMs);
		this.#stopAtMs = endMs ?? null;
		await this.ws.play();
		this.#armStop();
	}

	/**
	 * Segment playback stops where the segment ends: checked on every frame (wavesurfer's
	 * timeupdate) and, so a busy machine that skips frames does not play on into the next
	 * segment, by a timer set for the moment the end is due.
	 */
	#armStop() {
		clearTimeout(this.#stopTimer);
		const media = this.media;
		if (this.#stopAtMs === null || !media || media.paused) return;
		const remainingMs = (this.#stopAtMs - media.currentTime * 1000) / (media.playbackRate || 1);
		// Not below 10 ms: while the media stalls (buffering) its clock stands still.
		this.#stopTimer = setTimeout(() => {
			if (this.#stopAtMs === null || media.paused) return;
			this.#onTime(media.currentTime * 1000);
			this.#armStop();
		}, Math.max(10, remainingMs));
	}

	pause() {
		this.ws?.pause();
	}

	async toggle() {
		// The element's own state: `playing` follows wavesurfer's 'play'/'pause' events, which come
		// a task later, so a quick second press (tap-tap) used to start playback again, not pause.
		const paused = this.media ? this.media.paused : !this.playing;
		if (paused) await this.play();
		else this.pause();
	}

	/** Moves the playhead, and the view with it when it would land off screen. */
	seek(ms: number) {
		const clamped = Math.min(Math.max(0, ms), this.durationMs);
		this.#setMediaTime(clamped);
		this.#stopAtMs = null;
		clearTimeout(this.#stopTimer);
		this.#onTime(clamped);
		const { startMs, endMs } = visibleRange(this.viewport);
		if (clamped < startMs || clamped > endMs) this.reveal(clamped);
	}

	/**
	 * Where the audio is right now, read from the element: `currentMs` follows it once per frame,
	 * so a boundary set at the playhead while playing would land up to a frame (more on a busy
	 * machine) behind what the listener heard.
	 */
	nowMs(): number {
		const media = this.media;
		if (!media || !Number.isFinite(media.currentTime)) return this.currentMs;
		return Math.round(Math.min(this.durationMs, Math.max(0, media.currentTime * 1000)));
	}

	skip(deltaMs: number) {
		this.seek(this.currentMs + deltaMs);
	}

	/** Playback speed, pitch preserved, within 0.5×–2×. */
	setRate(rate: number) {
		const r = Math.min(2, Math.max(0.5, rate));
		this.ws?.setPlaybackRate(r, true);
		this.rate = r;
	}

	/** The next faster (+1) or slower (−1) speed of PLAYBACK_RATES. */
	stepRate(direction: 1 | -1) {
		const i = PLAYBACK_RATES.findIndex((r) => r >= this.rate - 1e-6);
		const at = i < 0 ? PLAYBACK_RATES.length - 1 : i;
		const next = direction > 0 && PLAYBACK_RATES[at] > this.rate + 1e-6 ? at : at + direction;
		this.setRate(PLAYBACK_RATES[Math.min(PLAYBACK_RATES.length - 1, Math.max(0, next))]);
	}

	/** Zooms to `pxPerSec` around `anchorMs` (default: the playhead), which keeps its place on screen. */
	zoomTo(pxPerSec: number, anchorMs = this.currentMs) {
		this.setViewport(zoomAtTime(this.viewport, pxPerSec, anchorMs));
	}

	/** One zoom step in (+1) or out (−1) around the playhead when visible, else the centre. */
	zoomStep(direction: 1 | -1) {
		const v = this.viewport;
		const { startMs, endMs } = visibleRange(v);
		// A little tolerance: at the very end the playhead's x can come out a hair past the width.
		const slack = pxToMs(v, 1);
		const visible = this.currentMs >= startMs - slack && this.currentMs <= endMs + slack;
		const anchorMs = visible ? this.currentMs : (startMs + endMs) / 2;
		this.setViewport(zoomAtTime(v, nextZoomLevel(v, direction), anchorMs));
	}

	/** Zooms so [startMs, endMs) fills the view but for a small margin ("zoom to segment"). */
	zoomToRange(startMs: number, endMs: number) {
		this.setViewport(zoomToSegment(this.viewport, startMs, endMs));
	}

	/** Shows a window of `windowMs` around [startMs, endMs) ("follow" as the segments go by). */
	showAround(startMs: number, endMs: number, windowMs: number) {
		this.setViewport(followViewport(this.viewport, startMs, endMs, windowMs));
	}

	/** Shows the whole recording. */
	fit() {
		this.setViewport(fitViewport(this.durationMs, this.viewport.widthPx));
	}

	/** Scrolls by whole screens (PageUp/PageDown). */
	page(direction: 1 | -1) {
		const v = this.viewport;
		this.setViewport(scrollToTime(v, v.startMs + direction * visibleDurationMs(v) * 0.9));
	}

	/** Wheel: scrolls time; with Ctrl/⌘ (or a pinch) zooms around the pointer. Returns true if handled. */
	wheel(event: WheelEvent, anchorX: number): boolean {
		const before = this.viewport;
		this.setViewport(applyWheel(before, event, anchorX));
		// When nothing moved (the whole recording is shown), let the page scroll instead.
		return isZoomWheel(event) || this.viewport !== before;
	}

	/** Scrolls as little as needed to show [startMs, endMs) (a selected segment). */
	reveal(startMs: number, endMs = startMs) {
		this.setViewport(revealRange(this.viewport, startMs, endMs));
	}

	/** Viewport x (CSS px from the waveform's left edge) of a time. */
	msToX(ms: number): number {
		return timeToX(this.viewport, ms);
	}

	/** Time at viewport x. */
	xToMs(x: number): number {
		return xToTime(this.viewport, x);
	}

	#onTime(ms: number) {
		if (this.#stopAtMs !== null && ms >= this.#stopAtMs) {
			// Segment playback ends here (frame-accurate, like wavesurfer's own play(start, end)).
			const end = this.#stopAtMs;
			this.#stopAtMs = null;
			this.ws?.pause();
			this.#setMediaTime(end);
			ms = end;
		}
		this.currentMs = Math.round(ms);
		if (this.follow && this.playing) {
			const { startMs, endMs } = visibleRange(this.viewport);
			if (ms < startMs || ms > endMs - (endMs - startMs) * 0.02) {
				this.setViewport(scrollToTime(this.viewport, ms - (endMs - startMs) * 0.1));
			}
		}
	}

	/**
	 * Seeks the media element itself. wavesurfer's setTime only *defers* a seek while the media is
	 * still buffering (readyState < HAVE_FUTURE_DATA, i.e. right after the previous seek) and drops
	 * that deferred time when the previous seek's 'seeking' event arrives: pressing J/L or ←/→ in
	 * quick succession lost steps. The element queues seeks correctly on its own.
	 */
	#setMediaTime(ms: number) {
		if (this.media) this.media.currentTime = ms / 1000;
	}

	#scheduleDraw() {
		if (this.#frame || !this.ws) return;
		this.#frame = requestAnimationFrame(() => {
			this.#frame = 0;
			this.#draw();
		});
	}

	#draw() {
		const ws = this.ws;
		const media = this.media;
		const slice = this.#slice();
		if (!ws || !media || !slice) return;
		this.#place(slice);
		// Same src and a known duration: wavesurfer swaps the drawn data and leaves the media alone.
		ws.load(media.src, slice.channels, slice.durationMs / 1000).catch(() => {
			// Superseded by the next view change, which draws instead.
		});
	}

	/** Swaps in fuller peaks (the rest of a progressively read file) and redraws the view. */
	upgradePeaks(peaks: Peaks) {
		this.peaks = peaks;
		this.#scheduleDraw();
	}

	#slice() {
		const v = this.viewport;
		if (v.widthPx <= 0 || v.pxPerSec <= 0) return null;
		const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
		const level = pickPeaksLevel(this.peaks, v.pxPerSec * dpr);
		this.levelPeaksPerSecond = peaksPerSecond(this.peaks, level);
		const { endMs } = visibleRange(v);
		const w = peakWindow(this.peaks, level, v.startMs, endMs);
		if (w.end - w.first < 2) return null;
		// Only the visible slice is converted (a few thousand values per draw): converting whole
		// levels would hold ~30 MB of floats for a 10-hour recording zoomed in.
		const count = w.end - w.first;
		const channels = toWaveSurferPeaks({
			peakCount: count,
			data: level.data.subarray(2 * w.first, 2 * w.end)
		});
		return {
			channels,
			startMs: w.startMs,
			durationMs: w.endMs - w.startMs
		};
	}

	#place(slice: { startMs: number; durationMs: number }) {
		const host = this.#host;
		if (!host) return;
		const v = this.viewport;
		host.style.left = `${timeToX(v, slice.startMs)}px`;
		host.style.width = `${(slice.durationMs * v.pxPerSec) / 1000}px`;
	}
}
