import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe(renderMarkdown.name, () => {
	it('renders headings, lists, bold and links', () => {
		expect(renderMarkdown('# 规范\n\n- **粤**: 用本字\n- see [guide](https://example.org/a?b=1&c=2)\n\n1. one\n2. two')).toBe(
			'<h3>规范</h3><ul><li><strong>粤</strong>: 用本字</li><li>see <a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">guide</a></li></ul><ol><li>one</li><li>two</li></ol>'
		);
	});

	it('escapes HTML and drops unsafe links', () => {
		const html = renderMarkdown('<script>alert(1)</script> [x](javascript:alert(1)) `<b>`');
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('javascript:');
		expect(html).toContain('&lt;script&gt;');
		expect(html).toContain('<code>&lt;b&gt;</code>');
	});

	it('joins paragraph lines and separates paragraphs', () => {
		expect(renderMarkdown('a\nb\n\nc')).toBe('<p>a b</p><p>c</p>');
	});
});
