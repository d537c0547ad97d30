/**
 * A tiny, safe Markdown renderer for project guidelines: headings, paragraphs, bullet and
 * numbered lists, **bold**, *italic*, `code` and [links](https://…). Everything is HTML-escaped
 * first, and only http(s)/mailto links survive, so a guideline can never inject markup or script.
 *
 * @example
 * renderMarkdown('# 规范\n- **粤**: 用本字'); // '<h3>规范</h3><ul><li><strong>粤</strong>: 用本字</li></ul>'
 */
export function renderMarkdown(source: string): string {
	const out: string[] = [];
	let list: 'ul' | 'ol' | null = null;
	let para: string[] = [];
	const flushPara = () => {
		if (para.length) out.push(`<p>${para.map(inline).join(' ')}</p>`);
		para = [];
	};
	const closeList = () => {
		if (list) out.push(`</${list}>`);
		list = null;
	};
	for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
		const line = raw.trimEnd();
		const heading = /^(#{1,6})\s+(.*)$/.exec(line);
		const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
		const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
		if (!line.trim()) {
			flushPara();
			closeList();
		} else if (heading) {
			flushPara();
			closeList();
			// Guidelines sit inside the drawer's own h2: their headings start one level below.
			const level = Math.min(6, heading[1].length + 2);
			out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
		} else if (bullet || numbered) {
			flushPara();
			const kind = bullet ? 'ul' : 'ol';
			if (list !== kind) {
				closeList();
				out.push(`<${kind}>`);
				list = kind;
			}
			out.push(`<li>${inline((bullet ?? numbered)![1])}</li>`);
		} else {
			closeList();
			para.push(line.trim());
		}
	}
	flushPara();
	closeList();
	return out.join('');
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function inline(text: string): string {
	// Code spans first, kept out of the other rules by a placeholder.
	const codes: string[] = [];
	let s = escapeHtml(text).replace(/`([^`]+)`/g, (_, code: string) => {
		codes.push(`<code>${code}</code>`);
		return `\u0000${codes.length - 1}\u0000`;
	});
	s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) => {
		// href is already escaped; only safe schemes become links.
		if (!/^(https?:\/\/|mailto:)/i.test(href)) return label;
		return `<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`;
	});
	s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/\*([^*]+)\*/g, '<em>$1</em>');
	return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]);
}
