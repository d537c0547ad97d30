import { describe, expect, it } from 'vitest';
import { acceptedVersion, reviewExportFields, type ReviewLike } from './accepted-version.ts';

const segment = { version: 3, startMs: 0, endMs: 1000, speakerId: 's1', dialectTagId: 't1', texts: { transcript: '我哋去食饭', romanization: 'ngo dei' } };

let n = 0;
function review(partial: Partial<ReviewLike>): ReviewLike {
	n++;
	return {
		id: `r${String(n).padStart(3, '0')}`,
		stage: 1,
		baseVersion: 3,
		reviewerId: 'rev',
		decision: 'accept',
		corrected: null,
		categories: [],
		comment: '',
		createdAt: `2026-12-03T10:00:${String(n).padStart(2, '0')}.000Z`,
		...partial
	};
}

describe(acceptedVersion.name, () => {
	it('is the original, unreviewed, without reviews', () => {
		const accepted = acceptedVersion(segment, []);
		expect(accepted.state).toBe('unreviewed');
		expect(accepted.stage).toBe(0);
		expect(accepted.fields.texts).toEqual(segment.texts);
	});

	it("applies the last stage's correction over the earlier stages', per layer", () => {
		const reviews = [
			review({ stage: 1, decision: 'correct', corrected: { texts: { transcript: '我哋去吃饭' }, speakerId: 's2' } }),
			review({ stage: 2, decision: 'correct', corrected: { texts: { transcript: '我们去吃饭' } } })
		];
		const accepted = acceptedVersion(segment, reviews);
		expect(accepted.state).toBe('corrected');
		expect(accepted.stage).toBe(2);
		expect(accepted.fields).toEqual({
			startMs: 0,
			endMs: 1000,
			speakerId: 's2',
			dialectTagId: 't1',
			texts: { transcript: '我们去吃饭', romanization: 'ngo dei' }
		});
		// The input is never changed.
		expect(segment.texts.transcript).toBe('我哋去食饭');
	});

	it('counts only the latest review per stage, and only reviews of the current version', () => {
		const reviews = [
			review({ stage: 1, decision: 'correct', corrected: { texts: { transcript: 'x' } } }),
			review({ stage: 1, decision: 'accept' }),
			review({ stage: 2, baseVersion: 2, decision: 'reject' })
		];
		const accepted = acceptedVersion(segment, reviews);
		expect(accepted.state).toBe('accepted');
		expect(accepted.stage).toBe(1);
		expect(accepted.fields.texts.transcript).toBe('我哋去食饭');
		expect(acceptedVersion({ ...segment, version: 4 }, reviews).state).toBe('unreviewed');
	});

	it('is rejected when the last decided stage rejected it, and an empty text clears a layer', () => {
		const accepted = acceptedVersion(segment, [
			review({ stage: 1, decision: 'correct', corrected: { texts: { romanization: '' } } }),
			review({ stage: 2, decision: 'reject' })
		]);
		expect(accepted.state).toBe('rejected');
		expect(accepted.fields.texts).toEqual({ transcript: '我哋去食饭' });
	});
});

describe(reviewExportFields.name, () => {
	it("gives the state, the last reviewer and the transcriber's CER against the accepted text", () => {
		const fields = reviewExportFields(segment, [review({ reviewerId: 'lin', decision: 'correct', corrected: { texts: { transcript: '我们去吃饭' } } })], {
			layerKey: 'transcript'
		});
		expect(fields).toMatchObject({ reviewState: 'corrected', reviewStage: 1, reviewerId: 'lin' });
		expect(fields.cer).toBeCloseTo(2 / 5);
		expect(reviewExportFields(segment, [], { layerKey: 'transcript' }).cer).toBe(0);
	});
});
