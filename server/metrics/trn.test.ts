import { describe, expect, it } from 'vitest';
import { parseTrn, scoreTrn, TrnError } from './trn.ts';

describe(parseTrn.name, () => {
	it('reads text and id, skipping blank and ;; lines; ids may hold spaces; text may be empty', () => {
		const content = '\ufeffa b (spk1 u1)\r\n;; a comment\n\n\te  f\t(s1-u3)   \n(uh) y (s1-u4)\n(s1-u5)\n';
		expect(parseTrn(content)).toEqual([
			{ id: 'spk1 u1', text: 'a b ', line: 1 },
			{ id: 's1-u3', text: '\te  f\t', line: 4 },
			{ id: 's1-u4', text: '(uh) y ', line: 5 },
			{ id: 's1-u5', text: '', line: 6 }
		]);
	});

	it.each([
		['a b (s1-u1)\nno id here\n', 2, /ref\.trn:2: no utterance id/],
		['a b (s1-u1) trailing\n', 1, /ref\.trn:1: no utterance id/],
		['a b ( )\n', 1, /ref\.trn:1: the utterance id is empty/],
		['a (x)\nb (y)\nc (x)\n', 3, /ref\.trn:3: utterance id \(x\) is already on line 1/],
		['i { um / uh } see (s1-u1)\n', 1, /ref\.trn:1: .*alternations are not supported/]
	])('refuses %j at line %i', (content, line, message) => {
		let error: unknown;
		try {
			parseTrn(content, 'ref.trn');
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(TrnError);
		expect((error as TrnError).line).toBe(line);
		expect((error as TrnError).message).toMatch(message);
	});
});

describe(scoreTrn.name, () => {
	const ref = parseTrn('我们在这里 (u1)\nhello world (u2)\n@ a (u3)\n');
	const hyp = parseTrn('hello there world (u2)\n我在那里 (u1)\na (u3)\n');

	it('matches utterances by id, in the reference order, and sums the totals', () => {
		const score = scoreTrn(ref, hyp, { unit: 'char' });
		expect(score.utterances.map((u) => [u.id, u.correct, u.substitutions, u.deletions, u.insertions, u.refLength])).toEqual([
			['u1', 3, 1, 1, 0, 5],
			['u2', 10, 0, 0, 5, 10],
			['u3', 1, 0, 0, 0, 1]
		]);
		expect(score.overall).toMatchObject({ correct: 14, substitutions: 1, deletions: 1, insertions: 5, refLength: 16, errors: 7 });
		expect(score.overall.errorRate).toBeCloseTo(7 / 16, 12);
	});

	it('never counts sclite\'s null word "@"', () => {
		expect(scoreTrn(ref, hyp, { unit: 'word' }).utterances[2]).toMatchObject({ correct: 1, refLength: 1, errors: 0 });
	});

	it('names the ids that only one file holds', () => {
		const more = parseTrn('a (u1)\nb (u9)\n');
		const fewer = parseTrn('a (u1)\nc (u7)\n');
		expect(() => scoreTrn(more, fewer, {}, { ref: 'ref.trn', hyp: 'hyp.trn' })).toThrow(
			'The files hold different utterances: utterance (u9) in ref.trn but not in hyp.trn; utterance (u7) in hyp.trn but not in ref.trn'
		);
	});
});
