// See https://svelte.dev/docs/kit/types#app.d.ts
import type { ProjectSummaryDto, RecordingDto, UserDto } from '$lib/api/types';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** The API's error code when the failure came from /api (`not_found`, `forbidden`…). */
			code?: string;
		}
		interface PageData {
			/** The signed-in user, or null on the public pages (/login, /setup). Set by the root layout. */
			user: UserDto | null;
			/** The project a page is about; the top bar's breadcrumb shows it. */
			project?: Pick<ProjectSummaryDto, 'id' | 'slug' | 'name'>;
			/** The recording a page is about; the breadcrumb's last step. */
			recording?: Pick<RecordingDto, 'id' | 'name'>;
		}
	}
}

export {};
