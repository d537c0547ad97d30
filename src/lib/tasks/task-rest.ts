import { createApi, okJson } from '$lib/api/client';
import type { InferRequestType, InferResponseType } from 'hono/client';
import type { Api } from '$lib/api/client';

type A = Api['api'];
type ProjectTasks = A['projects'][':projectId']['tasks'];
type OneTask = A['tasks'][':taskId'];

export type TaskList = InferResponseType<ProjectTasks['$get'], 200>;
export type TaskDto = TaskList['tasks'][number];
export type TaskState = TaskDto['state'];
export type ClaimResult = InferResponseType<ProjectTasks['next']['$post'], 200>;
export type TaskSettings = InferResponseType<ProjectTasks['settings']['$get'], 200>['settings'];
export type TaskEventDto = InferResponseType<OneTask['events']['$get'], 200>['events'][number];
export type TaskAction = InferRequestType<OneTask['transitions']['$post']>['json']['action'];
export type TaskPatch = InferRequestType<OneTask['$patch']>['json'];
export type GoldAccuracy = InferResponseType<ProjectTasks['gold-accuracy']['$get'], 200>['transcribers'];

/** Rows per page of the task table. */
export const TASK_PAGE_SIZE = 50;

export const TASK_STATES: TaskState[] = ['new', 'in_progress', 'submitted', 'in_review', 'accepted', 'returned'];

/** The task calls the pages make; each resolves to its 2xx body or throws an ApiError. */
export function createTaskRest(fetch: typeof globalThis.fetch = globalThis.fetch) {
	const { api } = createApi(fetch);
	const project = api.projects[':projectId'].tasks;
	const task = api.tasks[':taskId'];
	return {
		list: (projectId: string, query: { state?: string; assignee?: string; limit?: string; offset?: string } = {}) =>
			okJson<TaskList>(project.$get({ param: { projectId }, query })),
		create: (projectId: string, json: { recordingIds?: string[]; priority?: number } = {}) =>
			okJson<{ created: number; recordings: number }>(project.$post({ param: { projectId }, json })),
		next: (projectId: string) => okJson<ClaimResult>(project.next.$post({ param: { projectId } })),
		nextReview: (projectId: string) => okJson<ClaimResult>(project['next-review'].$post({ param: { projectId } })),
		settings: (projectId: string) => okJson<{ settings: TaskSettings }>(project.settings.$get({ param: { projectId } })),
		putSettings: (projectId: string, json: TaskSettings) =>
			okJson<{ settings: TaskSettings }>(project.settings.$put({ param: { projectId }, json })),
		assignees: (projectId: string) =>
			okJson<{ assignees: { id: string; name: string }[] }>(project.assignees.$get({ param: { projectId } })),
		goldAccuracy: (projectId: string) =>
			okJson<{ transcribers: GoldAccuracy }>(project['gold-accuracy'].$get({ param: { projectId } })),
		get: (taskId: string) => okJson<{ task: TaskDto }>(task.$get({ param: { taskId } })),
		events: (taskId: string) => okJson<{ events: TaskEventDto[] }>(task.events.$get({ param: { taskId } })),
		act: (taskId: string, action: TaskAction, note?: string) =>
			okJson<{ task: TaskDto }>(task.transitions.$post({ param: { taskId }, json: { action, note } })),
		heartbeat: (taskId: string) => okJson<{ task: TaskDto }>(task.heartbeat.$post({ param: { taskId } })),
		patch: (taskId: string, json: TaskPatch) => okJson<{ task: TaskDto }>(task.$patch({ param: { taskId }, json }))
	};
}
export type TaskRest = ReturnType<typeof createTaskRest>;

/** Where a task is worked on: the editor on its recording, at its window. */
export function taskHref(task: Pick<TaskDto, 'id' | 'recordingId'>): string {
	return `/recordings/${encodeURIComponent(task.recordingId)}?task=${encodeURIComponent(task.id)}`;
}
