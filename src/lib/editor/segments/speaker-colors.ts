/**
 * Speaker colours shared by the canvas layer and the list, so a speaker looks the same in both.
 * Chosen to stay distinguishable over a grey/blue waveform and for common colour-vision
 * deficiencies (Okabe–Ito-like hues, darkened for contrast on white).
 */
export const SPEAKER_PALETTE = [
	'#0072b2',
	'#d55e00',
	'#009e73',
	'#cc79a7',
	'#b8860b',
	'#56b4e9',
	'#7b3294',
	'#e69f00',
	'#2f4f4f',
	'#c0392b'
] as const;

export const UNASSIGNED_COLOR = '#64748b';

/** Colour for the i-th speaker of a project (stable as long as the project's speaker order is). */
export function speakerColor(index: number): string {
	if (index < 0) return UNASSIGNED_COLOR;
	return SPEAKER_PALETTE[index % SPEAKER_PALETTE.length];
}
