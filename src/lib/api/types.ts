/**
 * API shapes as the server declares them: inferred from `AppType` through the typed client, so a
 * change on the server is a type error here rather than a surprise at run time. Nothing is
 * redeclared by hand except the error body every route shares.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import type { Api } from './client.ts';

type A = Api['api'];

export type UserDto = InferResponseType<A['auth']['me']['$get'], 200>['user'];
export type Role = UserDto['role'];

export type AccountList = InferResponseType<A['users']['$get'], 200>;
export type AccountDto = AccountList['users'][number];
export type CreateAccountInput = InferRequestType<A['users']['$post']>['json'];
export type AccountPatch = InferRequestType<A['users'][':userId']['$patch']>['json'];
/** A one-time invitation or reset link as issued (its token is shown once). */
export type AccountLink = InferResponseType<A['users'][':userId']['link']['$post'], 201>['link'];

export type ProjectList = InferResponseType<A['projects']['$get'], 200>;
export type ProjectSummaryDto = ProjectList['projects'][number];
export type ProjectDto = InferResponseType<A['projects'][':projectId']['$get'], 200>['project'];
export type DialectTagDto = ProjectDto['dialectTags'][number];
export type TextLayerDto = ProjectDto['textLayers'][number];
export type SpeakerDto = ProjectDto['speakers'][number];
export type CreateProjectInput = InferRequestType<A['projects']['$post']>['json'];
/** What the signed-in user may do in a project (server/access/ decides). */
export type ProjectCapabilities = InferResponseType<A['projects'][':projectId']['$get'], 200>['capabilities'];
/** The signed-in user's role in a project (`admin` for an instance admin). */
export type ProjectAccessRole = InferResponseType<A['projects'][':projectId']['$get'], 200>['role'];
export type MemberList = InferResponseType<A['projects'][':projectId']['members']['$get'], 200>;
export type MemberDto = MemberList['members'][number];
export type ProjectRole = MemberDto['role'];
export type PatchProjectInput = InferRequestType<A['projects'][':projectId']['$patch']>['json'];
export type ProjectUsage = InferResponseType<A['projects'][':projectId']['usage']['$get'], 200>['usage'];
export type TextLayerInput = InferRequestType<A['projects'][':projectId']['layers']['$put']>['json']['textLayers'][number];
export type SpeakerInput = InferRequestType<A['projects'][':projectId']['speakers']['$post']>['json'];
export type SpeakerPatch = InferRequestType<A['projects'][':projectId']['speakers'][':speakerId']['$patch']>['json'];

export type RecordingList = InferResponseType<A['projects'][':projectId']['recordings']['$get'], 200>;
export type RecordingDto = InferResponseType<A['recordings'][':id']['$get'], 200>['recording'];
export type RecordingState = RecordingDto['state'];
export type RecordingDeletion = InferResponseType<A['recordings'][':id']['deletion']['$get'], 200>['deletion'];

type RecordingImport = A['recordings'][':recordingId']['transcript-import']['$post'];
type ProjectImport = A['projects'][':projectId']['transcript-import']['$post'];
/** The answer to a transcript import without apply: what would change (server/transcript-import). */
export type TranscriptImportPreview = InferResponseType<RecordingImport, 200>['preview'];
export type TranscriptImportApplied = InferResponseType<RecordingImport, 201>;
export type ProjectImportPreview = InferResponseType<ProjectImport, 200>['preview'];
export type ProjectImportApplied = InferResponseType<ProjectImport, 201>;
export type ImportWarning = TranscriptImportPreview['warnings'][number];
export type ImportMapping = TranscriptImportPreview['mapping'];

type ProjectAudit = A['projects'][':projectId']['audit']['$get'];
export type AuditPage = InferResponseType<ProjectAudit, 200>;
export type AuditEntryDto = AuditPage['entries'][number];
export type AuditFilterChoices = InferResponseType<A['projects'][':projectId']['audit']['filters']['$get'], 200>;
/** The audit view's filters and paging, as the query string carries them. */
export type AuditQuery = NonNullable<InferRequestType<ProjectAudit>['query']>;

export type Dashboard = InferResponseType<A['projects'][':projectId']['dashboard']['$get'], 200>;

/** `{ error: { code, message, …details } }`, the body of every failed /api call (server/lib/errors.ts). */
export type { ApiErrorBody } from '$server/lib/errors';

type ProjectExports = A['projects'][':projectId']['exports'];
/** An export job as the server reports it (server/export). */
export type ExportJobDto = InferResponseType<A['exports'][':exportId']['$get'], 200>['export'];
export type ExportFormat = ExportJobDto['format'];
export type CreateExportInput = InferRequestType<ProjectExports['$post']>['json'];
export type ExportFilter = NonNullable<CreateExportInput['filter']>;
export type ExportOptionsInput = NonNullable<CreateExportInput['options']>;
export type ExportChoices = InferResponseType<ProjectExports['choices']['$get'], 200>;
export type ExportCount = InferResponseType<ProjectExports['count']['$post'], 200>;
