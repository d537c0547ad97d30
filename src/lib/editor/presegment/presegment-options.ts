/**
 * The knobs of pre-segmentation as the panel shows them: the contract's defaults, the server's
 * limits (server/presegment/presegment.schemas.ts) for typed values, narrower slider ranges for
 * the values people actually use, and the same checks the server makes, so a bad value is
 * explained beside its field instead of coming back as a 400.
 */

export interface PresegmentOptions {
	thresholdDb: number;
	minSilenceMs: number;
	minSegmentMs: number;
	padMs: number;
	maxSegmentMs: number;
	/** Filter to 80 Hz–4 kHz before detection, so mains hum does not read as speech. */
	bandPass: boolean;
}

export type NumericOption = Exclude<keyof PresegmentOptions, 'bandPass'>;

export const PRESEGMENT_DEFAULTS: Readonly<PresegmentOptions> = Object.freeze({
	thresholdDb: -35,
	minSilenceMs: 300,
	minSegmentMs: 300,
	padMs: 100,
	maxSegmentMs: 15_000,
	bandPass: true
});

export interface FieldSpec {
	key: NumericOption;
	/** What the server accepts (and the number input allows). */
	min: number;
	max: number;
	/** The slider's range: the useful part of [min, max]. */
	sliderMin: number;
	sliderMax: number;
	step: number;
	integer: boolean;
	unit: 'dB' | 'ms';
}

export const PRESEGMENT_FIELDS: readonly FieldSpec[] = [
	{ key: 'thresholdDb', min: -80, max: -10, sliderMin: -80, sliderMax: -10, step: 1, integer: false, unit: 'dB' },
	{ key: 'minSilenceMs', min: 50, max: 10_000, sliderMin: 50, sliderMax: 3000, step: 50, integer: true, unit: 'ms' },
	{ key: 'minSegmentMs', min: 0, max: 10_000, sliderMin: 0, sliderMax: 3000, step: 50, integer: true, unit: 'ms' },
	{ key: 'padMs', min: 0, max: 2000, sliderMin: 0, sliderMax: 1000, step: 10, integer: true, unit: 'ms' },
	{ key: 'maxSegmentMs', min: 1000, max: 600_000, sliderMin: 1000, sliderMax: 60_000, step: 500, integer: true, unit: 'ms' }
];

export type FieldProblem =
	| { kind: 'notNumber' }
	| { kind: 'notInteger' }
	| { kind: 'range'; min: number; max: number }
	| { kind: 'maxBelowTwiceMin'; min: number };

/** What is wrong with each field (only the fields that have a problem). */
export function checkOptions(options: PresegmentOptions): Partial<Record<NumericOption, FieldProblem>> {
	const problems: Partial<Record<NumericOption, FieldProblem>> = {};
	for (const field of PRESEGMENT_FIELDS) {
		const value = options[field.key];
		if (typeof value !== 'number' || !Number.isFinite(value)) problems[field.key] = { kind: 'notNumber' };
		else if (field.integer && !Number.isInteger(value)) problems[field.key] = { kind: 'notInteger' };
		else if (value < field.min || value > field.max) problems[field.key] = { kind: 'range', min: field.min, max: field.max };
	}
	// The server splits over-long speech in two, and each half must stay at least minSegmentMs.
	if (!problems.maxSegmentMs && !problems.minSegmentMs && options.maxSegmentMs < 2 * options.minSegmentMs) {
		problems.maxSegmentMs = { kind: 'maxBelowTwiceMin', min: 2 * options.minSegmentMs };
	}
	return problems;
}

/** The request body for POST /api/recordings/:id/presegment; `variant` is the transcription the editor shows. */
export function presegmentBody(options: PresegmentOptions, apply: boolean, variant = 0) {
	return {
		variant,
		thresholdDb: options.thresholdDb,
		minSilenceMs: options.minSilenceMs,
		minSegmentMs: options.minSegmentMs,
		padMs: options.padMs,
		maxSegmentMs: options.maxSegmentMs,
		bandPass: options.bandPass,
		apply
	};
}

export function sameOptions(a: PresegmentOptions, b: PresegmentOptions): boolean {
	return PRESEGMENT_FIELDS.every((f) => a[f.key] === b[f.key]) && a.bandPass === b.bandPass;
}
