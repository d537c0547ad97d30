import { diffTexts } from '../../../server/metrics/diff.ts';
import { scoreTexts } from '../../../server/metrics/score.ts';
import { correctedText, medianMs, seededRandom, transcriptText } from '../../../server/metrics/test-texts.ts';
import type { BenchGroup } from '../lib/group.ts';
import { round } from '../lib/stats.ts';

const PAIRS = 200;
const RUNS = 5000;

/**
 * Transcript metrics (issue 8), in this process: the review diff and the scorer on 200-character
 * Chinese segments (with punctuation and a few English words), one call at a time, the median over
 * many calls cycling through distinct pairs. The headline pairs are a reviewer's correction (about
 * 10 % of the characters changed, in runs of 1–3); unrelated pairs are the diff's worst case.
 */
export const metricsGroup: BenchGroup = {
	name: 'metrics',
	title: 'review diff and CER of 200-character segments',
	async run() {
		const random = seededRandom(8);
		const corrected = Array.from({ length: PAIRS }, () => {
			const before = transcriptText(random, 200);
			return [before, correctedText(random, before)] as const;
		});
		const unrelated = Array.from({ length: PAIRS }, () => [transcriptText(random, 200), transcriptText(random, 200)] as const);
		const time = (pairs: (readonly [string, string])[], fn: (a: string, b: string) => unknown) => {
			let i = 0;
			return medianMs(() => {
				const [a, b] = pairs[i++ % pairs.length];
				return fn(a, b);
			}, RUNS, 500);
		};
		const normalized = { foldVariants: true, foldWidth: true, stripPunct: true, foldCase: true };
		return {
			figures: {
				diff_ms_200_chars: round(time(corrected, (a, b) => diffTexts(a, b)), 4),
				diff_ms_200_chars_unrelated: round(time(unrelated, (a, b) => diffTexts(a, b)), 4),
				cer_ms_200_chars: round(time(corrected, (a, b) => scoreTexts(a, b)), 4),
				cer_ms_200_chars_normalized: round(time(corrected, (a, b) => scoreTexts(a, b, normalized)), 4)
			},
			notes: [
				`median of ${RUNS} calls over ${PAIRS} distinct pairs each; corrected pairs change ≈10 % of the characters`,
				'cer_ms_200_chars_normalized folds variants (OpenCC), width and case and strips punctuation first'
			]
		};
	}
};
