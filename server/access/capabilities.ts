import type { ProjectRole } from '../db/schema.ts';

/** What someone may do in one project; every project route needs one of these. */
export interface Capabilities {
	/** See the project, its recordings, audio, segments and history. */
	read: boolean;
	/** Create, edit and delete segments (the transcriber's work). */
	transcribe: boolean;
	/** Review others' work (corrections beside the original). */
	review: boolean;
	/** Configure the project: details, guidelines, speakers, taxonomy, layers, recordings, members, tasks. */
	manage: boolean;
	/** Export the project's data. */
	export: boolean;
}

export type Capability = keyof Capabilities;
export const CAPABILITIES = ['read', 'transcribe', 'review', 'manage', 'export'] as const satisfies readonly Capability[];

/** The one table of who may do what: an instance admin and a project's managers may do everything. */
const BY_ROLE: Record<ProjectRole | 'admin', Capabilities> = {
	admin: { read: true, transcribe: true, review: true, manage: true, export: true },
	manager: { read: true, transcribe: true, review: true, manage: true, export: true },
	reviewer: { read: true, transcribe: false, review: true, manage: false, export: false },
	transcriber: { read: true, transcribe: true, review: false, manage: false, export: false },
	exporter: { read: true, transcribe: false, review: false, manage: false, export: true }
};

export function capabilitiesOf(role: ProjectRole | 'admin'): Capabilities {
	return { ...BY_ROLE[role] };
}

/** What a missing capability stops, for the 403's message. */
export const CAPABILITY_ACTIONS: Record<Capability, string> = {
	read: 'see this project',
	transcribe: 'edit transcriptions',
	review: 'review work',
	manage: "change the project's setup",
	export: 'export'
};
