/**
 * API shapes the front end needs before the server routes that return them are typed through
 * `AppType`. They mirror the HTTP API contract (contract.md) field for field; once a route's
 * types flow through `hc<AppType>`, replace its hand-written type here with
 * `InferResponseType<…>` and delete the duplicate. This is the only file that redeclares DTOs.
 */
export type { UserDto } from '$server/users/users.mapper';
export type { Role } from '$server/db/schema';

/** `{ error: { code, message, …details } }`, the body of every failed /api call. */
export interface ApiErrorBody {
	error: { code: string; message: string; [detail: string]: unknown };
}

export interface ProjectSummaryDto {
	id: string;
	slug: string;
	name: string;
	description: string;
	recordingCount: number;
	totalDurationMs: number;
	segmentCount: number;
	createdAt: string;
	updatedAt: string;
}

export interface DialectTagDto {
	id: string;
	parentId: string | null;
	code: string;
	nameEn: string;
	nameZh: string;
	sortOrder: number;
}

export interface TextLayerDto {
	id: string;
	key: string;
	nameEn: string;
	nameZh: string;
	sortOrder: number;
}

export interface SpeakerDto {
	id: string;
	code: string;
	name: string;
	gender: string | null;
	ageBand: string | null;
	homeDialect: string | null;
	place: string | null;
}

export interface ProjectDto extends ProjectSummaryDto {
	guidelines: string;
	dialectTags: DialectTagDto[];
	textLayers: TextLayerDto[];
	speakers: SpeakerDto[];
}

export interface CreateProjectInput {
	name: string;
	slug?: string;
	description?: string;
	guidelines?: string;
}

export type RecordingState = 'queued' | 'processing' | 'ready' | 'failed';

export interface RecordingDto {
	id: string;
	projectId: string;
	name: string;
	sha256: string;
	sizeBytes: number;
	formatName: string | null;
	codec: string | null;
	durationMs: number | null;
	sampleRate: number | null;
	channels: number | null;
	speakerId: string | null;
	place: string | null;
	metadata: Record<string, unknown>;
	state: RecordingState;
	error: string | null;
	segmentCount: number;
	/** Total milliseconds covered by segments. */
	segmentedMs: number;
	createdAt: string;
	updatedAt: string;
}
