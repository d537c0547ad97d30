import { reviewApi, type RecordingMetrics, type RecordingReview, type ReviewEntry, type ReviewInput } from './review-api.ts';

/**
 * The review side of one recording in the editor: every segment's reviews and accepted version,
 * the project's stages and categories, whether this user may decide, and the metrics summary.
 * Decisions go straight to the server (they are not edits of the segment, so not autosaved).
 */
export class RecordingReviewState {
	readonly recordingId: string;
	entries = $state.raw<Map<string, ReviewEntry>>(new Map());
	settings = $state.raw<RecordingReview['settings'] | null>(null);
	canReview = $state(false);
	metrics = $state.raw<RecordingMetrics | null>(null);
	loadError = $state<string | null>(null);
	/** Segments whose last decision asks something of the transcriber (corrected or rejected). */
	feedback = $derived([...this.entries.values()].filter((e) => e.accepted.state === 'corrected' || e.accepted.state === 'rejected'));
	counts = $derived.by(() => {
		const counts = { unreviewed: 0, accepted: 0, corrected: 0, rejected: 0 };
		for (const e of this.entries.values()) counts[e.accepted.state]++;
		return counts;
	});
	#api: ReturnType<typeof reviewApi>;

	constructor(recordingId: string, fetch?: typeof globalThis.fetch) {
		this.recordingId = recordingId;
		this.#api = reviewApi(fetch);
	}

	async load(): Promise<void> {
		try {
			const review = await this.#api.recording(this.recordingId);
			this.settings = review.settings;
			this.canReview = review.canReview;
			this.entries = new Map(review.segments.map((e) => [e.segment.id, e]));
			this.loadError = null;
			void this.refreshMetrics();
		} catch (err) {
			this.loadError = err instanceof Error ? err.message : String(err);
		}
	}

	async refreshMetrics(): Promise<void> {
		try {
			this.metrics = await this.#api.metrics(this.recordingId);
		} catch {
			// The summary is a help, not the work: leave the last one shown.
		}
	}

	get(segmentId: string | null): ReviewEntry | undefined {
		return segmentId ? this.entries.get(segmentId) : undefined;
	}

	/** Records a decision; resolves to the segment's new entry (throws the ApiError on refusal). */
	async decide(segmentId: string, input: ReviewInput): Promise<ReviewEntry> {
		const { entry } = await this.#api.decide(segmentId, input);
		const next = new Map(this.entries);
		next.set(segmentId, entry);
		this.entries = next;
		void this.refreshMetrics();
		return entry;
	}

	/** The stage a new decision on `entry` is for: the first not decided yet (the last once all are). */
	stageFor(entry: ReviewEntry): number {
		const stages = this.settings?.stages.length ?? 1;
		return Math.min(stages, entry.accepted.stage + (entry.accepted.state === 'rejected' ? 0 : 1)) || 1;
	}
}
