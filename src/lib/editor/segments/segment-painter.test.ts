import { describe, expect, it } from 'vitest';
import { LabelFitter } from './label-fitter.ts';
import { paintSegments, type PaintContext, type PaintParams } from './segment-painter.ts';
import { SegmentStore } from './segment-store.ts';
import type { EditorSegment } from './segment-types.ts';

/** Records what would be drawn. */
function fakeContext() {
	const calls = { rect: [] as number[][], fillText: [] as string[], fill: 0, fillRect: 0 };
	const ctx = {
		globalAlpha: 1,
		fillStyle: '',
		strokeStyle: '',
		lineWidth: 1,
		font: '',
		textBaseline: 'alphabetic',
		save() {},
		restore() {},
		clearRect() {},
		fillRect() {
			calls.fillRect++;
		},
		strokeRect() {},
		beginPath() {},
		rect(x: number, y: number, w: number, h: number) {
			calls.rect.push([x, y, w, h]);
		},
		moveTo() {},
		lineTo() {},
		fill() {
			calls.fill++;
		},
		stroke() {},
		fillText(text: string) {
			calls.fillText.push(text);
		},
		setLineDash() {}
	};
	return { ctx: ctx as unknown as PaintContext, calls };
}

function store(n: number, durationMs: number, texts = true) {
	const s = new SegmentStore({ durationMs });
	const step = durationMs / n;
	const segs: EditorSegment[] = Array.from({ length: n }, (_, i) => ({
		id: `s${String(i).padStart(6, '0')}`,
		startMs: Math.round(i * step),
		endMs: Math.round(i * step + step * 0.8),
		speakerId: null,
		dialectTagId: null,
		texts: (texts ? { transcript: `第${i}句话` } : {}) as Record<string, string>,
		status: 'new'
	}));
	s.load(segs);
	return s;
}

function params(s: SegmentStore, patch: Partial<PaintParams> = {}): PaintParams {
	return {
		store: s,
		startMs: 0,
		pxPerSec: 100,
		widthPx: 1000,
		heightPx: 80,
		laneStyle: () => ({ color: '#2563eb' }),
		selectedId: null,
		hoveredId: null,
		activeIds: new Set(),
		draft: null,
		labelLayer: 'transcript',
		fitter: new LabelFitter((t) => t.length * 7),
		font: '12px sans-serif',
		pendingMark: null,
		...patch
	};
}

describe(paintSegments.name, () => {
	it('draws only the segments in the viewport, each labelled', () => {
		const s = store(1000, 1_000_000); // one segment per second, 800 ms long
		const { ctx, calls } = fakeContext();
		const stats = paintSegments(ctx, params(s, { startMs: 500_000 })); // 10 s visible
		expect(stats.segments).toBe(10);
		expect(stats.labels).toBe(10);
		expect(calls.fillText[0]).toBe('第500句话');
		for (const [x, , w] of calls.rect) {
			expect(x + w).toBeGreaterThanOrEqual(0);
			expect(x).toBeLessThanOrEqual(1000);
		}
	});

	it('merges sub-pixel segments into runs at whole-file zoom', () => {
		const s = store(10_000, 36_000_000, false);
		const { ctx } = fakeContext();
		const stats = paintSegments(ctx, params(s, { pxPerSec: 1200 / 36_000, widthPx: 1200 }));
		expect(stats.segments + stats.runs).toBeLessThanOrEqual(1200);
		expect(stats.runs).toBeGreaterThan(0);
		expect(stats.labels).toBe(0);
	});

	it('draws the selected segment on top and a draft instead of the dragged one', () => {
		const s = store(100, 100_000);
		const { ctx } = fakeContext();
		const stats = paintSegments(
			ctx,
			params(s, {
				selectedId: 's000003',
				activeIds: new Set(['s000004']),
				draft: { kind: 'move', id: 's000005', laneKey: '', startMs: 5200, endMs: 6000, valid: true, snappedTo: 6000 }
			})
		);
		// 10 visible − 1 dragged (drawn as the draft) = 9 segments, 10 labels (draft labelled too).
		expect(stats.segments).toBe(9);
		expect(stats.labels).toBe(10);
	});
});
