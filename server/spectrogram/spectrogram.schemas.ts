import { z } from 'zod';
import { idSchema } from '../lib/openapi.ts';
import { MAX_SPECTROGRAM_HEIGHT, MAX_SPECTROGRAM_WIDTH, MIN_SPECTROGRAM_SIZE } from './spectrogram-args.ts';

/** A plain non-negative integer in the query string: no signs, exponents, blanks or fractions. */
const intParam = (name: string, unit: string) =>
	z
		.string({ error: `${name} is required (${unit})` })
		.regex(/^\d{1,10}$/, `${name} must be a non-negative integer (${unit})`)
		.transform(Number);

const sizeParam = (name: string, max: number, fallback: number) =>
	intParam(name, 'pixels')
		.optional()
		.transform((v) => v ?? fallback)
		.pipe(z.number().int().min(MIN_SPECTROGRAM_SIZE).max(max));

export const spectrogramParamSchema = z.object({ recordingId: idSchema('Recording') });

/** start/end in ms ([start, end)); the image size defaults to 1200 × 256. */
export const spectrogramQuerySchema = z.object({
	start: intParam('start', 'milliseconds'),
	end: intParam('end', 'milliseconds').describe('Milliseconds, exclusive; at most 120 000 ms after start'),
	width: sizeParam('width', MAX_SPECTROGRAM_WIDTH, 1200),
	height: sizeParam('height', MAX_SPECTROGRAM_HEIGHT, 256)
});
