import type { ProjectRole, Role } from '$lib/api/types';

/** Project roles, most rights first (server/access/capabilities.ts says what each may do). */
export const PROJECT_ROLES: readonly ProjectRole[] = ['manager', 'reviewer', 'transcriber', 'exporter'];

/** Instance roles: an admin runs the instance, a member works in their projects. */
export const INSTANCE_ROLES: readonly Role[] = ['member', 'admin'];
