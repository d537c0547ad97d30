import { describe, expect, it } from 'vitest';
import { actionGroups, describeDetails, filtersFrom } from './audit-view.ts';

describe(filtersFrom.name, () => {
	it('keeps the known, non-empty filters', () => {
		const params = new URLSearchParams('actor=u1&action=&target=%20r1%20&from=2026-12-01&page=3');
		expect(filtersFrom(params)).toEqual({ actor: 'u1', target: 'r1', from: '2026-12-01' });
	});
});

describe(actionGroups.name, () => {
	it('groups actions by their prefix, in order', () => {
		expect(actionGroups(['project.create', 'project.update', 'segment.update', 'task.transition'])).toEqual([
			{ group: 'project', actions: ['project.create', 'project.update'] },
			{ group: 'segment', actions: ['segment.update'] },
			{ group: 'task', actions: ['task.transition'] }
		]);
	});
});

describe(describeDetails.name, () => {
	it('writes changes as from → to, lists joined, the rest as key: value', () => {
		expect(
			describeDetails({
				changes: { name: { from: '阿婆', to: '阿婆 (Po)' }, place: { from: null, to: '台山' } },
				added: ['gloss', 'ipa'],
				removed: [],
				segments: 12
			})
		).toEqual(['name: 阿婆 → 阿婆 (Po)', 'place: ∅ → 台山', 'added: gloss, ipa', 'segments: 12']);
	});
});
