import { SaxesParser } from 'saxes';
import { InteropError, cleanText, type TranscriptFormat } from './model.ts';

/** A parsed element: attributes, children in document order (text as strings), and its line. */
export interface XmlElement {
	name: string;
	attrs: Record<string, string>;
	children: (XmlElement | string)[];
	line: number;
}

/**
 * Parses well-formed XML 1.0 into a small tree (no namespaces, no DTD processing: a DOCTYPE is
 * skipped). A well-formedness error is a malformed-file error naming the line and column.
 */
export function parseXml(text: string, format: TranscriptFormat): XmlElement {
	const parser = new SaxesParser({ position: true });
	const stack: XmlElement[] = [];
	let root: XmlElement | null = null;
	let failure: Error | null = null;
	parser.on('error', (err) => {
		failure ??= err;
	});
	parser.on('opentag', (tag) => {
		const element: XmlElement = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [], line: parser.line };
		const parent = stack[stack.length - 1];
		if (parent) parent.children.push(element);
		else root ??= element;
		stack.push(element);
	});
	parser.on('closetag', () => {
		stack.pop();
	});
	const onText = (value: string) => {
		const parent = stack[stack.length - 1];
		if (!parent) return;
		const last = parent.children[parent.children.length - 1];
		if (typeof last === 'string') parent.children[parent.children.length - 1] = last + value;
		else parent.children.push(value);
	};
	parser.on('text', onText);
	parser.on('cdata', onText);
	try {
		parser.write(text).close();
	} catch (err) {
		failure ??= err as Error;
	}
	if (failure) {
		const message = (failure as Error).message.replace(/^undefined:/, '');
		const line = /^(\d+):(\d+):/.exec(message);
		throw new InteropError('malformed_file', line ? `line ${line[1]}, column ${line[2]}: ${message.slice(line[0].length).trim()}` : message, {
			format,
			line: line ? Number(line[1]) : undefined
		});
	}
	if (!root) throw new InteropError('malformed_file', 'The file has no XML root element.', { format });
	return root;
}

export function childElements(element: XmlElement, name?: string): XmlElement[] {
	const out: XmlElement[] = [];
	for (const child of element.children) if (typeof child !== 'string' && (name === undefined || child.name === name)) out.push(child);
	return out;
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
	for (const child of element.children) if (typeof child !== 'string' && child.name === name) return child;
	return undefined;
}

/** All text inside an element (descendants included), cleaned. */
export function textContent(element: XmlElement): string {
	let out = '';
	const walk = (e: XmlElement) => {
		for (const child of e.children) out += typeof child === 'string' ? child : (walk(child), '');
	};
	walk(element);
	return cleanText(out);
}

/** `<NAME line 12>` for messages. */
export function where(element: XmlElement): string {
	return `<${element.name}> on line ${element.line}`;
}

/** Escapes text content: `&`, `<`, `>`. */
export function escapeXmlText(text: string): string {
	const clean = cleanText(text);
	// Most labels have nothing to escape: a test is cheaper than a replace that finds nothing.
	return XML_TEXT_SPECIAL.test(clean) ? clean.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')) : clean;
}

const XML_TEXT_SPECIAL = /[&<>]/;

/** Escapes an attribute value; tabs and newlines become character references so they survive. */
export function escapeXmlAttr(text: string): string {
	return cleanText(text).replace(/[&<>"\n\t]/g, (c) =>
		c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === '\n' ? '&#10;' : '&#9;'
	);
}
