import type { MediaTools } from '../../../server/media/ffmpeg.ts';

export interface GroupContext {
	media: MediaTools;
	cpuCount: number;
	/** A progress line on stderr (the report itself goes to stdout at the end). */
	log(line: string): void;
}

export interface GroupResult {
	/** Flat name → number; names with a target in targets.ts are judged PASS/FAIL. */
	figures: Record<string, number>;
	/** What the reader needs to interpret the figures: conditions, what was not measured and why. */
	notes: string[];
}

export interface BenchGroup {
	name: string;
	title: string;
	run(ctx: GroupContext): Promise<GroupResult>;
}
