import { InteropError, type InteropWarning, type TranscriptFormat } from './model.ts';

export interface DecodedText {
	text: string;
	/** WHATWG encoding name actually used (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252`, …). */
	encoding: string;
	bom: boolean;
}

/**
 * Bytes → text for the plain-text formats: a BOM decides (UTF-8, UTF-16 LE/BE, as Praat writes
 * them); without one, valid UTF-8 is UTF-8, and UTF-16 without a BOM is recognised by its zero
 * bytes. Anything else is read as Windows-1252 (what Praat does with non-UTF-8 files) with a warning.
 */
export function decodeTextBytes(
	bytes: Uint8Array,
	format: TranscriptFormat,
	warnings: InteropWarning[] = []
): DecodedText {
	if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		return { text: decodeStrict(bytes.subarray(3), 'utf-8', format), encoding: 'utf-8', bom: true };
	}
	if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
		return { text: decodeStrict(bytes.subarray(2), 'utf-16le', format), encoding: 'utf-16le', bom: true };
	}
	if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
		return { text: decodeStrict(bytes.subarray(2), 'utf-16be', format), encoding: 'utf-16be', bom: true };
	}
	const guess = guessUtf16(bytes);
	if (guess) {
		warnings.push({ code: 'utf16_without_bom', message: `The file looks like ${guess.toUpperCase()} without a byte-order mark; read as such.` });
		return { text: decodeStrict(bytes, guess, format), encoding: guess, bom: false };
	}
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom: false };
	} catch {
		warnings.push({
			code: 'not_utf8',
			message: 'The file is not valid UTF-8; it was read as Windows-1252 (Latin-1). Save it as UTF-8 if the text looks wrong.'
		});
		return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', bom: false };
	}
}

function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
	const n = Math.min(bytes.length - (bytes.length % 2), 512);
	if (n < 4) return null;
	let evenZeros = 0;
	let oddZeros = 0;
	for (let i = 0; i < n; i += 2) {
		if (bytes[i] === 0) evenZeros++;
		if (bytes[i + 1] === 0) oddZeros++;
	}
	const pairs = n / 2;
	// ASCII-heavy UTF-16 has a zero in (nearly) every pair on one side and none on the other.
	if (oddZeros > pairs * 0.4 && evenZeros === 0) return 'utf-16le';
	if (evenZeros > pairs * 0.4 && oddZeros === 0) return 'utf-16be';
	return null;
}

function decodeStrict(bytes: Uint8Array, encoding: string, format: TranscriptFormat): string {
	try {
		return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		throw new InteropError('malformed_file', `The file is not valid ${encoding.toUpperCase()} (a byte sequence cannot be decoded).`, {
			format,
			encoding
		});
	}
}

/**
 * Bytes of an XML document → text, honouring the declared `encoding` (Transcriber files are often
 * ISO-8859-1) and a BOM. An encoding this runtime cannot decode is refused with its name.
 */
export function decodeXmlBytes(bytes: Uint8Array, format: TranscriptFormat): DecodedText {
	if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
		// A UTF-16 BOM wins over the declaration (which must then say UTF-16 anyway).
		return decodeTextBytes(bytes, format);
	}
	let start = 0;
	let bom = false;
	if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		start = 3;
		bom = true;
	}
	// The declaration is ASCII in every ASCII-compatible encoding: read it as Latin-1.
	const head = new TextDecoder('latin1').decode(bytes.subarray(start, start + 200));
	const declared = /^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1];
	const label = (declared ?? 'utf-8').trim();
	if (/^utf-?16/i.test(label) && !bom) {
		const guess = guessUtf16(bytes.subarray(start));
		if (guess) return { text: decodeStrict(bytes.subarray(start), guess, format), encoding: guess, bom: false };
	}
	let decoder: TextDecoder;
	try {
		decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
	} catch {
		throw new InteropError('unknown_encoding', `Unknown character encoding "${label}" declared in the XML declaration.`, {
			format,
			encoding: label,
			line: 1
		});
	}
	try {
		return { text: decoder.decode(bytes.subarray(start)), encoding: decoder.encoding, bom };
	} catch {
		throw new InteropError(
			'malformed_file',
			`The file declares encoding "${label}" but contains bytes that are not valid ${label}.`,
			{ format, encoding: label }
		);
	}
}
