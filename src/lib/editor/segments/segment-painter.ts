/**
 * Draws the visible segments onto one 2D context. Pure drawing (no DOM lookups): the component
 * owns the canvas, sizing and scheduling. Cost is O(lanes × (log n + visible)), and at low zoom
 * segments narrower than a couple of pixels are merged into runs, so a whole 10-hour file with
 * 10,000 segments is at most ~width rectangles per lane.
 */
import type { LabelFitter } from './label-fitter.ts';
import type { PendingMark, SegmentStore } from './segment-store.ts';
import type { EditorSegment } from './segment-types.ts';
import type { Draft } from './segment-gestures.ts';

export interface LaneStyle {
	/** CSS colour of the speaker (any format canvas accepts). */
	readonly color: string;
	/** Short lane label (speaker code or name); drawn at the lane's left edge when given. */
	readonly label?: string;
}

/** The minimum 2D context surface the painter uses (CanvasRenderingContext2D satisfies it). */
export type PaintContext = Pick<
	CanvasRenderingContext2D,
	| 'save'
	| 'restore'
	| 'clearRect'
	| 'fillRect'
	| 'strokeRect'
	| 'beginPath'
	| 'rect'
	| 'moveTo'
	| 'lineTo'
	| 'fill'
	| 'stroke'
	| 'fillText'
	| 'setLineDash'
	| 'globalAlpha'
	| 'fillStyle'
	| 'strokeStyle'
	| 'lineWidth'
	| 'font'
	| 'textBaseline'
>;

export interface PaintParams {
	readonly store: SegmentStore;
	readonly startMs: number;
	readonly pxPerSec: number;
	readonly widthPx: number;
	readonly heightPx: number;
	readonly laneStyle: (laneKey: string) => LaneStyle;
	readonly selectedId: string | null;
	readonly hoveredId: string | null;
	/** Segments under the playhead. */
	readonly activeIds: ReadonlySet<string>;
	readonly draft: Draft | null;
	/** Text layer shown as the label; null = first non-empty layer. */
	readonly labelLayer: string | null;
	readonly fitter: LabelFitter;
	readonly font: string;
	readonly pendingMark: PendingMark | null;
}

export interface PaintStats {
	/** Segments individually drawn. */
	segments: number;
	/** Merged runs of sub-pixel segments. */
	runs: number;
	labels: number;
}

const LABEL_MIN_PX = 22;
const LABEL_HEIGHT = 16;
const MERGE_BELOW_PX = 2;

function labelOf(seg: EditorSegment, layer: string | null): string {
	if (layer !== null) return seg.texts[layer] ?? '';
	for (const k in seg.texts) if (seg.texts[k]) return seg.texts[k];
	return '';
}

export function paintSegments(ctx: PaintContext, p: PaintParams): PaintStats {
	const stats: PaintStats = { segments: 0, runs: 0, labels: 0 };
	const { store, startMs, pxPerSec, widthPx, heightPx } = p;
	const k = pxPerSec / 1000;
	const endMs = startMs + widthPx / k;
	const lanes = store.lanes;
	const laneH = heightPx / Math.max(1, lanes.length);
	const pad = laneH >= 24 ? 2 : 1;
	const draftId = p.draft?.id ?? null;
	ctx.clearRect(0, 0, widthPx, heightPx);
	ctx.font = p.font;
	ctx.textBaseline = 'middle';

	const special: EditorSegment[] = [];
	const labelled: { seg: EditorSegment; x0: number; x1: number; y: number }[] = [];

	for (const lane of lanes) {
		const style = p.laneStyle(lane.key);
		const y0 = lane.index * laneH;
		const top = y0 + pad;
		const h = laneH - 2 * pad;

		if (lane.index > 0) {
			ctx.globalAlpha = 0.25;
			ctx.fillStyle = '#6b7280';
			ctx.fillRect(0, Math.round(y0), widthPx, 1);
		}

		// Fills of ordinary segments and merged runs: one path, one fill.
		ctx.beginPath();
		let runX0 = -1;
		let runX1 = -2;
		const edges: number[] = [];
		store.forEachInLane(lane.key, startMs, endMs, (seg) => {
			if (seg.id === draftId || seg.id === p.selectedId || seg.id === p.hoveredId || p.activeIds.has(seg.id)) {
				special.push(seg);
				return;
			}
			const x0 = (seg.startMs - startMs) * k;
			const x1 = (seg.endMs - startMs) * k;
			if (x1 - x0 < MERGE_BELOW_PX) {
				if (x0 <= runX1 + 1) runX1 = Math.max(runX1, x1);
				else {
					if (runX1 > runX0) {
						ctx.rect(runX0, top, Math.max(1, runX1 - runX0), h);
						stats.runs++;
					}
					runX0 = x0;
					runX1 = x1;
				}
				return;
			}
			const cx0 = Math.max(-2, x0);
			const cx1 = Math.min(widthPx + 2, x1);
			ctx.rect(cx0, top, cx1 - cx0, h);
			stats.segments++;
			if (x0 >= -1) edges.push(x0);
			if (x1 <= widthPx + 1) edges.push(x1);
			if (x1 - x0 >= LABEL_MIN_PX) labelled.push({ seg, x0: cx0, x1: cx1, y: top });
		});
		if (runX1 > runX0) {
			ctx.rect(runX0, top, Math.max(1, runX1 - runX0), h);
			stats.runs++;
		}
		ctx.globalAlpha = 0.22;
		ctx.fillStyle = style.color;
		ctx.fill();

		// Boundaries as crisp 1-px lines, also one path.
		if (edges.length) {
			ctx.beginPath();
			for (const x of edges) {
				const xs = Math.round(x) + 0.5;
				ctx.moveTo(xs, top);
				ctx.lineTo(xs, top + h);
			}
			ctx.globalAlpha = 0.9;
			ctx.strokeStyle = style.color;
			ctx.lineWidth = 1;
			ctx.stroke();
		}

		if (style.label && laneH >= 14) {
			ctx.globalAlpha = 0.55;
			ctx.fillStyle = style.color;
			ctx.fillText(style.label, 4, y0 + laneH - 8);
		}
	}

	// Selected, hovered, playing and dragged segments on top.
	for (const seg of special) {
		if (seg.id === draftId) continue;
		const laneIndex = store.laneIndexOf(store.laneOf(seg));
		const top = laneIndex * laneH + pad;
		const h = laneH - 2 * pad;
		const x0 = Math.max(-2, (seg.startMs - startMs) * k);
		const x1 = Math.min(widthPx + 2, (seg.endMs - startMs) * k);
		const color = p.laneStyle(store.laneOf(seg)).color;
		const selected = seg.id === p.selectedId;
		ctx.globalAlpha = selected ? 0.42 : seg.id === p.hoveredId ? 0.32 : 0.28;
		ctx.fillStyle = color;
		ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
		ctx.globalAlpha = 1;
		ctx.strokeStyle = color;
		ctx.lineWidth = selected ? 2 : 1;
		ctx.strokeRect(x0 + ctx.lineWidth / 2, top + ctx.lineWidth / 2, Math.max(1, x1 - x0 - ctx.lineWidth), h - ctx.lineWidth);
		if (p.activeIds.has(seg.id)) {
			ctx.fillRect(x0, top, Math.max(1, x1 - x0), 3);
		}
		stats.segments++;
		if (x1 - x0 >= LABEL_MIN_PX) labelled.push({ seg, x0, x1, y: top });
	}

	// Draft of a drag in progress.
	const d = p.draft;
	if (d) {
		const dragged = d.id ? store.get(d.id) : undefined;
		const li = store.laneIndexOf(dragged ? store.laneOf(dragged) : d.laneKey);
		const top = Math.max(0, li) * laneH + pad;
		const h = laneH - 2 * pad;
		const x0 = (d.startMs - startMs) * k;
		const x1 = (d.endMs - startMs) * k;
		const color = d.valid ? p.laneStyle(dragged ? store.laneOf(dragged) : d.laneKey).color : '#dc2626';
		ctx.globalAlpha = 0.35;
		ctx.fillStyle = color;
		ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
		ctx.globalAlpha = 1;
		ctx.strokeStyle = color;
		ctx.lineWidth = 1.5;
		if (d.kind === 'create') ctx.setLineDash([4, 3]);
		ctx.strokeRect(x0 + 0.75, top + 0.75, Math.max(1, x1 - x0 - 1.5), h - 1.5);
		ctx.setLineDash([]);
		if (dragged && x1 - x0 >= LABEL_MIN_PX) labelled.push({ seg: dragged, x0, x1, y: top });
		if (d.snappedTo !== null) {
			const xs = Math.round((d.snappedTo - startMs) * k) + 0.5;
			ctx.globalAlpha = 0.9;
			ctx.strokeStyle = '#f59e0b';
			ctx.lineWidth = 1;
			ctx.setLineDash([3, 3]);
			ctx.beginPath();
			ctx.moveTo(xs, 0);
			ctx.lineTo(xs, heightPx);
			ctx.stroke();
			ctx.setLineDash([]);
		}
	}

	// Labels: text measured once per distinct text (LabelFitter), on a light pill for contrast.
	if (laneH >= LABEL_HEIGHT + 2) {
		for (const { seg, x0, x1, y } of labelled) {
			const text = labelOf(seg, p.labelLayer);
			if (!text) continue;
			const left = Math.max(0, x0) + 4;
			const room = Math.min(x1, widthPx) - left - 4;
			if (room < 12) continue;
			const fitted = p.fitter.fit(text, room - 6);
			if (!fitted) continue;
			const w = p.fitter.fitWidth(text, room - 6) + 6;
			ctx.globalAlpha = 0.82;
			ctx.fillStyle = '#ffffff';
			ctx.fillRect(left, y + 2, Math.min(w, room), LABEL_HEIGHT);
			ctx.globalAlpha = 1;
			ctx.fillStyle = '#111827';
			ctx.fillText(fitted, left + 3, y + 2 + LABEL_HEIGHT / 2 + 0.5);
			stats.labels++;
		}
	}

	// A pending "mark start".
	const mark = p.pendingMark;
	if (mark && mark.startMs >= startMs && mark.startMs <= endMs) {
		const li = Math.max(0, store.laneIndexOf(mark.laneKey));
		const xs = Math.round((mark.startMs - startMs) * k) + 0.5;
		ctx.globalAlpha = 1;
		ctx.strokeStyle = '#16a34a';
		ctx.lineWidth = 2;
		ctx.setLineDash([5, 3]);
		ctx.beginPath();
		ctx.moveTo(xs, li * laneH);
		ctx.lineTo(xs, (li + 1) * laneH);
		ctx.stroke();
		ctx.setLineDash([]);
	}
	ctx.globalAlpha = 1;
	return stats;
}
