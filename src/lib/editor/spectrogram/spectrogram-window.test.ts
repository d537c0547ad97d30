import { render } from 'svelte/server';
import { locale } from 'svelte-i18n';
import { describe, expect, it } from 'vitest';
import SpectrogramView from './SpectrogramView.svelte';
import { frequencyTicks, placeImage, planSpectrogram, spectrogramUrl, type SpectrogramView as View } from './spectrogram-window.ts';

const view = (over: Partial<View> = {}): View => ({ startMs: 0, pxPerSec: 100, widthPx: 1000, heightPx: 160, durationMs: 60_000, ...over });

describe(planSpectrogram.name, () => {
	it.each<[string, Partial<View>, unknown]>([
		['the visible window, pixel for pixel', {}, { start: 0, end: 10_000, width: 1000, height: 160, spanPx: 1000 }],
		['whole milliseconds from a fractional start', { startMs: 1234.6 }, { start: 1235, end: 11_235, width: 1000 }],
		['a window running past the end is clipped, and so is its width', { startMs: 55_000 }, { start: 55_000, end: 60_000, width: 500, spanPx: 500 }],
		['the whole recording when fitted', { pxPerSec: 1000 / 60, durationMs: 60_000 }, { start: 0, end: 60_000, width: 1000 }],
		['twice the pixels on a dense screen', { pixelRatio: 2 }, { width: 2000, height: 320 }],
		['never more than the server allows', { widthPx: 3000, pxPerSec: 1000, pixelRatio: 3 }, { width: 4096, height: 480 }],
		['nor less', { widthPx: 10, heightPx: 8, pxPerSec: 1000 }, { start: 0, end: 10, width: 16, height: 16 }],
		['exactly two minutes is still drawn', { widthPx: 1200, pxPerSec: 10, durationMs: 600_000 }, { start: 0, end: 120_000 }]
	])('asks for %s', (_name, over, expected) => {
		const plan = planSpectrogram(view(over));
		expect(plan.kind).toBe('request');
		if (plan.kind === 'request') expect(plan.request).toMatchObject(expected as object);
	});

	it.each<[string, Partial<View>, string]>([
		['longer than two minutes', { widthPx: 1201, pxPerSec: 10, durationMs: 600_000 }, 'tooLong'],
		['scrolled past the end', { startMs: 60_000 }, 'none'],
		['not laid out yet', { widthPx: 0 }, 'none'],
		['no duration', { durationMs: 0 }, 'none'],
		['no zoom yet', { pxPerSec: 0 }, 'none']
	])('asks for nothing when %s', (_name, over, kind) => {
		expect(planSpectrogram(view(over)).kind).toBe(kind);
	});
});

describe(spectrogramUrl.name, () => {
	it('escapes the id and passes integers', () => {
		expect(spectrogramUrl('a/b c', { start: 0, end: 1500, width: 800, height: 160 })).toBe(
			'/api/recordings/a%2Fb%20c/spectrogram?start=0&end=1500&width=800&height=160'
		);
	});
});

describe(placeImage.name, () => {
	it.each([
		['where it was drawn', { startMs: 0, pxPerSec: 100 }, { left: 0, width: 1000 }],
		['shifted left as the view scrolls right', { startMs: 2500, pxPerSec: 100 }, { left: -250, width: 1000 }],
		['stretched as the view zooms in', { startMs: 5000, pxPerSec: 400 }, { left: -2000, width: 4000 }]
	])('keeps an image of 0–10 s %s', (_name, v, expected) => {
		expect(placeImage({ startMs: 0, endMs: 10_000 }, v)).toEqual(expected);
	});
});

describe(frequencyTicks.name, () => {
	it('marks 2, 4 and 6 kHz on the linear 0–8 kHz axis', () => {
		expect(frequencyTicks(160)).toEqual([
			{ hz: 2000, top: 120 },
			{ hz: 4000, top: 80 },
			{ hz: 6000, top: 40 }
		]);
	});
});

describe('SpectrogramView (server render)', () => {
	const props = { recordingId: 'r1', startMs: 0, pxPerSec: 100, widthPx: 1000, durationMs: 60_000 };

	it('draws the frequency axis and waits for the image', () => {
		locale.set('en');
		const { body } = render(SpectrogramView, { props });
		expect(body).toContain('data-testid="spectrogram"');
		expect(body).toContain('aria-label="Spectrogram"');
		expect(body).toContain('4 kHz');
		expect(body).not.toContain('<img');
	});

	it('explains instead of drawing when the window is longer than two minutes, in Chinese too', () => {
		locale.set('en');
		const tooLong = { ...props, pxPerSec: 5, durationMs: 600_000 };
		expect(render(SpectrogramView, { props: tooLong }).body).toContain('Zoom in to two minutes or less');
		locale.set('zh-CN');
		expect(render(SpectrogramView, { props: tooLong }).body).toContain('放大到两分钟以内');
		locale.set('en');
	});
});
