import { createRest } from '$lib/api/client';
import { orError } from '$lib/api/load';
import { createTaskRest, TASK_PAGE_SIZE as PAGE_SIZE, TASK_STATES, type TaskState } from '$lib/tasks/task-rest';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent, depends, url }) => {
	depends('app:tasks');
	await parent();
	const { project, capabilities } = await orError(createRest(fetch).getProject(params.slug));
	const tasks = createTaskRest(fetch);
	const state = url.searchParams.get('state');
	const filter = TASK_STATES.includes(state as TaskState) ? (state as TaskState) : null;
	const page = Math.max(0, Number(url.searchParams.get('page')) || 0);
	const [list, assignees, gold] = await Promise.all([
		orError(tasks.list(project.id, { ...(filter ? { state: filter } : {}), limit: String(PAGE_SIZE), offset: String(page * PAGE_SIZE) })),
		capabilities.manage ? orError(tasks.assignees(project.id)).then((r) => r.assignees) : Promise.resolve([]),
		capabilities.manage ? orError(tasks.goldAccuracy(project.id)).then((r) => r.transcribers) : Promise.resolve([])
	]);
	return { project, capabilities, list, assignees, gold, filter, page };
};
