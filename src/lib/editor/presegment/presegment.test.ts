import { render } from 'svelte/server';
import { locale } from 'svelte-i18n';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBurstRecording } from '../../../../server/presegment/test-audio.ts';
import { createTestContext, type TestContext } from '../../../../server/test/context.ts';
import { DB_KINDS } from '../../../../server/test/db.ts';
import { SPECTROGRAM_MESSAGES } from '../spectrogram/messages.ts';
import { PRESEGMENT_MESSAGES } from './messages.ts';
import PresegmentPanel from './PresegmentPanel.svelte';
import { runPresegment } from './presegment-api.ts';
import { PRESEGMENT_DEFAULTS, checkOptions, presegmentBody, sameOptions, type PresegmentOptions } from './presegment-options.ts';

const options = (over: Partial<PresegmentOptions> = {}): PresegmentOptions => ({ ...PRESEGMENT_DEFAULTS, ...over });

describe(checkOptions.name, () => {
	it('accepts the contract defaults', () => {
		expect(PRESEGMENT_DEFAULTS).toEqual({ thresholdDb: -35, minSilenceMs: 300, minSegmentMs: 300, padMs: 100, maxSegmentMs: 15_000, bandPass: true });
		expect(checkOptions(options())).toEqual({});
	});

	it.each<[string, Partial<PresegmentOptions>, Record<string, unknown>]>([
		['an empty field', { padMs: Number.NaN }, { padMs: { kind: 'notNumber' } }],
		['fractional milliseconds', { minSilenceMs: 250.5 }, { minSilenceMs: { kind: 'notInteger' } }],
		['a threshold above −10 dB', { thresholdDb: -5 }, { thresholdDb: { kind: 'range', min: -80, max: -10 } }],
		['a pause shorter than 50 ms', { minSilenceMs: 20 }, { minSilenceMs: { kind: 'range', min: 50, max: 10_000 } }],
		['more than 2 s of padding', { padMs: 2500 }, { padMs: { kind: 'range', min: 0, max: 2000 } }],
		['a longest segment under twice the shortest', { minSegmentMs: 800, maxSegmentMs: 1500 }, { maxSegmentMs: { kind: 'maxBelowTwiceMin', min: 1600 } }]
	])('explains %s', (_name, over, expected) => {
		expect(checkOptions(options(over))).toEqual(expected);
	});

	it('accepts fractional decibels and values the sliders cannot reach', () => {
		expect(checkOptions(options({ thresholdDb: -42.5, maxSegmentMs: 600_000, minSegmentMs: 10_000 }))).toEqual({});
	});
});

describe(presegmentBody.name, () => {
	it('sends every knob and the apply flag', () => {
		expect(presegmentBody(options({ padMs: 0 }), true)).toEqual({ ...PRESEGMENT_DEFAULTS, padMs: 0, apply: true, variant: 0 });
		expect(presegmentBody(options(), false, 2)).toMatchObject({ apply: false, variant: 2 });
		expect(sameOptions(options(), options({ bandPass: false }))).toBe(false);
		expect(sameOptions(options(), { ...PRESEGMENT_DEFAULTS })).toBe(true);
	});
});

type Dict = { [key: string]: string | Dict };
const flatten = (dict: Dict, prefix = ''): [string, string][] =>
	Object.entries(dict).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
/** Argument names (`{name}`, `{count, plural, …}`), not the text of plural branches. */
const placeholders = (message: string) =>
	[...message.matchAll(/(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]).sort();

describe.each([
	['pre-segmentation', PRESEGMENT_MESSAGES],
	['spectrogram', SPECTROGRAM_MESSAGES]
])('%s strings', (_name, messages) => {
	it('have the same keys and placeholders in English and Simplified Chinese', () => {
		const en = Object.fromEntries(flatten(messages.en));
		const zh = Object.fromEntries(flatten(messages['zh-CN']));
		expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
		for (const key of Object.keys(en)) expect(new Set(placeholders(zh[key])), key).toEqual(new Set(placeholders(en[key])));
	});
});

describe('PresegmentPanel (server render)', () => {
	const props = { recordingId: 'r1', onPreview: () => {}, onApplied: () => {} };

	it('labels every control and starts from the defaults', () => {
		locale.set('en');
		const { body } = render(PresegmentPanel, { props });
		for (const label of ['Silence threshold', 'Shortest pause', 'Shortest segment', 'Padding', 'Longest segment']) {
			expect(body).toContain(`>${label}</label>`);
			expect(body).toContain(`aria-label="${label} (slider)"`);
		}
		expect(body.match(/type="range"/g)).toHaveLength(5);
		expect(body.match(/type="number"/g)).toHaveLength(5);
		expect(body).toMatch(/type="number"[^>]*value="-35"/);
		expect(body).toMatch(/type="number"[^>]*value="15000"/);
		expect(body).toContain('Ignore hum and hiss');
		expect(body).toContain('>Preview</button>');
		expect(body).toContain('role="status"');
		// Every number field is named by its label: the label's `for` matches an input id.
		for (const [, id] of body.matchAll(/<label for="([^"]+)"/g)) expect(body).toContain(`id="${id}"`);
		expect(body).not.toContain('>Close</button>');
	});

	it('starts from given values, offers Close when it can, and speaks Chinese', () => {
		locale.set('zh-CN');
		const { body } = render(PresegmentPanel, { props: { ...props, onClose: () => {}, initial: { padMs: 250 } } });
		expect(body).toContain('静音阈值');
		expect(body).toContain('>预览</button>');
		expect(body).toContain('>关闭</button>');
		expect(body).toMatch(/type="number"[^>]*value="250"/);
		locale.set('en');
	});
});

describe.each(DB_KINDS)('runPresegment against the real API on %s', (kind) => {
	let ctx: TestContext;
	let cookie: string;
	let recordingId: string;
	/** The typed client's fetch, routed into the app in-process as a signed-in transcriber. */
	const fetchAs = (): typeof globalThis.fetch => (input, init) => {
		const headers = new Headers(init?.headers);
		headers.set('cookie', cookie);
		return Promise.resolve(ctx.app.request(String(input), { ...init, headers }));
	};

	beforeAll(async () => {
		ctx = await createTestContext(kind);
		const transcriber = await ctx.createUser('transcriber');
		cookie = transcriber.cookie;
		let projectId: string;
		({ recordingId, projectId } = await insertBurstRecording(ctx.deps.db, ctx.deps.storage, ctx.deps.media.ffmpeg, {
			durationMs: 8000,
			bursts: [
				{ startMs: 1000, endMs: 2500, amplitude: 0.5 },
				{ startMs: 4000, endMs: 6000, amplitude: 0.5 }
			]
		}));
		await ctx.addMember(projectId, transcriber);
	});
	afterAll(() => ctx.close());

	it('previews with the panel defaults, then applies, then skips what now overlaps', async () => {
		const preview = await runPresegment(recordingId, options(), false, { fetch: fetchAs() });
		expect(preview.kind).toBe('preview');
		if (preview.kind !== 'preview') return;
		expect(preview.proposals.map((p) => [Math.round(p.startMs / 100) * 100, Math.round(p.endMs / 100) * 100])).toEqual([
			[900, 2600],
			[3900, 6100]
		]);

		const applied = await runPresegment(recordingId, options(), true, { fetch: fetchAs() });
		expect(applied).toMatchObject({ kind: 'applied', skipped: 0 });
		if (applied.kind !== 'applied') return;
		expect(applied.segments.map((s) => ({ recordingId: s.recordingId, version: s.version }))).toEqual([
			{ recordingId, version: 1 },
			{ recordingId, version: 1 }
		]);
		expect(await runPresegment(recordingId, options(), true, { fetch: fetchAs() })).toMatchObject({ kind: 'applied', segments: [], skipped: 2 });
	});

	it('throws the API error for values the server refuses and for an unknown recording', async () => {
		await expect(runPresegment(recordingId, options({ padMs: 99_999 }), false, { fetch: fetchAs() })).rejects.toMatchObject({
			status: 400,
			code: 'invalid_request'
		});
		await expect(runPresegment('no-such-recording', options(), false, { fetch: fetchAs() })).rejects.toMatchObject({ status: 404 });
	});
});
