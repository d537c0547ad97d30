/**
 * Traditional/Simplified folding through OpenCC's dictionaries (opencc-js, pure JavaScript, the
 * dictionaries ship inside the package: no network, same result in Node and the browser).
 *
 * Both sides of a comparison fold to Simplified (mainland) characters: Hong Kong variants first
 * (衞 → 卫), then Taiwan variants (著 in the sense of 着), each through OpenCC's phrase-aware
 * converters so that 著名 stays 著名. The `t2cn` entry point carries only the Traditional → mainland
 * dictionaries (≈100 kB instead of 1.2 MB), and the converters are built on first use.
 */
import * as OpenCC from 'opencc-js/t2cn';

let converter: ((text: string) => string) | undefined;

export function foldVariants(text: string): string {
	if (!converter) {
		const fromHk = OpenCC.Converter({ from: 'hk', to: 'cn' });
		const fromTw = OpenCC.Converter({ from: 'tw', to: 'cn' });
		converter = (s) => fromTw(fromHk(s));
	}
	return converter(text);
}
