import { describe, expect, it } from 'vitest';
import { previewImport, type ExistingSegment } from './diff.ts';
import type { InteropSegment } from './model.ts';

const existing: ExistingSegment[] = [
	{ id: 'e1', startMs: 0, endMs: 1000, speaker: 'A', dialect: 'yue', texts: { transcript: '你好', mandarin: '你好' }, status: 'approved' },
	{ id: 'e2', startMs: 1000, endMs: 2000, speaker: 'A', dialect: null, texts: { transcript: 'old' }, status: 'new' },
	{ id: 'e3', startMs: 500, endMs: 1500, speaker: 'B', dialect: null, texts: {}, status: 'new' }
];

function seg(startMs: number, endMs: number, speaker: string | null, texts: Record<string, string>, extra: Partial<InteropSegment> = {}): InteropSegment {
	return { startMs, endMs, speaker, dialect: null, texts, status: null, origin: 'human', ...extra };
}

describe(previewImport.name, () => {
	const incoming = [
		seg(1, 1000, 'A', { transcript: '你好' }),
		seg(1000, 2000, 'A', { transcript: 'new text' }, { dialect: 'cmn' }),
		seg(3000, 4000, 'C', { transcript: 'added' })
	];

	it('merge: matches by speaker and times within 1 ms, keeps what the file does not carry', () => {
		const preview = previewImport(existing, incoming, { mode: 'merge', layers: ['transcript'] });
		expect(preview.changes.map((c) => [c.kind, c.existing?.id ?? null, c.fields])).toEqual([
			['changed', 'e1', ['times']],
			['changed', 'e2', ['transcript', 'dialect']],
			['added', null, ['transcript']],
			['unchanged', 'e3', []]
		]);
		expect(preview.totals).toEqual({ added: 1, changed: 2, removed: 0, unchanged: 1 });
		expect(preview.bySpeaker).toEqual({ A: { added: 0, changed: 2, removed: 0 }, C: { added: 1, changed: 0, removed: 0 } });
		expect(preview.byLayer).toEqual({ transcript: { added: 1, changed: 1, removed: 0 }, dialect: { added: 1, changed: 0, removed: 0 } });
	});

	it('replace: existing segments the file does not have are removed, per speaker and layer', () => {
		const preview = previewImport(existing, incoming, { mode: 'replace' });
		expect(preview.totals).toEqual({ added: 1, changed: 2, removed: 1, unchanged: 0 });
		expect(preview.bySpeaker.B).toEqual({ added: 0, changed: 0, removed: 1 });
		expect(preview.byLayer.status).toEqual({ added: 0, changed: 0, removed: 1 });
		// Without `layers`, the missing mandarin text of e1 counts as removed.
		expect(preview.changes[0].fields).toEqual(['times', 'mandarin']);
		expect(preview.byLayer.mandarin).toEqual({ added: 0, changed: 0, removed: 1 });
	});

	it('does not match across speakers or beyond the tolerance', () => {
		const preview = previewImport(existing, [seg(0, 1000, 'B', {}), seg(3, 1000, 'A', {})], { mode: 'merge', toleranceMs: 2 });
		expect(preview.changes.filter((c) => c.kind === 'added')).toHaveLength(2);
	});
});
