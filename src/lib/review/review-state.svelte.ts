import { reviewApi, type RecordingMetrics, type RecordingReview, type ReviewEntry, type ReviewInput, type ReviewTask } from './review-api.ts';

/**
 * The review side of one recording in the editor: every segment's reviews and accepted version,
 * the project's stages and categories, whether this user may decide, and the metrics summary.
 * Decisions go straight to the server (they are not edits of the segment, so not autosaved).
 */
export class RecordingReviewState {
	readonly recordingId: string;
	/** The task the page was opened for (`?task=`), when it is on this recording. */
	readonly taskId: string | null;
	task = $state.raw<ReviewTask | null>(null);
	/** The note of the task's last return: what the reviewer asked of the transcriber. */
	returnNote = $state<string | null>(null);
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

	/** The transcription reviewed: a task's variant (0, the primary, unless a double transcription's). */
	readonly variant: number;

	constructor(recordingId: string, options: { taskId?: string | null; variant?: number; fetch?: typeof globalThis.fetch } = {}) {
		this.recordingId = recordingId;
		this.taskId = options.taskId ?? null;
		this.variant = options.variant ?? 0;
		const fetch = options.fetch;
		this.#api = reviewApi(fetch);
	}

	async load(): Promise<void> {
		try {
			const review = await this.#api.recording(this.recordingId, this.variant);
			this.settings = review.settings;
			this.canReview = review.canReview;
			this.entries = new Map(review.segments.map((e) => [e.segment.id, e]));
			this.loadError = null;
			// The figures are for reviewers and managers (the route refuses others).
			if (this.canReview) void this.refreshMetrics();
			if (this.taskId) await this.loadTask();
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

	async loadTask(): Promise<void> {
		try {
			const { task } = await this.#api.task(this.taskId!);
			if (task.recordingId !== this.recordingId) return;
			this.task = task;
			const { events } = await this.#api.taskEvents(task.id);
			this.returnNote = [...events].reverse().find((e) => e.action === 'return' || e.action === 'batch_return')?.note ?? null;
		} catch {
			// A stale or foreign task id just opens the recording.
		}
	}

	/** The task, when this user is reviewing it now: decisions are then made inside it. */
	reviewingTask(userId: string): ReviewTask | null {
		return this.task && this.task.state === 'in_review' && this.task.reviewerId === userId ? this.task : null;
	}

	/** The decision on the whole task (accept, pass on, return with a note); the bar shows the new state. */
	async actOnTask(action: 'accept' | 'pass' | 'return', note?: string): Promise<ReviewTask> {
		const { task } = await this.#api.taskAct(this.task!.id, action, note);
		this.task = task;
		return task;
	}

	nextReview(projectId: string) {
		return this.#api.nextReview(projectId);
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

	/** The stage a new decision on `entry` is for: the task's, else the first not decided yet (the last once all are). */
	stageFor(entry: ReviewEntry, userId?: string): number {
		const task = userId ? this.reviewingTask(userId) : null;
		if (task) return task.reviewStage;
		const stages = this.settings?.stages.length ?? 1;
		return Math.min(stages, entry.accepted.stage + (entry.accepted.state === 'rejected' ? 0 : 1)) || 1;
	}
}
