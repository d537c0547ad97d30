/**
 * The review calls of the editor and the settings page, over the typed client; types come from
 * the server's route declarations (AppType), never redeclared here.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import { ApiError, createApi, type Api } from '$lib/api/client';

type A = Api['api'];
export type RecordingReview = InferResponseType<A['recordings'][':recordingId']['review']['$get'], 200>;
export type ReviewEntry = RecordingReview['segments'][number];
export type ReviewDto = ReviewEntry['reviews'][number];
export type ReviewSettings = RecordingReview['settings'];
export type ReviewState = ReviewEntry['accepted']['state'];
export type ReviewInput = InferRequestType<A['segments'][':id']['reviews']['$post']>['json'];
export type RecordingMetrics = InferResponseType<A['recordings'][':recordingId']['metrics']['$get'], 200>;
export type Correction = NonNullable<ReviewInput['corrected']>;
export type QaBatchDetail = InferResponseType<A['qa-batches'][':batchId']['$get'], 200>;
export type QaBatch = QaBatchDetail['batch'];
type OneTask = A['tasks'][':taskId'];
export type ReviewTask = InferResponseType<OneTask['$get'], 200>['task'];
export type TaskEvent = InferResponseType<OneTask['events']['$get'], 200>['events'][number];
export type QaBatchInput = InferRequestType<A['projects'][':projectId']['qa-batches']['$post']>['json'];

async function body<T>(res: Response): Promise<T> {
	if (!res.ok) throw await ApiError.from(res);
	return (await res.json()) as T;
}

export function reviewApi(fetch: typeof globalThis.fetch = globalThis.fetch) {
	const { api } = createApi(fetch);
	return {
		/** A recording's review view; `variant` for a double transcription's other versions (default 0). */
		recording: (recordingId: string, variant = 0) =>
			api.recordings[':recordingId'].review
				.$get({ param: { recordingId }, query: variant ? { variant: String(variant) } : {} })
				.then((r) => body<RecordingReview>(r)),
		metrics: (recordingId: string) =>
			api.recordings[':recordingId'].metrics.$get({ param: { recordingId }, query: {} }).then((r) => body<RecordingMetrics>(r)),
		/** ApiError 409 `version_conflict` when the transcriber changed the segment meanwhile. */
		decide: (segmentId: string, input: ReviewInput) =>
			api.segments[':id'].reviews
				.$post({ param: { id: segmentId }, json: input })
				.then((r) => body<{ review: ReviewDto; entry: ReviewEntry }>(r)),
		segmentReviews: (segmentId: string) =>
			api.segments[':id'].reviews.$get({ param: { id: segmentId } }).then((r) => body<{ reviews: ReviewDto[] }>(r)),
		settings: (projectId: string) =>
			api.projects[':projectId']['review-settings'].$get({ param: { projectId } }).then((r) => body<{ settings: ReviewSettings }>(r)),
		qaBatches: (projectId: string) =>
			api.projects[':projectId']['qa-batches'].$get({ param: { projectId } }).then((r) => body<{ batches: QaBatch[] }>(r)),
		drawQaBatch: (projectId: string, input: QaBatchInput) =>
			api.projects[':projectId']['qa-batches'].$post({ param: { projectId }, json: input }).then((r) => body<QaBatchDetail>(r)),
		qaBatch: (batchId: string) => api['qa-batches'][':batchId'].$get({ param: { batchId } }).then((r) => body<QaBatchDetail>(r)),
		/** ApiError 409 `sample_incomplete` (with `remaining`) while sampled segments still need a decision. */
		decideQaBatch: (batchId: string) =>
			api['qa-batches'][':batchId'].decision.$post({ param: { batchId } }).then((r) => body<QaBatchDetail>(r)),
		task: (taskId: string) => api.tasks[':taskId'].$get({ param: { taskId } }).then((r) => body<{ task: ReviewTask }>(r)),
		taskEvents: (taskId: string) => api.tasks[':taskId'].events.$get({ param: { taskId } }).then((r) => body<{ events: TaskEvent[] }>(r)),
		/** The reviewer's decision on the whole task: accept (last stage), pass (to the next stage) or return (with a note). */
		taskAct: (taskId: string, action: 'accept' | 'pass' | 'return', note?: string) =>
			api.tasks[':taskId'].transitions.$post({ param: { taskId }, json: { action, note } }).then((r) => body<{ task: ReviewTask }>(r)),
		/** The reviewer's next task (their own in review first); `task` null when the queue is empty. */
		nextReview: (projectId: string) =>
			api.projects[':projectId'].tasks['next-review'].$post({ param: { projectId } }).then((r) => body<{ task: ReviewTask | null }>(r)),
		saveSettings: (projectId: string, settings: ReviewSettings) =>
			api.projects[':projectId']['review-settings']
				.$put({ param: { projectId }, json: settings })
				.then((r) => body<{ settings: ReviewSettings }>(r))
	};
}
