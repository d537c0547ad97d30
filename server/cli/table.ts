/**
 * Plain-text tables for terminal output, aligned by display width: CJK and other East Asian Wide /
 * Fullwidth characters take two columns, combining marks and zero-width characters none.
 */

const ZERO_WIDTH = /[\p{M}\u200b-\u200f\u2060\ufeff]/u;

function isWide(cp: number): boolean {
	return (
		(cp >= 0x1100 && cp <= 0x115f) ||
		(cp >= 0x2e80 && cp <= 0x303e) ||
		(cp >= 0x3041 && cp <= 0x33ff) ||
		(cp >= 0x3400 && cp <= 0x4dbf) ||
		(cp >= 0x4e00 && cp <= 0x9fff) ||
		(cp >= 0xa000 && cp <= 0xa4cf) ||
		(cp >= 0xac00 && cp <= 0xd7a3) ||
		(cp >= 0xf900 && cp <= 0xfaff) ||
		(cp >= 0xfe30 && cp <= 0xfe4f) ||
		(cp >= 0xff00 && cp <= 0xff60) ||
		(cp >= 0xffe0 && cp <= 0xffe6) ||
		(cp >= 0x1f300 && cp <= 0x1f64f) ||
		(cp >= 0x1f900 && cp <= 0x1f9ff) ||
		(cp >= 0x20000 && cp <= 0x3fffd)
	);
}

/** Terminal columns `text` takes. */
export function displayWidth(text: string): number {
	let width = 0;
	for (const ch of text) {
		if (ZERO_WIDTH.test(ch)) continue;
		width += isWide(ch.codePointAt(0)!) ? 2 : 1;
	}
	return width;
}

export type Align = 'left' | 'right';

/** Rows under a header, columns two spaces apart, each padded to its widest cell. */
export function renderTable(header: string[], rows: string[][], align: Align[]): string {
	const all = [header, ...rows];
	const widths = header.map((_, c) => Math.max(...all.map((row) => displayWidth(row[c] ?? ''))));
	const line = (row: string[]) =>
		row
			.map((cell, c) => {
				const pad = ' '.repeat(widths[c] - displayWidth(cell));
				return align[c] === 'right' ? pad + cell : cell + pad;
			})
			.join('  ')
			.trimEnd();
	return `${all.map(line).join('\n')}\n`;
}
