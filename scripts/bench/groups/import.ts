import { measureTranscriptImport } from '../../../server/transcript-import/bench.ts';
import type { BenchGroup } from '../lib/group.ts';
import { round } from '../lib/stats.ts';

const INTERVALS = 10_000;
const ROUNDS = 3;

/**
 * Transcript import (issue 7), in this process on SQLite: a generated 10,000-interval TextGrid
 * (4 speakers) imported into a recording through the service the route uses — parse, preview and
 * apply (speakers created, every segment inserted with its revision) in one transaction. Median of
 * 3 rounds, each on a fresh database.
 */
export const importGroup: BenchGroup = {
	name: 'import',
	title: 'importing a 10,000-interval TextGrid (parse + preview + apply)',
	async run(ctx) {
		const rounds: Awaited<ReturnType<typeof measureTranscriptImport>>[] = [];
		for (let i = 0; i < ROUNDS; i++) {
			rounds.push(await measureTranscriptImport(INTERVALS));
			ctx.log(`import round ${i + 1}: ${rounds[i].seconds.toFixed(3)} s`);
		}
		const median = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick).sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
		return {
			figures: {
				import_textgrid_s_10k: round(median((r) => r.seconds), 3),
				import_preview_s_10k: round(median((r) => r.previewSeconds), 3),
				import_unchanged_s_10k: round(median((r) => r.unchangedSeconds), 3)
			},
			notes: [
				`${INTERVALS} intervals, ${(rounds[0].bytes / 1024 / 1024).toFixed(1)} MB of UTF-8; median of ${ROUNDS} rounds on a fresh SQLite database each`,
				`rounds: ${rounds.map((r) => r.seconds.toFixed(3)).join(', ')} s`,
				'import_preview_s_10k: the preview alone (parse + diff, nothing written); import_unchanged_s_10k: the same file again in merge mode (all unchanged)'
			]
		};
	}
};
